/**
 * Shared helpers for the fault-injection tests (test/faults/, test/companion/sync-faults.test.ts):
 * a seeded PRNG, record-making, a saved flash image with records, link cuts at an exact packet, and
 * the checks every fault test repeats ("every record exactly once"; the motor's cap is firmware.ts's
 * expectMotorWithinCap).
 *
 * Everything runs the real firmware bundle (firmware.ts: one build per test process) in the
 * VirtualDevice; companion paths go through noble's classes (simNoble), firmware paths through the
 * test Central on VirtualNrf.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { Flash } from "../../companion/sim/board/flash";
import type { VirtualDevice } from "../../companion/sim/board/device";
import { DISCONNECT_REASON, NUS_SERVICE } from "../../companion/sim/board/nrf";
import { seededRandom, type Random } from "../../companion/sim/board/prng";
import { openHistory, type History } from "../../companion/history/db";
import { decodeRecord, RECORD_BYTES } from "../../shared/record";
import { bootDevice } from "./firmware";

export { seededRandom, type Random };

/** An integer in [lo, hi] (inclusive). */
export function int(rnd: Random, lo: number, hi: number): number {
  return lo + Math.floor(rnd() * (hi - lo + 1));
}

export function pick<T>(rnd: Random, xs: readonly T[]): T {
  return xs[Math.floor(rnd() * xs.length)];
}

export function bytes(rnd: Random, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rnd() * 256);
  return b;
}

/**
 * n real sessions by the button: a short press starts the selected preset, it runs 1–3 s, a long
 * press stops it (one log record each, seq 1..n on a fresh device). About 0.6 ms each.
 */
export function buttonSessions(dev: VirtualDevice, n: number, rnd: Random = seededRandom(5)): void {
  for (let i = 0; i < n; i++) {
    dev.pressButton(100);
    dev.advance(400 + Math.floor(rnd() * 2000));
    dev.pressButton(1600);
    dev.advance(600);
  }
}

/** A flash image holding n unacknowledged records (made once, cloned per case). */
export async function flashWithRecords(n: number, seed = 5): Promise<Flash> {
  const dev = await bootDevice({ seed });
  buttonSessions(dev, n, seededRandom(seed));
  expect(dev.errors).toEqual([]);
  const f = dev.flash.clone();
  dev.powerCut();
  return f;
}

/** The valid log records in a flash image (read from the segment files), by seq. */
export function recordsInFlash(flash: Flash): Map<number, Uint8Array> {
  const out = new Map<number, Uint8Array>();
  for (const name of flash.list(/^mlog/)) {
    const b = flash.readBytes(name)!;
    for (let o = 0; o + RECORD_BYTES <= b.length; o += RECORD_BYTES) {
      const r = decodeRecord(b, o);
      if (r) out.set(r.seq, b.slice(o, o + RECORD_BYTES));
    }
  }
  return out;
}

