import { crc32 } from "./crc";
import { Status } from "./codes";
import { MESSAGE_MAX_BYTES } from "./limits";

/*
 * Packets: one ATT write or notification each, at most `payload` bytes (20 at the least).
 *
 *   byte 0  header
 *           1ccc cccc  stream packet: c = counter 0..127 within one log read, bytes 1.. = stream data
 *           0FLi iiii  message packet: F = first, L = last, i = packet index in the message (mod 32)
 *   1..     message bytes (message packets) or stream bytes (stream packets)
 *
 * Message (what the packets of one message carry, reassembled):
 *
 *   0     op      u8   (codes.ts Op)
 *   1     id      u8   request id, echoed by the reply; 0 for events
 *   2     status  u8   0 in requests; codes.ts Status in replies
 *   3..   body         per op, see messages.ts
 *   n-2   check   u16  the low 16 bits of CRC-32 (zlib's) over bytes 0..n-3, little-endian (the
 *                      device computes it with the interpreter's E.CRC32, no table in its RAM)
 *
 * Credit (central → device, one byte, only while a LOG_READ with a window streams):
 *   1ccc cccc  c = stream packets seen so far (the highest counter received + 1): the device may
 *              send up to counter c + window − 1 (limits.ts STREAM_WINDOW)
 */
export const HDR_STREAM = 0x80;
export const HDR_FIRST = 0x40;
export const HDR_LAST = 0x20;
/** op + id + status + crc */
export const MSG_OVERHEAD = 5;

export interface Message {
  op: number;
  id: number;
  status: number;
  body: Uint8Array;
}

export const encodeMessage = (op: number, id: number, status: number, body: Uint8Array | null): Uint8Array => {
  const n = body ? body.length : 0;
  const m = new Uint8Array(n + MSG_OVERHEAD);
  m[0] = op;
  m[1] = id;
  m[2] = status;
  if (body) m.set(body, 3);
  const c = crc32(m, 0, n + 3, 0);
  m[n + 3] = c & 0xff;
  m[n + 4] = (c >> 8) & 0xff;
  return m;
};

/** Decodes a reassembled message; returns a Status error code when it cannot. */
export const decodeMessage = (m: Uint8Array): Message | number => {
  if (m.length < MSG_OVERHEAD) return Status.BadRequest;
  const n = m.length - 2;
  if ((crc32(m, 0, n, 0) & 0xffff) !== (m[n] | (m[n + 1] << 8))) return Status.Corrupt;
  return { op: m[0], id: m[1], status: m[2], body: m.subarray(3, n) };
};

/** Splits a message into packets of at most `payload` bytes and hands each to `emit`, in order. */
export const packetize = (m: Uint8Array, payload: number, emit: (pkt: Uint8Array) => void): void => {
  const per = payload - 1;
  const count = packetCount(m.length, payload);
  for (let i = 0; i < count; i++) {
    const start = i * per;
    const end = Math.min(m.length, start + per);
    const p = new Uint8Array(end - start + 1);
    p[0] = (i === 0 ? HDR_FIRST : 0) | (i === count - 1 ? HDR_LAST : 0) | (i & 31);
    p.set(m.subarray(start, end), 1);
    emit(p);
  }
};

export const packetCount = (messageBytes: number, payload: number): number => {
  return Math.max(1, Math.ceil(messageBytes / (payload - 1)));
};

/** A stream packet: counter and a slice of the stream's bytes. */
export const streamPacket = (counter: number, data: Uint8Array, start: number, end: number): Uint8Array => {
  const p = new Uint8Array(end - start + 1);
  p[0] = HDR_STREAM | (counter & 0x7f);
  p.set(data.subarray(start, end), 1);
  return p;
};

/** The central's credit: it has seen stream packets up to counter `seen` − 1. */
export const creditPacket = (seen: number): Uint8Array => {
  return new Uint8Array([HDR_STREAM | (seen & 0x7f)]);
};

export const isStreamPacket = (p: Uint8Array): boolean => {
  return p.length > 0 && (p[0] & HDR_STREAM) !== 0;
};

/** push() results besides a Status error code. */
export const MORE = -1;
export const DONE = 0;

/**
 * Reassembles message packets into one preallocated buffer (no allocation per packet on the device).
 * push() returns MORE, DONE (then `message()` holds the bytes), or a Status code saying what was wrong
 * with the packet; after an error the partial message is dropped and the next FIRST packet starts anew.
 */
export class Reassembler {
  buf: Uint8Array;
  len: number;
  next: number;
  active: boolean;

  constructor(max: number) {
    this.buf = new Uint8Array(max || MESSAGE_MAX_BYTES);
    this.len = 0;
    this.next = 0;
    this.active = false;
  }

  push(p: Uint8Array): number {
    if (p.length < 1 || (p[0] & HDR_STREAM)) return this.fail(Status.BadRequest);
    const h = p[0];
    if (h & HDR_FIRST) {
      this.active = true;
      this.len = 0;
      this.next = 0;
    } else if (!this.active) {
      return Status.BadRequest;
    }
    if ((h & 31) !== (this.next & 31)) return this.fail(Status.Corrupt);
    if (this.len + p.length - 1 > this.buf.length) return this.fail(Status.TooLarge);
    this.buf.set(p.subarray(1), this.len);
    this.len += p.length - 1;
    this.next++;
    if (!(h & HDR_LAST)) return MORE;
    this.active = false;
    return DONE;
  }

  /** The last complete message (a view into the buffer: valid until the next push). */
  message(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }

  private fail(code: number): number {
    this.active = false;
    return code;
  }
}
