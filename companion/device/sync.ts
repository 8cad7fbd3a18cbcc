import { END_NAMES, SLOT_BASE } from "../../shared/codes";
import { STREAM_CREDIT_EVERY, STREAM_WINDOW, STREAM_MAX_PACKETS } from "../../shared/limits";
import { PRESET_COUNT, PRESET_NAMES } from "../../shared/presets";
import { type LogRecord, RECORD_BYTES, actualSeconds, decodeRecord } from "../../shared/record";
import { boardByCode } from "../../shared/boards";
import { LinkError, LinkLostError } from "../errors";
import type { History } from "../history/db";
import type { NewSession } from "../history/store";
import type { DeviceClient } from "./client";

/*
 * `massager sync`: pull every record after the last stored one, store them all in one transaction,
 * then acknowledge, so the device frees only what is durably stored.
 *
 *   INFO → TIME_SET(now) → {uptime, boot}: this boot began at now − uptime
 *   LOG_READ(after, max) → {first, count, more, newest}, then `count` records as stream packets 0..n−1
 *     (the stream is the records' bytes back to back; packet k carries bytes [k·(payload−1), …))
 *     a missing packet or a record failing its CRC-8 is a gap: keep the whole good records and read
 *     again after the last record before the first gap that no read has filled yet (a read's records
 *     are the device's records after `after`, in order, so a gap between two good records is filled
 *     when earlier reads brought exactly as many records between them as the gap has places)
 *   … until a read returns nothing more, with no gaps
 *   one transaction: INSERT OR IGNORE every record → commit → LOG_ACK(highest stored seq)
 *
 * A sync cut short stores the records before its first gap (never acknowledged), so a repeated or
 * interrupted sync never loses or duplicates a record.
 */
export interface SyncOptions {
  /** Unix seconds now (tests pass a fixed clock). */
  now?: () => number;
  /** The history's device id (default: the peripheral's address). */
  deviceId?: string;
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

export interface SyncSummary {
  device: string;
  /** Distinct records received from the device. */
  received: number;
  /** Records newly stored in the history. */
  stored: number;
  /** Records the history already had. */
  duplicates: number;
  /** Sequence number acknowledged to the device (0 when nothing was acknowledged). */
  acked: number;
  /** Records the device still holds after the acknowledgement. */
  held: number;
  /** Requests resent after a timeout, plus reconnects. */
  retries: number;
  /** Reads that came back with missing packets or damaged records (and were read again). */
  gaps: number;
  /** Unix time of the device's current boot, from the clock offset seen at sync. */
  bootUnix: number;
  /** The time the device's clock was set to. */
  clockSetTo: number;
  /** Sessions the device could not log (flash full). */
  unlogged: number;
}

interface Got {
  rec: LogRecord;
  raw: Uint8Array;
}

export async function sync(client: DeviceClient, history: History, opts: SyncOptions = {}): Promise<SyncSummary> {
  const link = client.link;
  const now = opts.now ?? (() => Math.floor(Date.now() / 1000));
  const deviceId = opts.deviceId ?? link.peripheral.address ?? link.peripheral.id;
  const retriesBefore = link.stats.retries + link.stats.reconnects;

  const info = await client.info();
  const clockSetTo = now();
  const time = await client.setTime(clockSetTo);
  const bootUnix = clockSetTo - time.uptime;
  const bootNibble = time.boot & 15;

  const collected = new Map<number, Got>();
  let after = history.lastSeq(deviceId);
  const startAfter = after;
  let newest = info.newest;
  let gaps = 0;
  let stalls = 0;
  let reconnects = 0;
  let total = Math.max(0, info.newest - after);
  const maxStalls = opts.maxStalls ?? 30;

  try {
    for (;;) {
      let batch: Batch;
      try {
        batch = await readBatch(client, after, opts);
      } catch (err) {
        if (err instanceof LinkLostError && reconnects < (opts.maxReconnects ?? 3)) {
          reconnects++;
          continue; // the next request reconnects
        }
        throw err;
      }
      newest = Math.max(newest, batch.newest);
      if (collected.size === 0 && startAfter === after) total = batch.count + batch.more;
      for (const g of batch.good) if (g.rec.seq > startAfter && !collected.has(g.rec.seq)) collected.set(g.rec.seq, g);
      opts.onProgress?.({ received: collected.size, total: Math.max(total, collected.size) });
      if (batch.count === 0) break;
      if (batch.gap) gaps++;
      const known = filled(batch.slots, after, collected);
      if (!known.complete) {
        if (known.end > after) {
          after = known.end;
          stalls = 0;
        } else if (++stalls > maxStalls) {
          throw new LinkError(`the device's records kept arriving damaged after sequence ${after}; move closer and run \`massager sync\` again`);
        }
        continue;
      }
      stalls = 0;
      after = known.end;
      if (batch.more === 0) break;
    }
  } catch (err) {
    // keep what arrived cleanly before the first gap: durable, not acknowledged, never re-lost
    const prefix = [...collected.values()].filter((g) => g.rec.seq <= after);
    if (prefix.length) {
      try {
        history.insertRecords(deviceId, await toRows(client, history, deviceId, prefix, bootUnix, bootNibble), { device: facts(deviceId, link.name, info) });
      } catch {
        // the original error is the one to report
      }
    }
    throw err;
  }

  const got = [...collected.values()].sort((a, b) => a.rec.seq - b.rec.seq);
  const rows = await toRows(client, history, deviceId, got, bootUnix, bootNibble);
  const { stored, duplicates } = history.insertRecords(deviceId, rows, { device: facts(deviceId, link.name, info), now: now() });

  // only after the commit: the device may free what the history now holds
  let acked = 0;
  let held = info.held;
  // the reads reached the device's newest record with no gap left, so every whole record up to
  // `newest` is in the history now: acknowledging `newest` (not only the last stored seq) also frees
  // a record torn by a power cut, which no read can ever return (else the device holds it forever)
  const upTo = newest;
  if (upTo > 0 && (upTo > info.acked || info.held > 0)) {
    const a = await client.ack(upTo);
    acked = a.acked;
    held = a.held;
  } else {
    acked = info.acked;
  }
  return {
    device: deviceId,
    received: collected.size,
    stored,
    duplicates,
    acked,
    held,
    retries: link.stats.retries + link.stats.reconnects - retriesBefore,
    gaps,
    bootUnix,
    clockSetTo,
    unlogged: info.unlogged,
  };
}

// ------------------------------------------------------------------ one LOG_READ

interface Batch {
  count: number;
  more: number;
  newest: number;
  good: Got[];
  gap: boolean;
  /** per stream place: the record that arrived whole there, or null (missing or damaged) */
  slots: (LogRecord | null)[];
}

/**
 * How far the records after `after` are known without a hole: a read's places are the device's
 * records after `after` in seq order, so the places between two good records hold exactly the
 * records with seqs between theirs. When `collected` (this and earlier reads) has exactly as many
 * seqs there as there are missing places, those are the missing records; missing places at the end
 * are known when `collected` has the next seqs in a row. `end`: the seq up to which every record is
 * in `collected`; `complete`: every place of this read is known.
 */
function filled(slots: (LogRecord | null)[], after: number, collected: Map<number, Got>): { end: number; complete: boolean } {
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
      for (const s of collected.keys()) if (s > cur && s < hi) n++;
      if (n !== missing) return { end: cur, complete: false };
    } else {
      for (let s = cur + 1; s <= cur + missing; s++) if (!collected.has(s)) return { end: cur, complete: false };
      cur += missing;
    }
    i = l;
  }
  return { end: cur, complete: true };
}

