/**
 * A BLE central for the InterpreterDevice, with the API of the virtual device's test central
 * (test/helpers/central.ts) made async: request/reply, readLog with credits, sync, upload. Frames
 * are built and read with the shared codecs (shared/frame.ts, shared/messages.ts), so it follows
 * the protocol as it changes. Each request costs one round trip: its packets are written and time
 * runs until the last packet of a message comes back, in one command line.
 */
import { ANY_SLOT, Op } from "../../../shared/codes";
import { crc32 } from "../../../shared/crc";
import { HDR_LAST, HDR_STREAM, type Message, creditPacket, encodeMessage, packetize } from "../../../shared/frame";
import { STREAM_CREDIT_EVERY, STREAM_WINDOW, TX_TICK_MS } from "../../../shared/limits";
import {
  type LogReadReply, decodeInfo, decodeLogReadReply, decodeU16, encodeLogAck, encodeLogRead, encodePair, encodeProgBegin, encodeProgWrite,
} from "../../../shared/messages";
import { type LogRecord, RECORD_BYTES } from "../../../shared/record";
import { REQUEST_CHAR_UUID, SERVICE_UUID } from "../../../shared/uuids";
import { type Hmac, OwnerSession } from "../../device/owner";
import { chunkSize } from "../../device/upload";
import type { InterpreterDevice } from "./device";
import { Inbox, streamRecords } from "./inbox";
import { writeStep } from "./steps";

export interface LogRead {
  reply: LogReadReply;
  records: LogRecord[];
  /** The records' bytes as they came (for byte-for-byte comparisons). */
  bytes: Uint8Array;
  packets: Uint8Array[];
}

export class InterpreterCentral {
  readonly dev: InterpreterDevice;
  readonly inbox = new Inbox();
  payload = 20;
  /** From the last INFO: the device's log id and this connection's nonce. */
  logId = 0;
  nonce: Uint8Array = new Uint8Array(8);
  /** After auth(): the owner session that signs every request. */
  owner: OwnerSession | null = null;
  private off?: () => void;

  constructor(dev: InterpreterDevice) {
    this.dev = dev;
  }

  /** Replies and events, in arrival order. */
  get messages(): Message[] {
    return this.inbox.messages;
  }

  async connect(opts: { mtu?: number } = {}): Promise<void> {
    this.owner = null;
    this.off ??= this.dev.onNotify((p) => this.inbox.onPacket(p));
    this.payload = await this.dev.connect({ ...opts, target: [SERVICE_UUID, REQUEST_CHAR_UUID] });
  }

  async disconnect(): Promise<void> {
    await this.dev.disconnect();
  }

  /** Sends a request and returns its reply (the first message with its id after it); signed after auth(). */
  async request(op: number, body: Uint8Array | number[] | null = null, opts: { id?: number; maxMs?: number; unsigned?: boolean } = {}): Promise<Message> {
    const id = opts.id ?? this.inbox.allocId();
    let b: Uint8Array = body ? Uint8Array.from(body) : new Uint8Array(0);
    let flags = 0;
    if (this.owner && !opts.unsigned) ({ flags, body: b } = await this.owner.sign(op, id, b));
    return this.sendRaw(encodeMessage(op, id, flags, b.length ? b : null), id, opts.maxMs);
  }

  /** PAIR: stores an owner key (the trust window must be open, or this link an owner's). */
  pair(key: Uint8Array, slot = ANY_SLOT): Promise<Message> {
    return this.request(Op.Pair, encodePair({ slot, key, passkey: "" }));
  }

  /** AUTH with a key against the nonce of the last INFO; when the device accepts, later requests are signed. */
  async auth(slot: number, key: Uint8Array, hmac: Hmac): Promise<Message> {
    this.owner = null;
    const session = new OwnerSession({ slot, key }, hmac);
    let reply: Message | undefined;
    const ok = await session.authenticate(this.nonce, async (body) => (reply = await this.request(Op.Auth, body)));
    if (ok) this.owner = session;
    return reply!;
  }

  /** LOG_ACK up to a seq of the log INFO named (or another log id). */
  ack(upTo: number, logId = this.logId): Promise<Message> {
    return this.request(Op.LogAck, encodeLogAck({ upTo, logId }));
  }

