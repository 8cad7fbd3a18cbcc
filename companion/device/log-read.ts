import { STREAM_CREDIT_EVERY, STREAM_MAX_PACKETS, STREAM_WINDOW } from "../../shared/limits";
import { type LogRecord, RECORD_BYTES, decodeRecord } from "../../shared/record";
import { LinkError, LinkLostError } from "../errors";
import type { DeviceClient } from "./client";

/*
 * Reading the device's log (sync.ts drives it): LOG_READ after the last record known, its records
 * arriving as stream packets, read again where a gap is left.
 *
 *   LOG_READ(after, max, logId) → {logId, first, count, more, newest}, then `count` records as stream packets 0..n−1
 *     (the stream is the records' bytes back to back; packet k carries bytes [k·(payload−1), …))
 *     a missing packet or a record failing its CRC-8 is a gap: keep the whole good records and read
 *     again after the last record before the first gap that no read has filled yet (a read's records
 *     are the device's records after `after`, in order, so a gap between two good records is filled
 *     when earlier reads brought exactly as many records between them as the gap has places)
 *   … until a read returns nothing more, with no gaps
 */
export interface ReadOptions {
  onProgress?: (p: { received: number; total: number }) => void;
  /** Records per LOG_READ (default: as many as 127 stream packets carry). */
  maxPerRead?: number;
  /** Shortest quiet time that ends a stream whose last packets were lost (ms, default 120). */
  idleMs?: number;
  /** How long to wait for the first stream packet after the reply (ms, default 2000). */
  firstPacketMs?: number;
  /** Reads in a row that make no progress before giving up (default 30). */
  maxStalls?: number;
  /** Reconnects after a lost link before giving up (default 3). */
  maxReconnects?: number;
}

/** A record that arrived whole, and its bytes as the device stored them. */
export interface Received {
  rec: LogRecord;
  raw: Uint8Array;
}

/** What the reads have brought so far (kept when a read fails: the records before `after` are whole). */
export interface Reading {
  /** Every record received, by seq. */
  received: Map<number, Received>;
  /** Every record up to this seq has been received (or was stored before). */
  after: number;
  /** The device's newest seq, as its replies said. */
  newest: number;
  /** Reads that came back with missing packets or damaged records. */
  gaps: number;
  /** The device's log being read (every LOG_READ names it: a log that starts over answers Stale). */
  logId: number;
}

/**
 * Reads every record after `reading.after` until the device has no more and no gap is left.
 * Throws (a lost link once reconnects are spent, records that keep arriving damaged) with `reading`
 * holding what arrived.
 */
export async function readLog(client: DeviceClient, reading: Reading, opts: ReadOptions = {}): Promise<void> {
  const received = reading.received;
  const startAfter = reading.after;
  let stalls = 0;
  let reconnects = 0;
  let total = Math.max(0, reading.newest - reading.after);
  const maxStalls = opts.maxStalls ?? 30;
  for (;;) {
    let batch: Batch;
    try {
      batch = await readBatch(client, reading.after, reading.logId, opts);
    } catch (err) {
      if (err instanceof LinkLostError && reconnects < (opts.maxReconnects ?? 3)) {
        reconnects++;
        continue; // the next request reconnects
      }
      throw err;
    }
    reading.newest = Math.max(reading.newest, batch.newest);
    if (received.size === 0 && startAfter === reading.after) total = batch.count + batch.more;
    for (const g of batch.good) if (g.rec.seq > startAfter && !received.has(g.rec.seq)) received.set(g.rec.seq, g);
    opts.onProgress?.({ received: received.size, total: Math.max(total, received.size) });
    if (batch.lost) {
      // the link dropped mid-stream: the whole records that came before the drop count
      const known = filled(batch.slots, reading.after, received);
      if (known.end > reading.after) reading.after = known.end;
      if (reconnects < (opts.maxReconnects ?? 3)) {
        reconnects++;
        continue;
      }
      throw new LinkLostError("log-read");
    }
    if (batch.count === 0) return;
    if (batch.gap) reading.gaps++;
    const known = filled(batch.slots, reading.after, received);
    if (!known.complete) {
      if (known.end > reading.after) {
        reading.after = known.end;
        stalls = 0;
      } else if (++stalls > maxStalls) {
        throw new LinkError(`the device's records kept arriving damaged after sequence ${reading.after}; move closer and run \`massager sync\` again`);
      }
      continue;
    }
    stalls = 0;
    reading.after = known.end;
    if (batch.more === 0) return;
  }
}

// ------------------------------------------------------------------ one LOG_READ

interface Batch {
  count: number;
  more: number;
  newest: number;
  good: Received[];
  gap: boolean;
  /** per stream place: the record that arrived whole there, or null (missing or damaged) */
  slots: (LogRecord | null)[];
  /** The link dropped before the stream ended: `good` is what came before. */
  lost?: boolean;
}

/**
 * How far the records after `after` are known without a hole: a read's places are the device's
 * records after `after` in seq order, so the places between two good records hold exactly the
 * records with seqs between theirs. When `received` (this and earlier reads) has exactly as many
 * seqs there as there are missing places, those are the missing records; missing places at the end
 * are known when `received` has the next seqs in a row. `end`: the seq up to which every record is
 * in `received`; `complete`: every place of this read is known.
 */
