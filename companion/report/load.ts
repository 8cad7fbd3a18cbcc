import type { History } from "../history/db";
import type { SessionRow } from "../history/store";
import { UsageError } from "../errors";
import { dayStartUnix, parseDate } from "./days";

/*
 * The one query behind `history`, `report` and `export`: every session in start order, optionally
 * for one device (--device: its id or its name as synced) and for local dates from..to (both
 * included), each session once (oneEach). No per-day queries: the figures are linear passes.
 */
export interface LoadOptions {
  /** A device's id or its name as synced (--device). */
  device?: string;
  from?: string;
  to?: string;
}

export function loadRows(history: History, opts: LoadOptions = {}): SessionRow[] {
  let device: string | undefined;
  if (opts.device !== undefined) {
    const known = history.devices();
    const hit = known.find((d) => d.id === opts.device) ?? known.find((d) => d.name === opts.device);
    if (!hit)
      throw new UsageError(
        known.length
          ? `the history has no device "${opts.device}"; it has ${known.map((d) => (d.name ? `${d.name} (${d.id})` : d.id)).join(", ")}`
          : `the history has no devices yet; run \`massager sync\` first`,
      );
    device = hit.id;
  }
  return oneEach(
    history.sessions({
      device,
      from: opts.from !== undefined ? dayStartUnix(date("from", opts.from)) : undefined,
      to: opts.to !== undefined ? dayStartUnix(date("to", opts.to) + 1) : undefined,
      raw: true,
    }),
  );
}

/**
 * Each session once. Within one log a record's number names it; across a device's logs (a log that
 * started over, or records stored before logs had ids that a sync could not place in a log) the same
 * session could only come back as the same record (all but its number and check byte) at the same
 * time, so such a row, under another log than the first, is left out. Two real sessions never share
 * a start time; sessions that merely look alike (two short ones after a reboot) are both kept.
 * Rows keep their order.
 */
export function oneEach(rows: SessionRow[]): SessionRow[] {
  const seen = new Map<string, number>();
  return rows.filter((r) => {
    if (!r.raw || r.raw.length < 20) return true;
    const key = `${r.device_id} ${r.start_unix} ${Buffer.from(r.raw.subarray(4, 19)).toString("hex")}`;
    const log = seen.get(key);
    if (log === undefined) {
      seen.set(key, r.log_id);
      return true;
    }
    return log === r.log_id;
  });
}

/** A --today/--from/--to value as a day number, or a UsageError showing the format. */
export function date(option: string, text: string): number {
  const d = parseDate(String(text));
  if (d === null) throw new UsageError(`--${option}: "${text}" is not a date; write it as YYYY-MM-DD, e.g. --${option} 2026-11-25`);
  return d;
}
