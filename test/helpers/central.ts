/**
 * A small test-side BLE central: it drives the real VirtualNrf (centralConnect / centralWrite /
 * centralSubscribe / onNotify) and speaks the protocol with shared/frame.ts, so firmware tests
 * exercise the device's GATT table, packet sizes, pacing and reassembly as a companion would.
 */
import type { VirtualDevice } from "../../companion/sim/index";
import { NOTIFY_CHAR_UUID, REQUEST_CHAR_UUID, SERVICE_UUID } from "../../shared/uuids";
import { Message, encodeMessage, packetize } from "../../shared/frame";
import { Inbox, streamRecords } from "../../companion/sim/interpreter/inbox";
import { Op } from "../../shared/codes";
import { LogRecord, RECORD_BYTES } from "../../shared/record";
import {
  decodeLogReadReply, decodeU16, encodeLogRead, encodeProgBegin, encodeProgWrite, LogReadReply,
} from "../../shared/messages";
import { crc32 } from "../../shared/crc";

export interface CentralOptions {
  /** ATT MTU the central requests (default 23: 20-byte payloads). */
  mtu?: number;
  bonded?: boolean;
  encrypted?: boolean;
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
  private off?: () => void;

  constructor(dev: VirtualDevice) {
    this.dev = dev;
  }

  connect(opts: CentralOptions = {}): void {
    const nrf = this.dev.nrf;
    const info = nrf.centralConnect({ mtu: opts.mtu ?? 23, bonded: opts.bonded, encrypted: opts.encrypted });
    this.payload = info.payload;
    this.dev.advance(0);
    nrf.centralSubscribe(SERVICE_UUID, NOTIFY_CHAR_UUID, true);
    this.off = nrf.onNotify((svc, chr, data) => this.inbox.onPacket(data));
  }

  disconnect(): void {
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

  /** Sends a request and returns its reply (the first message with the same id after it). */
  request(op: number, body: Uint8Array | number[] | null = null, opts: { id?: number; maxMs?: number } = {}): Message {
    const id = opts.id ?? this.inbox.allocId();
    const from = this.messages.length;
    this.sendRaw(encodeMessage(op, id, 0, body ? Uint8Array.from(body) : null));
    return this.waitReply(id, from, opts.maxMs);
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
    return this.request(Op.Info, [this.payload]);
  }

  /**
   * LOG_READ after `after` (max records): the reply, and the records of its stream (waits until
   * every stream packet arrived or `maxMs` passed).
   */
  readLog(after: number, max = 64, maxMs = 3000): { reply: LogReadReply; records: LogRecord[]; packets: Uint8Array[] } {
    const from = this.stream.length;
    const m = this.request(Op.LogRead, encodeLogRead({ after, max }));
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
