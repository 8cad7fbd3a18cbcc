import { ANY_SLOT, Op, SELECTED, SLOT_BASE } from "../../shared/codes";
import {
  type AckReply,
  type Info,
  type LogReadReply,
  type ProgramEntry,
  type SessionStatus,
  type TimeReply,
  decodeAckReply,
  decodeInfo,
  decodeLogReadReply,
  decodeProgramList,
  decodeStatus,
  decodeTimeReply,
  decodeU16,
  encodeLogAck,
  encodeLogRead,
  encodePair,
  encodeProgBegin,
  encodeProgRead,
  encodeProgWrite,
  encodeSettings,
  encodeU32,
} from "../../shared/messages";
import { u16 } from "../../shared/bytes";
import { LinkError, actionOf } from "../errors";
import type { DeviceLink, Reply, RequestOptions } from "./link";

/**
 * The device's requests as typed calls over a Link: each encodes its body with shared/messages.ts,
 * sends it, and decodes the reply. A non-OK status throws DeviceStatusError (the STATUS_TEXT sentence)
 * except where a caller needs the status itself (progWriteStatus).
 */
export class DeviceClient<L extends DeviceLink = DeviceLink> {
  readonly link: L;

  constructor(link: L) {
    this.link = link;
  }

  /** INFO, with the central's payload size as its body (as on every connection). */
  async info(): Promise<Info> {
    const info = decode("info", decodeInfo, await this.link.request(Op.Info, new Uint8Array([this.link.payload])));
    this.link.info = info;
    return info;
  }

  /** TIME_SET: the device's clock becomes `unix`; the reply says how long it has been up, and the first seq of this boot. */
  async setTime(unix: number): Promise<TimeReply> {
    return decode("time-set", decodeTimeReply, await this.link.request(Op.TimeSet, encodeU32(unix >>> 0)));
  }

  async status(): Promise<SessionStatus> {
    return decode("status", decodeStatus, await this.link.request(Op.Status));
  }

  /** SETTINGS_SET: the setting flags (codes.ts Setting; INFO carries them, with the owner slots). */
  async setSettings(flags: number): Promise<void> {
    await this.link.request(Op.SettingsSet, encodeSettings(flags));
  }

  /** PAIR: the device keeps `key` as an owner's (in the trust window, or on an owner's link); the reply is its slot. */
  async pair(key: Uint8Array, slot = ANY_SLOT, passkey = ""): Promise<number> {
    const b = await this.link.request(Op.Pair, encodePair({ slot, key, passkey }));
    if (b.length < 1) throw new LinkError(`while ${actionOf("pair")}, the device sent a reply too short to read; update its firmware with \`massager flash\``);
    return b[0];
  }

  /** UNPAIR one owner slot (ANY_SLOT: every one); the reply is the slots still paired (bits). */
  async unpair(slot: number): Promise<number> {
    const b = await this.link.request(Op.Unpair, new Uint8Array([slot]));
    return b.length ? b[0] : 0;
  }

  /**
   * LOG_READ of the log `logId` (0: whichever the device has): the reply; `count` records follow as
   * stream packets (see log-read.ts). Another log than `logId` answers Stale.
   */
  async logRead(after: number, max: number, opts?: RequestOptions & { window?: number; logId?: number }): Promise<LogReadReply> {
    const body = encodeLogRead({ after, max, window: opts?.window ?? 0, logId: opts?.logId ?? 0 });
    return decode("log-read", decodeLogReadReply, await this.link.request(Op.LogRead, body, opts));
  }

  /** LOG_ACK: the device may free every record of log `logId` up to `upTo` (the central has stored them durably). */
  async ack(upTo: number, logId: number): Promise<AckReply> {
    return decode("log-ack", decodeAckReply, await this.link.request(Op.LogAck, encodeLogAck({ upTo: upTo >>> 0, logId: logId >>> 0 })));
  }

