/**
 * A small test-side BLE central: it drives the real VirtualNrf (centralConnect / centralWrite /
 * centralSubscribe / onNotify) and speaks the protocol with shared/frame.ts, so firmware tests
 * exercise the device's GATT table, packet sizes, pacing and reassembly as a companion would.
 */
import type { VirtualDevice } from "../../companion/sim/board/device";
import { NOTIFY_CHAR_UUID, REQUEST_CHAR_UUID, SERVICE_UUID } from "../../shared/uuids";
import { Message, encodeMessage, packetize } from "../../shared/frame";
import { Inbox, streamRecords } from "../../companion/sim/interpreter/inbox";
import { Op } from "../../shared/codes";
import { LogRecord, RECORD_BYTES } from "../../shared/record";
import {
  AUTH_LABEL, DEVICE_LABEL, SESSION_LABEL, authInput, decodeInfo, decodeLogReadReply, decodeU16, encodeAuth, encodeLogAck, encodeLogRead,
  encodePair, encodeProgBegin, encodeProgWrite, LogReadReply, signBody, signedInput,
} from "../../shared/messages";
import { crc32 } from "../../shared/crc";
import { ANY_SLOT, SIGNED } from "../../shared/codes";
import { createHmac, randomBytes } from "node:crypto";

/** HMAC-SHA-256, as the device computes it with its crypto module. */
export const hmac = (key: Uint8Array, data: Uint8Array): Uint8Array => new Uint8Array(createHmac("sha256", key).update(data).digest());

export interface CentralOptions {
  /** ATT MTU the central requests (default 23: 20-byte payloads). */
  mtu?: number;
}

export class Central {
  readonly dev: VirtualDevice;
  /** What it received (shared with the real interpreter's central). */
  private readonly inbox = new Inbox();
  /** Replies and events, in arrival order. */
  readonly messages: Message[] = this.inbox.messages;
  /** Stream packets (header byte included), in arrival order. */
  readonly stream: Uint8Array[] = this.inbox.stream;
  /** Every notification packet, in arrival order. */
  readonly packets: Uint8Array[] = this.inbox.packets;
  payload = 20;
  /** From the last INFO: the device's log id and this connection's nonce. */
  logId = 0;
  nonce: Uint8Array = new Uint8Array(8);
  /** After auth(): the link's session key and the last counter signed (requests are then signed). */
  sessionKey: Uint8Array | null = null;
  counter = 0;
  private off?: () => void;

  constructor(dev: VirtualDevice) {
    this.dev = dev;
  }

  connect(opts: CentralOptions = {}): void {
    const nrf = this.dev.nrf;
    const info = nrf.centralConnect({ mtu: opts.mtu ?? 23 });
    this.payload = info.payload;
    this.dev.advance(0);
    nrf.centralSubscribe(SERVICE_UUID, NOTIFY_CHAR_UUID, true);
    this.off = nrf.onNotify((svc, chr, data) => this.inbox.onPacket(data));
  }

  disconnect(): void {
    this.sessionKey = null;
    this.off?.();
    this.off = undefined;
    this.dev.nrf.centralDisconnect();
    this.dev.advance(0);
  }

  /** Writes one raw packet to the request characteristic. */
  writePacket(p: Uint8Array): void {
    this.dev.nrf.centralWrite(SERVICE_UUID, REQUEST_CHAR_UUID, p);
  }

  /** Sends raw message bytes (already framed with op, id, status, crc) as packets. */
  sendRaw(m: Uint8Array): void {
    packetize(m, this.payload, (p) => this.writePacket(p));
  }

  /**
   * Sends a request and returns its reply (the first message with the same id after it). After
   * auth() every request is signed with the session key, as an owner's companion does.
   */
  request(op: number, body: Uint8Array | number[] | null = null, opts: { id?: number; maxMs?: number; unsigned?: boolean } = {}): Message {
    const id = opts.id ?? this.inbox.allocId();
    const from = this.messages.length;
    let b: Uint8Array = body ? Uint8Array.from(body) : new Uint8Array(0);
    let flags = 0;
    if (this.sessionKey && !opts.unsigned) {
      const ctr = ++this.counter;
      b = signBody(b, ctr, hmac(this.sessionKey, signedInput(ctr, op, id, b)));
      flags = SIGNED;
    }
    this.sendRaw(encodeMessage(op, id, flags, b.length ? b : null));
    return this.waitReply(id, from, opts.maxMs);
  }