async function readBatch(client: DeviceClient, after: number, opts: SyncOptions): Promise<Batch> {
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
      if (!link.isConnected) throw new LinkLostError("log-read");
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
    if (!link.isConnected && !complete(packets, expected())) throw new LinkLostError("log-read");
    return assemble(reply.count, reply.more, reply.newest, after, packets, observedPer(packets, per()));
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
  const good: Got[] = [];
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

// ------------------------------------------------------------------ records → rows

async function toRows(client: DeviceClient, history: History, deviceId: string, got: Got[], bootUnix: number, bootNibble: number): Promise<NewSession[]> {
  if (got.length === 0) return [];
  const names = await programNames(client, got);
  const rows: NewSession[] = [];
  const before = history.previousSession(deviceId, got[0].rec.seq);
  let prev: { start: number; actual: number; rec: LogRecord | null } | null = before
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
    } else if (rec.boot === bootNibble) {
      start = bootUnix + rec.start;
      source = "uptime-corrected";
    } else {
      start = estimate(rec, actual, prev, got, i, bootUnix);
      source = "estimated";
    }
    rows.push({
      seq: rec.seq,
      start_unix: start,
      time_source: source,
      program: rec.program,
      program_name: names(rec.program),
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
function estimate(rec: LogRecord, actual: number, prev: { start: number; actual: number; rec: LogRecord | null } | null, got: Got[], i: number, bootUnix: number): number {
  let t: number;
  if (prev && prev.rec && prev.rec.uptime && prev.rec.boot === rec.boot && rec.start >= prev.rec.start) t = prev.start + (rec.start - prev.rec.start);
  else if (prev) t = prev.start + prev.actual + 1;
  else {
    // nothing before it: end this boot's run of records just before the next known time
    let j = i;
    while (j + 1 < got.length && got[j + 1].rec.uptime && got[j + 1].rec.boot === rec.boot && got[j + 1].rec.start >= got[j].rec.start) j++;
    const last = got[j].rec;
    const next = got.slice(j + 1).find((g) => !g.rec.uptime);
    const end = Math.min(next ? next.rec.start : bootUnix, bootUnix) - 1;
    t = end - actualSeconds(last) - (last.start - rec.start);
  }
  if (t + actual >= bootUnix) t = Math.max(prev ? prev.start + 1 : 0, bootUnix - actual - 1);
  return Math.max(0, t);
}

/** Names for the programs in the records: presets from shared/, custom slots from PROG_LIST. */
async function programNames(client: DeviceClient, got: Got[]): Promise<(id: number) => string | null> {
  const custom = new Map<number, string>();
  if (got.some((g) => g.rec.program >= SLOT_BASE)) {
    try {
      for (const e of (await client.programs()).entries) custom.set(e.id, e.name);
    } catch {
      // names are a nicety: a record is stored without one rather than not at all
    }
  }
  return (id) => (id < PRESET_COUNT ? PRESET_NAMES[id] : custom.get(id) ?? null);
}

function facts(id: string, name: string, info: { board: number; firmware: string }) {
  return { id, name, board: boardByCode(info.board)?.id ?? `board-${info.board}`, firmware: info.firmware };
}
