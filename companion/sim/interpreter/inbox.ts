/**
 * What a test central receives, whichever harness the device runs on: notification packets sorted
 * into messages (reassembled and decoded with shared/frame.ts) and log-stream packets, the request
 * ids it hands out, and the records a stream carried. Used by InterpreterCentral (./central.ts) and
 * by the virtual device's test central (test/helpers/central.ts).
 */
import { Op } from "../../../shared/codes";
import { DONE, type Message, Reassembler, decodeMessage, isStreamPacket } from "../../../shared/frame";
import { type LogRecord, RECORD_BYTES, decodeRecord } from "../../../shared/record";

export class Inbox {
  /** Replies and events, in arrival order. */
  readonly messages: Message[] = [];
  /** Stream packets (header byte included), in arrival order. */
  readonly stream: Uint8Array[] = [];
  /** Every notification packet, in arrival order. */
  readonly packets: Uint8Array[] = [];
  private nextId = 1;
  private rx = new Reassembler(4096);

  /** A request id: 1…255, then round again. */
  allocId(): number {
    const id = this.nextId;
    this.nextId = (this.nextId % 255) + 1;
    return id;
  }

  /** Takes one notification packet. */
  onPacket(p: Uint8Array): void {
    this.packets.push(p);
    if (isStreamPacket(p)) {
      this.stream.push(p);
      return;
    }
    if (this.rx.push(p) !== DONE) return;
    const m = decodeMessage(this.rx.message().slice());
    if (typeof m === "number") throw new Error(`device sent an undecodable message (status ${m})`);
    this.messages.push(m);
  }

  /** The reply with this id (not an event) among the messages from index `from`. */
  reply(id: number, from = 0): Message | undefined {
    return this.messages.slice(from).find((m) => m.id === id && m.op !== Op.EvtStatus);
  }

  /** Events (EVT_STATUS) received so far. */
  events(): Message[] {
    return this.messages.filter((m) => m.op === Op.EvtStatus);
  }
}

/** The first `count` records a stream's packets carry (in order), and their bytes as they came. */
export function streamRecords(packets: Uint8Array[], count: number): { records: LogRecord[]; bytes: Uint8Array } {
  const bytes = new Uint8Array(count * RECORD_BYTES);
  let o = 0;
  for (const p of packets) {
    if (o >= bytes.length) break;
    bytes.set(p.subarray(1, 1 + Math.min(p.length - 1, bytes.length - o)), o);
    o += p.length - 1;
  }
  const records: LogRecord[] = [];
  for (let i = 0; i < count; i++) {
    const r = decodeRecord(bytes, i * RECORD_BYTES);
    if (r) records.push(r);
  }
  return { records, bytes };
}