  /** Sends framed message bytes as packets and waits for the reply with this id (or Op.Error). */
  async sendRaw(m: Uint8Array, id: number, maxMs = 2000): Promise<Message> {
    const from = this.messages.length;
    const writes: Uint8Array[] = [];
    packetize(m, this.payload, (p) => writes.push(p));
    const until = { mask: HDR_STREAM | HDR_LAST, value: HDR_LAST, count: 1, maxMs, stepMs: TX_TICK_MS };
    await this.dev.untilNotified(until, ...writes.map(writeStep));
    for (let waited = 0; ; waited += maxMs / 4) {
      const found = this.inbox.reply(id, from);
      if (found) return found;
      if (waited >= maxMs) break;
      await this.dev.untilNotified({ ...until, maxMs: maxMs / 4 }); // an event came first
    }
    throw new Error(`no reply to request id ${id} (op ${m[0]}) within ${maxMs} ms; errors: ${this.dev.errors.join(" | ") || "none"}`);
  }

  /** INFO with this central's payload (what a companion sends first on every connection). */
  async info(): Promise<Message> {
    const m = await this.request(Op.Info, [this.payload]);
    const i = m.status === 0 ? decodeInfo(m.body) : null;
    if (i) {
      this.nonce = i.nonce;
      if (i.logId) this.logId = i.logId;
    }
    return m;
  }

  /**
   * LOG_READ after `after` (at most `max` records) with credits (window STREAM_WINDOW, a credit every
   * STREAM_CREDIT_EVERY packets seen, as the companion does): the reply and its records.
   */
  async readLog(after: number, max = 128, opts: { window?: number; maxMs?: number; logId?: number } = {}): Promise<LogRead> {
    const window = opts.window ?? STREAM_WINDOW;
    const stream = this.inbox.stream;
    const from = stream.length;
    const m = await this.request(Op.LogRead, encodeLogRead({ after, max, window, logId: opts.logId ?? 0 }));
    if (m.status !== 0) throw new Error(`LOG_READ failed with status ${m.status}`);
    const reply = decodeLogReadReply(m.body)!;
    const bytes = reply.count * RECORD_BYTES;
    const want = Math.ceil(bytes / (this.payload - 1));
    const got = () => stream.length - from;
    const maxMs = opts.maxMs ?? 5000;
    let waited = 0;
    while (got() < want && waited < maxMs) {
      const seen = got();
      // credit everything seen, then wait for the next credit's worth (or the rest of the stream)
      const credit = window && seen ? [writeStep(creditPacket(seen))] : [];
      const more = Math.min(want - seen, window ? STREAM_CREDIT_EVERY : want);
      const stepMs = TX_TICK_MS;
      const before = this.dev.now;
      await this.dev.untilNotified({ mask: HDR_STREAM, value: HDR_STREAM, count: more, maxMs: 40 * stepMs, stepMs }, ...credit);
      waited += Math.max(stepMs, this.dev.now - before);
    }
    const packets = stream.slice(from, from + want);
    return { reply, ...streamRecords(packets, reply.count), packets };
  }

  /** Every record after `after`, one LOG_READ after another until none is left; then LOG_ACK of the last. */
  async sync(after = 0, opts: { ack?: boolean } = {}): Promise<{ records: LogRecord[]; bytes: Uint8Array; reads: number }> {
    const records: LogRecord[] = [];
    const parts: Uint8Array[] = [];
    let reads = 0;
    let logId = 0;
    for (;;) {
      const r = await this.readLog(after, 128, { logId });
      reads++;
      logId = r.reply.logId;
      records.push(...r.records);
      parts.push(r.bytes);
      if (r.records.length !== r.reply.count) throw new Error(`LOG_READ after ${after}: ${r.records.length} of ${r.reply.count} records arrived whole`);
      if (r.reply.count) after = r.records[r.records.length - 1].seq;
      if (!r.reply.more || !r.reply.count) break;
    }
    if (opts.ack !== false && records.length) {
      const a = await this.ack(after, logId);
      if (a.status !== 0) throw new Error(`LOG_ACK failed with status ${a.status}`);
    }
    const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      bytes.set(p, o);
      o += p.length;
    }
    return { records, bytes, reads };
  }

  /**
   * Uploads program bytes into a slot: PROG_BEGIN, PROG_WRITE chunks (the companion's chunk size)
   * from the offset the device reports, PROG_COMMIT. Returns the COMMIT reply (or the first failing one).
   */
  async upload(slot: number, bytes: Uint8Array, chunk = chunkSize(this.payload)): Promise<Message> {
    const begin = await this.request(Op.ProgBegin, encodeProgBegin({ slot, size: bytes.length, crc: crc32(bytes, 0, bytes.length, 0) }));
    if (begin.status !== 0) return begin;
    let off = decodeU16(begin.body)!;
    while (off < bytes.length) {
      const data = bytes.subarray(off, Math.min(bytes.length, off + chunk));
      const w = await this.request(Op.ProgWrite, encodeProgWrite({ slot, offset: off, data }));
      if (w.status !== 0) return w;
      off = decodeU16(w.body)!;
    }
    return this.request(Op.ProgCommit, [slot]);
  }

}

