import { LOG_SEGMENT_RECORDS, LOG_SEGMENTS } from "../shared/limits";
import { pack, u32, sub } from "../shared/bytes";
import { RECORD_BYTES } from "../shared/record";
import { crc8 } from "./crc8";
import { J, J_ACK, J_LOG_ID, J_UNLOGGED, S, jSet, rd } from "./store";

/*
 * The session log. Segment files "mlog" + base seq (decimal), each created at
 * LOG_SEGMENT_RECORDS × 20 bytes (erased) and filled by offset: slot i of segment B holds seq B + i.
 * A torn slot fails its CRC and is skipped; its number is never reused, because at boot the next
 * seq is the newest segment's first erased slot. The newest segment is never erased (it carries
 * that floor); with no segment at all the log starts over.
 *
 * The log's id (journal J_LOG_ID, random) names one run of numbers. It changes exactly when the
 * numbering can start over: at boot with no segment (the flash was erased, or the log files were,
 * or this is a new board), and when the device meets a log without one (firmware before protocol 2).
 * The central stores records under (device, log id, seq) and acknowledges only its own log's numbers.
 *
 * Records are freed only after the central acknowledges them (LOG_ACK), which it does once it has
 * stored them: the ack is written, then fully acknowledged segments are erased, oldest first (the
 * newest keeps the seq floor); on a flash too full for the ack, they are erased first to make room.
 * A full newest segment goes when the next one is made, if the ack covers it. When no segment can be
 * made, unacknowledged records are never overwritten: the unlogged counter goes up instead.
 */
const SEG_BYTES = LOG_SEGMENT_RECORDS * RECORD_BYTES;

/** Base seqs of the segments, ascending, and how many there are. */
const segs = new Uint32Array(LOG_SEGMENTS + 1);
let nsegs = 0;
/** The next seq to give a record, and the first one this boot gave (TIME_SET's bootSeq). */
export let logNext = 1;
export let bootSeq = 1;

const segName = (base: number): string => {
  return "mlog" + base;
};

export const logInit = (): void => {
  const names: string[] = S.list(/^mlog[0-9]/);
  // insertion into order (a typed array's own sort is not one to rely on across interpreters)
  for (let i = 0; i < names.length && nsegs < LOG_SEGMENTS; i++) {
    const v = +names[i].substr(4);
    let k = nsegs++;
    for (; k > 0 && segs[k - 1] > v; k--) segs[k] = segs[k - 1];
    segs[k] = v;
  }
  if (!nsegs) {
    // nothing logged survives: a new log (records of an older one can never be confused with it)
    jSet(J_ACK, 0);
    jSet(J_LOG_ID, 0);
  }
  if (!J[J_LOG_ID]) jSet(J_LOG_ID, E.hwRand() >>> 0 || 1);
  logNext = J[J_ACK] + 1;
  if (nsegs) {
    const base = segs[nsegs - 1];
    const b = rd(segName(base)) as Uint8Array;
    let n = SEG_BYTES;
    while (n > 0 && b[n - 1] === 0xff) n--;
    logNext = Math.max(logNext, base + Math.ceil(n / RECORD_BYTES));
  }
  bootSeq = logNext;
};

/** Erases segments whose records are all acknowledged up to upTo, oldest first, never the newest. */
const prune = (upTo: number): void => {
  while (nsegs > 1 && segs[1] <= upTo + 1) {
    S.erase(segName(segs[0]));
    nsegs--;
    for (let k = 0; k < nsegs; k++) segs[k] = segs[k + 1];
  }
};

/**
 * Appends a record (its 20 bytes, seq field and CRC filled in here). False when it could not be
 * stored: counted in J_UNLOGGED instead.
 */
export const logAppend = (rec: Uint8Array): boolean => {
  const newest = nsegs ? segs[nsegs - 1] : 0;
  const seq = logNext;
  rec.set(pack("4", [seq]));
  rec[RECORD_BYTES - 1] = crc8(rec, 0, RECORD_BYTES - 1);
  try {
    if (nsegs && seq < newest + LOG_SEGMENT_RECORDS) {
      logNext++;
      S.write(segName(newest), rec, (seq - newest) * RECORD_BYTES);
      return true;
    }
    prune(J[J_ACK]);
    if (nsegs && J[J_ACK] >= seq - 1) S.erase(segName(segs[--nsegs]));
    if (nsegs < LOG_SEGMENTS) {
      S.write(segName(seq), rec, 0, SEG_BYTES);
      segs[nsegs++] = logNext++;
      return true;
    }
  } catch (e) {
    // no room in flash: counted below
  }
  jSet(J_UNLOGGED, J[J_UNLOGGED] + 1);
  return false;
};

/**
 * Acknowledges every record up to upTo (clamped to the newest): the ack stored, then the records
 * freed. With the flash too full to store the ack, the acknowledged segments go first to make room.
 * False when the ack could still not be stored: it holds in RAM until a restart, and the central is
 * told (the records it covers stay on the device or are freed: either way none is lost).
 */
export const logAck = (upTo: number): boolean => {
  upTo = Math.min(upTo, logNext - 1);
  let stored = upTo <= J[J_ACK] || jSet(J_ACK, upTo);
  if (!stored) {
    prune(upTo);
    stored = jSet(J_ACK, upTo);
  }
  prune(J[J_ACK]);
  return stored;
};

/** Records stored with seq > from, counted from the segments without reading them. */
export const logHeld = (from: number): number => {
  let n = 0;
  for (let i = 0; i < nsegs; i++) {
    const end = Math.min(i + 1 < nsegs ? segs[i + 1] : logNext, segs[i] + LOG_SEGMENT_RECORDS);
    n += Math.max(0, end - Math.max(segs[i], from + 1));
  }
  return n;
};

/**
 * The 20 bytes of the first valid record (CRC and seq field) with a seq above `after`, as a view
 * into flash, or undefined when there is none; logSeq is then its seq.
 */
export let logSeq = 0;
export const logAfter = (after: number): Uint8Array | undefined => {
  for (let i = 0; i < nsegs; i++) {
    const base = segs[i];
    if (base + LOG_SEGMENT_RECORDS <= after + 1) continue;
    const b = rd(segName(base)) as Uint8Array;
    for (let s = Math.max(base, after + 1); s < base + LOG_SEGMENT_RECORDS && s < logNext; s++) {
      const o = (s - base) * RECORD_BYTES;
      if (crc8(b, o, o + RECORD_BYTES - 1) === b[o + RECORD_BYTES - 1] && u32(b, o) === s) {
        logSeq = s;
        return sub(b, o, o + RECORD_BYTES);
      }
    }
  }
};
