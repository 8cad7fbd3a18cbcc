import { LOG_SEGMENT_RECORDS, LOG_SEGMENTS } from "../shared/limits";
import { crc8 } from "../shared/crc";
import { u32 } from "../shared/bytes";
import { encodeRecord, LogRecord, RECORD_BYTES } from "../shared/record";
import { Cell } from "./cell";
import { S, rd } from "./store";

/*
 * The session log. Segment files "mlog" + base seq (decimal), each created at
 * LOG_SEGMENT_RECORDS × 20 bytes (erased) and filled by offset: slot i of segment B holds seq B + i.
 * A torn slot fails its CRC and is skipped; its number is never reused, because at boot the next
 * seq is the newest segment's first erased slot. The newest segment is never erased (it carries
 * that floor); with no segment at all the next seq is acked + 1.
 *
 * Records are freed only after the central acknowledges them (LOG_ACK), which it does once it has
 * stored them: the ack cell is written, then fully acknowledged segments are erased, oldest first
 * (the newest keeps the seq floor); on a flash too full for the ack cell, they are erased first to
 * make room for it (the newest still keeps the floor). A full newest segment goes when the next one
 * is made, if the stored ack covers it (the ack is the floor then). When no segment can be made,
 * unacknowledged records are never overwritten: the unlogged counter goes up instead (in RAM while
 * the flash is too full to store it).
 */
const SEG = LOG_SEGMENT_RECORDS;
const SEG_BYTES = SEG * RECORD_BYTES;
const rec = new Uint8Array(RECORD_BYTES);

/** Base seqs of the segments, ascending; the next seq to assign; the ack and unlogged cells. */
let segs: number[] = [];
export let logNext = 1;
export let ackCell: Cell;
export let lostCell: Cell;
/** After logCollect: the seq after which logMore() counts. */
let moreAfter = 0;

const segName = (base: number): string => {
  return "mlog" + base;
};

export const logInit = (): void => {
  ackCell = new Cell("mack", 0);
  lostCell = new Cell("mulg", 0);
  segs = S.list(/^mlog/).map((n: string) => {
    return +n.substr(4);
  });
  segs.sort((a, b) => {
    return a - b;
  });
  logNext = ackCell.v + 1;
  const base = segs[segs.length - 1];
  if (base) {
    const b = rd(segName(base)) as Uint8Array;
    let n = SEG_BYTES;
    while (n > 0 && b[n - 1] === 0xff) n--;
    logNext = Math.max(logNext, base + Math.ceil(n / RECORD_BYTES));
  }
};

/** Erases segments whose records are all acknowledged up to upTo, oldest first, never the newest. */
const prune = (upTo: number): void => {
  while (segs.length > 1 && segs[1] <= upTo + 1) S.erase(segName(segs.shift() as number));
};

/** Appends a record, assigning its seq. Returns false when it could not be stored (unlogged). */
export const logAppend = (r: LogRecord): boolean => {
  const newest = segs.length ? segs[segs.length - 1] : -SEG;
  const seq = (r.seq = logNext);
  encodeRecord(r, rec, 0);
  try {
    if (seq < newest + SEG) {
      logNext++;
      S.write(segName(newest), rec, (seq - newest) * RECORD_BYTES);
      return true;
    }
    prune(ackCell.v);
    if (segs.length && ackCell.v >= seq - 1) S.erase(segName(segs.pop() as number));
    if (segs.length < LOG_SEGMENTS) {
      S.write(segName(seq), rec, 0, SEG_BYTES);
      segs.push(logNext++);
      return true;
    }
  } catch (e) {
    // no room in flash: counted below
  }
  const n = lostCell.v + 1;
  try {
    lostCell.set(n);
  } catch (e) {
    lostCell.v = n;
  }
  return false;
};

/**
 * Acknowledges every record up to upTo (clamped to the newest): the ack stored, then the records
 * freed. With the flash too full to store the ack, the acknowledged segments go first to make room.
 */
export const logAck = (upTo: number): void => {
  if (upTo >= logNext) upTo = logNext - 1;
  if (upTo > ackCell.v) {
    try {
      ackCell.set(upTo);
    } catch (e) {
      prune(upTo);
      ackCell.set(upTo);
    }
  }
  prune(ackCell.v);
};

/** Records stored with seq > from, counted from the segments without reading them. */
export const logStored = (from: number): number => {
  let n = 0;
  for (let i = 0; i < segs.length; i++) {
    const end = Math.min(i + 1 < segs.length ? segs[i + 1] : logNext, segs[i] + SEG);
    n += Math.max(0, end - Math.max(segs[i], from + 1));
  }
  return n;
};

/** The 20 bytes of record seq from flash, or undefined when no segment holds it. */
export const logRecord = (seq: number): Uint8Array | undefined => {
  for (let i = segs.length - 1; i >= 0; i--) {
    if (seq >= segs[i]) {
      const o = (seq - segs[i]) * RECORD_BYTES;
      return o < SEG_BYTES ? (rd(segName(segs[i])) as Uint8Array).subarray(o, o + RECORD_BYTES) : undefined;
    }
  }
};

/** Collects into out the seqs of up to max valid records (CRC and seq field) after `after`, ascending. */
export const logCollect = (after: number, max: number, out: Uint32Array): number => {
  let n = 0;
  moreAfter = logNext;
  for (let i = 0; i < segs.length && n < max; i++) {
    const b = rd(segName(segs[i])) as Uint8Array;
    for (let o = 0; o < SEG_BYTES && n < max; o += RECORD_BYTES) {
      const seq = segs[i] + o / RECORD_BYTES;
      if (seq > after && seq < logNext && crc8(b, o, o + 19) === b[o + 19] && u32(b, o) === seq) out[n++] = seq;
    }
  }
  if (n >= max) moreAfter = n ? out[n - 1] : after;
  return n;
};

/** Records stored after the last batch logCollect made (0 when it reached the end). */
export const logMore = (): number => {
  return moreAfter >= logNext ? 0 : logStored(moreAfter);
};
