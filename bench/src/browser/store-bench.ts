/**
 * Runs in the page (bundled and injected by bench/src/web.ts): the page's own IndexedDB history and
 * report code, timed where it runs. Rows arrive as JSON (their raw bytes as arrays of numbers).
 */
import type { NewSession } from "../../../companion/history/store";
import { parseDate } from "../../../companion/report/days";
import { computeReport } from "../../../companion/report/figures";
import { BrowserHistory } from "../../../companion/web/store/history";

export type WireRow = Omit<NewSession, "raw"> & { raw: number[] };

let history: BrowserHistory | null = null;

const bench = {
  async open(name: string): Promise<void> {
    history = await BrowserHistory.open(name);
  },
  /** One sync's store step: insertRecords in one transaction, committed to disk. */
  async insert(deviceId: string, wire: WireRow[]): Promise<{ ms: number; stored: number }> {
    const rows = wire.map((r) => ({ ...r, raw: new Uint8Array(r.raw) }));
    const t = performance.now();
    const r = await history!.insertRecords(deviceId, 1, rows, { device: { id: deviceId } });
    return { ms: performance.now() - t, stored: r.stored };
  },
  /** The report panel's work: every session from IndexedDB, each once, the figures. */
  async report(today: string): Promise<{ ms: number; sessions: number }> {
    const t = performance.now();
    const r = computeReport(await history!.sessions(), { today: parseDate(today)! });
    return { ms: performance.now() - t, sessions: r.sessions.total };
  },
};

(window as unknown as { massagerBench: typeof bench }).massagerBench = bench;
export type StoreBench = typeof bench;