  /** PAIR: stores an owner key (the trust window must be open, or this link an owner's). */
  pair(key: Uint8Array, slot = ANY_SLOT, passkey = ""): Message {
    return this.request(Op.Pair, encodePair({ slot, key, passkey }));
  }

  /** AUTH with a key against the nonce of the last INFO; on Ok the requests that follow are signed. */
  auth(slot: number, key: Uint8Array): Message {
    const nc = new Uint8Array(randomBytes(8));
    const mac = hmac(key, authInput(AUTH_LABEL, this.nonce, nc));
    this.sessionKey = null;
    const m = this.request(Op.Auth, encodeAuth({ slot, nonce: nc, mac }));
    if (m.status === 0) {
      const proof = hmac(key, authInput(DEVICE_LABEL, this.nonce, nc)).subarray(0, 16);
      if (Buffer.compare(Buffer.from(proof), Buffer.from(m.body)) !== 0) throw new Error("the device's AUTH proof does not match the key");
      this.sessionKey = hmac(key, authInput(SESSION_LABEL, this.nonce, nc));
      this.counter = 0;
    }
    return m;
  }

  /** LOG_ACK up to a seq of the log INFO named (or another log id). */
  ack(upTo: number, logId = this.logId): Message {
    return this.request(Op.LogAck, encodeLogAck({ upTo, logId }));
  }

  /** Waits for a reply (or Op.Error) with this id among messages from index `from`. */
  waitReply(id: number, from = 0, maxMs = 2000): Message {
    let found: Message | undefined;
    this.dev.advanceUntil(() => {
      found = this.inbox.reply(id, from);
      return found !== undefined;
    }, maxMs);
    if (!found) throw new Error(`no reply to request id ${id} within ${maxMs} ms`);
    return found;
  }

  /** Events (EVT_STATUS) received so far. */
  events(): Message[] {
    return this.inbox.events();
  }

  /** INFO with this central's payload (what a companion sends first on every connection). */
  info(): Message {
    const m = this.request(Op.Info, [this.payload]);
    const i = m.status === 0 ? decodeInfo(m.body) : null;
    if (i) {
      this.nonce = i.nonce;
      if (i.logId) this.logId = i.logId;
    }
    return m;
  }

  /**
   * LOG_READ after `after` (max records): the reply, and the records of its stream (waits until
   * every stream packet arrived or `maxMs` passed).
   */
  readLog(after: number, max = 64, maxMs = 3000): { reply: LogReadReply; records: LogRecord[]; packets: Uint8Array[] } {
    const from = this.stream.length;
    const m = this.request(Op.LogRead, encodeLogRead({ after, max, window: 0, logId: 0 }));
    if (m.status !== 0) throw new Error(`LOG_READ failed with status ${m.status}`);
    const reply = decodeLogReadReply(m.body)!;
    const bytes = reply.count * RECORD_BYTES;
    const per = this.payload - 1;
    const want = Math.ceil(bytes / per);
    this.dev.advanceUntil(() => this.stream.length - from >= want, maxMs);
    const packets = this.stream.slice(from, from + want);
    return { reply, records: streamRecords(packets, reply.count).records, packets };
  }

  /**
   * Uploads program bytes into a slot: PROG_BEGIN, PROG_WRITE chunks from the offset the device
   * reports, PROG_COMMIT. Returns the COMMIT reply (or the first failing reply).
   */
  upload(slot: number, bytes: Uint8Array, chunk = this.payload - 1 - 8): Message {
    const begin = this.request(Op.ProgBegin, encodeProgBegin({ slot, size: bytes.length, crc: crc32(bytes, 0, bytes.length, 0) }));
    if (begin.status !== 0) return begin;
    let off = decodeU16(begin.body)!;
    while (off < bytes.length) {
      const data = bytes.subarray(off, Math.min(bytes.length, off + chunk));
      const w = this.request(Op.ProgWrite, encodeProgWrite({ slot, offset: off, data }));
      if (w.status !== 0) return w;
      off = decodeU16(w.body)!;
    }
    return this.request(Op.ProgCommit, [slot]);
  }

}
