import { LIMITS } from "../shared/limits";
import { crc8 } from "../shared/crc";
import { u32 } from "../shared/bytes";
import { encodeRecord, LogRecord, RECORD_BYTES } from "../shared/record";
import { Cell } from "./cell";
import { S, rd, rm, wr } from "./store";

/*
 * The session log. Segment files "mlog" + base seq (decimal), each created at
 * logSegmentRecords × 20 bytes (erased) and filled by offset: slot i of segment B holds seq B + i.
 * A torn slot fails its CRC and is skipped; its number is never reused, because at boot the next
 * seq is the newest segment's first erased slot. The newest segment is never erased (it carries
 * that floor); with no segment at all the next seq is acked + 1.
 *
 * Records are freed only after the central acknowledges them (LOG_ACK): the ack cell is written
 * first, then fully acknowledged segments are erased, oldest first. When no segment can be made,
 * unacknowledged records are never overwritten: the unlogged counter goes up instead.
 */
const SEG = LIMITS.logSegmentRecords;
const SEG_BYTES = SEG * RECORD_BYTES;
const rec = new Uint8Array(RECORD_BYTES);

/** Base seqs of the segments, ascending. */
let segs: number[] = [];
let next = 1;
let ack: Cell;
let lost: Cell;

function segName(base: number): string {
  return "mlog" + base;
}

export function logInit(): void {
  ack = new Cell("mack", 0);
  lost = new Cell("mulg", 0);
  const names = S.list(/^mlog/);
  segs = [];
  for (let i = 0; i < names.length; i++) segs.push(parseInt(names[i].substr(4), 10));
  segs.sort((a, b) => a - b);
  next = ack.v + 1;
  if (segs.length) {
    const base = segs[segs.length - 1];
    const b = rd(segName(base)) as Uint8Array;
    let n = SEG_BYTES;
    while (n > 0 && b[n - 1] === 0xff) n--;
    next = Math.max(next, base + Math.ceil(n / RECORD_BYTES));
  }
}

/** Erases segments whose records are all acknowledged, oldest first, never the newest. */
function prune(): void {
  while (segs.length > 1 && segs[1] - 1 <= ack.v) rm(segName(segs.shift() as number));
}

/** Appends a record (its seq is assigned here). Returns false when it could not be stored. */
export function logAppend(r: LogRecord): boolean {
  const newest = segs.length ? segs[segs.length - 1] : -SEG;
  r.seq = next;
  encodeRecord(r, rec, 0);
  try {
    if (next < newest + SEG) {
      next++;
      wr(segName(newest), rec, (r.seq - newest) * RECORD_BYTES);
      return true;
    }
    prune();
    if (segs.length < LIMITS.logSegments) {
      wr(segName(r.seq), rec, 0, SEG_BYTES);
      segs.push(next++);
      prune();
      return true;
    }
  } catch (e) {
    // no room in flash: counted below
  }
  lost.set(lost.v + 1);
  return false;
}

/** Acknowledges every record up to `upTo` (clamped to the newest): stored first, then freed. */
export function logAck(upTo: number): void {
  if (upTo > next - 1) upTo = next - 1;
  if (upTo > ack.v) ack.set(upTo);
  prune();
}

/** Records stored with seq in (from, next): counted from the segments, without reading them. */
function stored(from: number): number {
  let n = 0;
  for (let i = 0; i < segs.length; i++) {
    const end = i + 1 < segs.length ? segs[i + 1] : next;
    n += Math.max(0, Math.min(end, segs[i] + SEG) - Math.max(segs[i], from + 1));
  }
  return n;
}

export function logHeld(): number {
  return stored(ack.v);
}

export function logNewest(): number {
  return next - 1;
}

export function logAcked(): number {
  return ack.v;
}

export function logUnlogged(): number {
  return lost.v;
}

/** The 20 bytes of record `seq` from flash, or undefined when no segment holds it. */
export function logRecord(seq: number): Uint8Array | undefined {
  for (let i = segs.length - 1; i >= 0; i--) {
    if (seq >= segs[i]) {
      if (seq >= segs[i] + SEG) return undefined;
      const o = (seq - segs[i]) * RECORD_BYTES;
      return (rd(segName(segs[i])) as Uint8Array).subarray(o, o + RECORD_BYTES);
    }
  }
  return undefined;
}

/**
 * Collects into out the seqs of up to `max` valid records (CRC and seq field check) after `after`,
 * ascending. Returns the count; *more* (records stored after the batch) via logMore().
 */
let moreAfter = 0;
export function logCollect(after: number, max: number, out: Uint32Array): number {
  let n = 0;
  moreAfter = next;
  for (let i = 0; i < segs.length && n < max; i++) {
    const base = segs[i];
    const b = rd(segName(base)) as Uint8Array;
    for (let k = 0; k < SEG && n < max; k++) {
      const seq = base + k;
      const o = k * RECORD_BYTES;
      if (seq <= after || seq >= next) continue;
      if (crc8(b, o, o + 19) === b[o + 19] && u32(b, o) === seq) out[n++] = seq;
    }
  }
  if (n >= max) moreAfter = n ? out[n - 1] : after;
  return n;
}

export function logMore(): number {
  return moreAfter >= next ? 0 : stored(moreAfter);
}