function filled(slots: (LogRecord | null)[], after: number, received: Map<number, Received>): { end: number; complete: boolean } {
  let cur = after;
  let i = 0;
  while (i < slots.length) {
    const r = slots[i];
    if (r) {
      cur = r.seq;
      i++;
      continue;
    }
    let l = i;
    while (l < slots.length && !slots[l]) l++;
    const missing = l - i;
    if (l < slots.length) {
      const hi = (slots[l] as LogRecord).seq;
      let n = 0;
      for (const s of received.keys()) if (s > cur && s < hi) n++;
      if (n !== missing) return { end: cur, complete: false };
    } else {
      for (let s = cur + 1; s <= cur + missing; s++) if (!received.has(s)) return { end: cur, complete: false };
      cur += missing;
    }
    i = l;
  }
  return { end: cur, complete: true };
}

async function readBatch(client: DeviceClient, after: number, logId: number, opts: ReadOptions): Promise<Batch> {
  const link = client.link;
  const per = () => link.payload - 1;
  const maxRecords = opts.maxPerRead ?? Math.floor((STREAM_MAX_PACKETS * per()) / RECORD_BYTES);
  const packets = new Map<number, Uint8Array>();
  let wake: (() => void) | null = null;
  let lastArrival = 0;
  let maxGap = 0;
  // the device sends the reply, then the stream: packets before this read's reply belong to an
  // earlier stream (a resent request's) and are ignored
  let accepting = false;
  // flow control (frame.ts creditPacket): credit every STREAM_CREDIT_EVERY packets seen, so the device
  // never has more in flight than the radio's queue holds
  let seen = 0;
  let credited = 0;
  const credit = () => {
    credited = seen;
    link.credit(seen);
  };
  link.setStreamListener((p) => {
    if (!accepting) return;
    const t = Date.now();
    if (lastArrival) maxGap = Math.max(maxGap, t - lastArrival);
    lastArrival = t;
    const k = p[0] & 0x7f;
    packets.set(k, p.subarray(1));
    if (k + 1 > seen) seen = k + 1;
    if (seen - credited >= STREAM_CREDIT_EVERY) credit();
    wake?.();
  });
  const offDrop = link.onDrop(() => wake?.());
  try {
    const reply = await client.logRead(after, Math.max(1, maxRecords), {
      window: STREAM_WINDOW,
      logId,
      onReply: () => {
        accepting = true;
        packets.clear();
        seen = credited = 0;
      },
    });
    if (reply.count === 0) return { count: 0, more: reply.more, newest: reply.newest, good: [], gap: false, slots: [] };
    const bytes = reply.count * RECORD_BYTES;
    const expected = () => Math.ceil(bytes / Math.max(1, observedPer(packets, per())));
    // wait for every packet, or for the stream to go quiet (its last packets were lost), or a drop
    const idleFloor = opts.idleMs ?? 120;
    const firstMs = opts.firstPacketMs ?? 2000;
    let nudged = false;
    for (;;) {
      if (complete(packets, expected())) break;
      if (!link.isConnected) break; // what came before the drop is assembled below
      const quiet = packets.size === 0 ? firstMs : Math.min(2000, Math.max(idleFloor, 4 * maxGap));
      const since = packets.size === 0 ? 0 : Date.now() - lastArrival;
      const woke = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), Math.max(1, quiet - since));
        wake = () => {
          clearTimeout(timer);
          resolve(true);
        };
      });
      wake = null;
      if (!woke && !nudged && seen > credited) {
        // quiet with the window spent: the packets after the last credit may be lost; credit what we saw
        nudged = true;
        credit();
        continue;
      }
      if (!woke) break;
      nudged = false;
    }
    const batch = assemble(reply.count, reply.more, reply.newest, after, packets, observedPer(packets, per()));
    if (!link.isConnected && !complete(packets, expected())) batch.lost = true;
    return batch;
  } finally {
    link.setStreamListener(null);
    offDrop();
  }
}

/** Bytes per stream packet: the payload less its header, or what the device actually sent if larger. */
function observedPer(packets: Map<number, Uint8Array>, assumed: number): number {
  let m = assumed;
  for (const d of packets.values()) if (d.length > m) m = d.length;
  return m;
}

function complete(packets: Map<number, Uint8Array>, n: number): boolean {
  if (packets.size < n) return false;
  for (let k = 0; k < n; k++) if (!packets.has(k)) return false;
  return true;
}

function assemble(count: number, more: number, newest: number, after: number, packets: Map<number, Uint8Array>, per: number): Batch {
  const stream = new Uint8Array(count * RECORD_BYTES);
  const have = new Uint8Array(stream.length); // 1 where a byte arrived
  for (const [k, d] of packets) {
    const at = k * per;
    if (at >= stream.length) continue;
    const n = Math.min(d.length, stream.length - at);
    stream.set(d.subarray(0, n), at);
    have.fill(1, at, at + n);
  }
  const good: Received[] = [];
  const slots: (LogRecord | null)[] = [];
  let gap = false;
  let prev = after;
  for (let i = 0; i < count; i++) {
    const o = i * RECORD_BYTES;
    let whole = true;
    for (let j = o; j < o + RECORD_BYTES; j++) if (!have[j]) (whole = false);
    const rec = whole ? decodeRecord(stream, o) : null;
    // records come in increasing seq order, all after `after`: anything else is damage
    if (!rec || rec.seq <= prev) {
      gap = true;
      slots.push(null);
      continue;
    }
    prev = rec.seq;
    good.push({ rec, raw: stream.slice(o, o + RECORD_BYTES) });
    slots.push(rec);
  }
  return { count, more, newest, good, gap, slots };
}