  async programs(): Promise<{ selected: number; entries: ProgramEntry[] }> {
    return decode("program-list", decodeProgramList, await this.link.request(Op.ProgList));
  }

  /** PROG_READ: up to `len` bytes of program `id`'s image from `offset`; the reply also gives its size. */
  async readProgramChunk(id: number, offset: number, len: number): Promise<{ total: number; data: Uint8Array }> {
    const b = await this.link.request(Op.ProgRead, encodeProgRead({ id, offset, len }));
    if (b.length < 2) throw new LinkError(`while ${actionOf("program-read")}, the device sent a reply too short to read; update its firmware with \`massager flash\``);
    return { total: u16(b, 0), data: b.slice(2) };
  }

  /** The whole binary image of program `id` (a preset index or SLOT_BASE + slot). */
  async readProgram(id: number, chunk = 96): Promise<Uint8Array> {
    let first = await this.readProgramChunk(id, 0, chunk);
    const out = new Uint8Array(first.total);
    out.set(first.data.subarray(0, first.total), 0);
    let offset = first.data.length;
    while (offset < first.total) {
      first = await this.readProgramChunk(id, offset, Math.min(chunk, first.total - offset));
      if (first.data.length === 0) break;
      out.set(first.data.subarray(0, first.total - offset), offset);
      offset += first.data.length;
    }
    return out;
  }

  /** PROG_BEGIN: announces size and CRC-32; the reply is the offset to resume from (0 for a new upload). */
  async progBegin(slot: number, size: number, crc: number): Promise<number> {
    return decode("program-begin", decodeU16, await this.link.request(Op.ProgBegin, encodeProgBegin({ slot, size, crc })));
  }

  /** PROG_WRITE, status included (BadOffset is part of the upload's normal flow). */
  async progWriteStatus(slot: number, offset: number, data: Uint8Array): Promise<{ reply: Reply; next: number | null }> {
    const reply = await this.link.requestStatus(Op.ProgWrite, encodeProgWrite({ slot, offset, data }));
    return { reply, next: decodeU16(reply.body) };
  }

  async progWrite(slot: number, offset: number, data: Uint8Array): Promise<number> {
    return decode("program-write", decodeU16, await this.link.request(Op.ProgWrite, encodeProgWrite({ slot, offset, data })));
  }

  /** PROG_COMMIT: the device checks CRC and validation, then the program becomes active and selected. */
  async progCommit(slot: number): Promise<void> {
    await this.link.request(Op.ProgCommit, new Uint8Array([slot]));
  }

  /** PROG_DELETE of custom slot `slot` (presets cannot be deleted). */
  async deleteProgram(slot: number): Promise<void> {
    await this.link.request(Op.ProgDelete, new Uint8Array([SLOT_BASE + slot]));
  }

  /** PROG_SELECT: program `id` (preset index or SLOT_BASE + slot) is what a button press starts. */
  async selectProgram(id: number): Promise<void> {
    await this.link.request(Op.ProgSelect, new Uint8Array([id]));
  }

  /** START the program `id` (default: the selected one). */
  async start(id: number = SELECTED): Promise<void> {
    await this.link.request(Op.Start, new Uint8Array([id]));
  }

  async pause(): Promise<void> {
    await this.link.request(Op.Pause);
  }

  async resume(): Promise<void> {
    await this.link.request(Op.Resume);
  }

  async stop(): Promise<void> {
    await this.link.request(Op.Stop);
  }

  /** Subscribes to EVT_STATUS events; returns the unsubscribe function. */
  onStatus(fn: (s: SessionStatus) => void): () => void {
    return this.link.onEvent(fn);
  }
}

function decode<T>(what: string, fn: (b: Uint8Array) => T | null, body: Uint8Array): T {
  const v = fn(body);
  if (v === null) throw new LinkError(`while ${actionOf(what)}, the device sent a reply this companion cannot read; update the companion or the firmware (\`massager flash\`)`);
  return v;
}