/** A temporary folder with a history file; `done()` closes and removes it. */
export function tempHistory(prefix = "massager-faults-"): { dir: string; file: string; history: History; done(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const file = join(dir, "history.sqlite");
  const history = openHistory(file);
  return {
    dir,
    file,
    history,
    done() {
      history.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Every record of `expected` is in the history exactly once, byte for byte (the raw 20 bytes the
 * device stored), and nothing else is.
 */
export function expectHistoryHolds(history: History, deviceId: string, expected: Map<number, Uint8Array>): void {
  const rows = history.sessions({ device: deviceId, raw: true });
  const seqs = rows.map((r) => r.seq).sort((a, b) => a - b);
  expect(seqs).toEqual([...expected.keys()].sort((a, b) => a - b));
  for (const r of rows) expect(Buffer.from(r.raw!).equals(Buffer.from(expected.get(r.seq)!))).toBe(true);
}

/** Every row in the history is one of `expected`'s records, byte for byte, each at most once. */
export function expectHistorySubset(history: History, deviceId: string, expected: Map<number, Uint8Array>): number {
  const rows = history.sessions({ device: deviceId, raw: true });
  expect(new Set(rows.map((r) => r.seq)).size).toBe(rows.length);
  for (const r of rows) {
    const want = expected.get(r.seq);
    expect(want, `history row seq ${r.seq} is not a record the device holds`).toBeDefined();
    expect(Buffer.from(r.raw!).equals(Buffer.from(want!))).toBe(true);
  }
  return rows.length;
}

/**
 * Drops the link (supervision timeout) so that exactly `k` notifications of the massager service
 * (with `streamOnly`, exactly `k` log stream packets) reach the central from now: the (k+1)-th is cut
 * before any central sees it. Returns a handle with the count so far and a way to disarm;
 * `k = Infinity` only counts.
 */
export function cutAfterPackets(dev: VirtualDevice, k: number, opts: { streamOnly?: boolean } = {}): { delivered(): number; cut(): boolean; off(): void } {
  let n = 0;
  let cut = false;
  const onNotify = (svc: string, _chr: string, data: Uint8Array) => {
    if (cut || svc === NUS_SERVICE || (opts.streamOnly && !(data[0] & 0x80))) return;
    if (n === k) {
      cut = true;
      dev.nrf.centralDisconnect(DISCONNECT_REASON.SUPERVISION_TIMEOUT);
      return;
    }
    n++;
  };
  dev.nrf.prependListener("notify", onNotify);
  return {
    delivered: () => n,
    cut: () => cut,
    off: () => dev.nrf.off("notify", onNotify),
  };
}

/**
 * Drops the link so that exactly `m` request packets (writes to the massager service) reach the
 * device from now: the (m+1)-th is lost in the air and the link is gone. `seen` gets every packet
 * that did reach the device. Returns a handle to disarm (restores the radio's own method).
 */
export function cutAfterWrites(
  dev: VirtualDevice,
  m: number,
  seen: (p: Uint8Array) => void = () => undefined,
): { delivered(): number; cut(): boolean; off(): void } {
  const nrf = dev.nrf;
  const orig = nrf.centralWrite;
  let n = 0;
  let cut = false;
  nrf.centralWrite = function (service: string, characteristic: string, data: Uint8Array): void {
    if (!cut && normalize(service) !== NUS_SERVICE) {
      if (n === m) {
        cut = true;
        nrf.centralDisconnect(DISCONNECT_REASON.SUPERVISION_TIMEOUT);
        return; // written by the central's stack, never received
      }
      n++;
      seen(new Uint8Array(data));
    }
    orig.call(nrf, service, characteristic, data);
  };
  return {
    delivered: () => n,
    cut: () => cut,
    off: () => {
      nrf.centralWrite = orig;
    },
  };
}

function normalize(uuid: string): string {
  return uuid.toLowerCase().replace(/-/g, "");
}

/**
 * The motor pin's recorded changes, live (no copy: `motorTimeline()` copies the whole timeline,
 * which a test of thousands of sessions cannot afford). Read only.
 */
export function motorLive(dev: VirtualDevice): readonly { t: number; v: number }[] {
  const outputs = (dev.pins as unknown as { outputs: Map<number, { timeline: { t: number; v: number }[] }> }).outputs;
  return outputs.get(dev.board.motorPin)?.timeline ?? [];
}

/** The motor level at virtual time t (binary search over the live timeline). */
export function motorAt(dev: VirtualDevice, t: number): number {
  const tl = motorLive(dev);
  let lo = 0;
  let hi = tl.length - 1;
  let v = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (tl[mid].t <= t) {
      v = tl[mid].v;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return v;
}

/** Erases the log's segment files and reboots: the log starts over (a new id, numbering from 1). */
export function eraseLogAndReboot(dev: VirtualDevice): void {
  for (const f of dev.flash.list(/^mlog/)) dev.flash.erase(f);
  dev.reboot();
}
