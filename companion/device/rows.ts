import { END_NAMES } from "../../shared/codes";
import { PRESET_COUNT, PRESET_NAMES } from "../../shared/presets";
import { type LogRecord, actualSeconds, decodeRecord } from "../../shared/record";
import type { NewSession, SessionRow } from "../history/store";
import type { Received } from "./log-read";

/*
 * Log records → history rows: pure, no I/O (sync.ts reads what it needs first). A record's start is
 * the device's clock when it was set ("clock"), or an uptime: exact when the record comes from the
 * device's current boot ("uptime-corrected": its seq is at least the first this boot gave, TIME_SET's
 * bootSeq), estimated when it comes from an earlier boot whose start no one knows ("estimated").
 * (Firmware before protocol 2 kept a boot number in the record instead, which repeated when it could
 * not be stored; the first seq of the boot never repeats.)
 */

/** What the mapping needs beyond the records themselves, read over the link and from the history. */
export interface RowContext {
  /** Custom programs' names by program id, as PROG_LIST gave them (a name not known is stored as null). */
  customNames: Map<number, string>;
  /** The stored session just before the first record (raw bytes included), or null. */
  previous: SessionRow | null;
  /** When the device's current boot began (unix seconds), and the first seq it gave a record. */
  boot: { unix: number; firstSeq: number };
}

interface Placed {
  start: number;
  actual: number;
  rec: LogRecord | null;
}

/** The rows for records in seq order. */
export function toRows(got: Received[], ctx: RowContext): NewSession[] {
  const rows: NewSession[] = [];
  const before = ctx.previous;
  let prev: Placed | null = before
    ? { start: before.start_unix, actual: before.actual_s, rec: before.raw ? decodeRecord(new Uint8Array(before.raw), 0) : null }
    : null;
  for (let i = 0; i < got.length; i++) {
    const { rec, raw } = got[i];
    const actual = actualSeconds(rec);
    let start: number;
    let source: string;
    if (!rec.uptime) {
      start = rec.start;
      source = "clock";
    } else if (rec.seq >= ctx.boot.firstSeq) {
      start = ctx.boot.unix + rec.start;
      source = "uptime-corrected";
    } else {
      start = estimate(rec, actual, prev, got, i, ctx.boot.unix);
      source = "estimated";
    }
    rows.push({
      seq: rec.seq,
      start_unix: start,
      time_source: source,
      program: rec.program,
      program_name: rec.program < PRESET_COUNT ? PRESET_NAMES[rec.program] : ctx.customNames.get(rec.program) ?? null,
      planned_s: rec.planned,
      actual_s: actual,
      front_s: rec.regions[0],
      crown_s: rec.regions[1],
      back_s: rec.regions[2],
      end_reason: END_NAMES[rec.end] ?? `end-${rec.end}`,
      battery: rec.battery === 255 ? null : rec.battery,
      raw,
    });
    prev = { start, actual, rec };
  }
  return rows;
}

/**
 * A session from an earlier boot, stamped with that boot's uptime: its real time is unknown. Place it
 * just after the previous record (keeping the spacing when that record came from the same boot), and
 * before the current boot began.
 */
function estimate(rec: LogRecord, actual: number, prev: Placed | null, got: Received[], i: number, bootUnix: number): number {
  let t: number;
  if (prev && prev.rec && sameBoot(prev.rec, rec)) t = prev.start + (rec.start - prev.rec.start);
  else if (prev) t = prev.start + prev.actual + 1;
  else {
    // nothing before it: end this boot's run of records just before the next known time
    let j = i;
    while (j + 1 < got.length && sameBoot(got[j].rec, got[j + 1].rec)) j++;
    const last = got[j].rec;
    const next = got.slice(j + 1).find((g) => !g.rec.uptime);
    const end = Math.min(next ? next.rec.start : bootUnix, bootUnix) - 1;
    t = end - actualSeconds(last) - (last.start - rec.start);
  }
  if (t + actual >= bootUnix) t = Math.max(prev ? prev.start + 1 : 0, bootUnix - actual - 1);
  return Math.max(0, t);
}

/**
 * Whether two uptime-stamped records in a row may come from one boot: the later one's uptime is not
 * smaller (a boot's uptime only grows) and, for records of firmware before protocol 2, the boot
 * number matches (records of protocol 2 carry 0 there).
 */
function sameBoot(a: LogRecord, b: LogRecord): boolean {
  return a.uptime && b.uptime && a.boot === b.boot && b.start >= a.start;
}
