import { asciiBytes, asciiString, put16, put32, u16, u32 } from "./bytes";

/*
 * Message bodies, per op (frame.ts wraps them with op, id, status and crc). All little-endian.
 * Request decoders return null when the body is too short: the device answers BadRequest.
 */
export const PROTOCOL_VERSION = 1;

/* ---- INFO reply -----------------------------------------------------------------------------
 *  0 proto u8 | 1 board u8 | 2 battery u8 (% or 255) | 3 flags u8 | 4 time u32 | 8 uptime u32
 * 12 storageFree u32 | 16 held u16 | 18 newest u32 | 22 acked u32 | 26 unlogged u16 | 28 caps u8
 * 29 payload u8 | 30 boot u8 | 31 selected u8 | 32 fwLen u8 | 33 firmware version (ASCII)
 * flags: bit0 clock set, bit1 bond required, bit2 console locked, bit3 console window open,
 *        bit4 session active
 */
export const INFO_CLOCK_SET = 1;
export const INFO_BOND_REQUIRED = 2;
export const INFO_CONSOLE_LOCKED = 4;
export const INFO_CONSOLE_OPEN = 8;
export const INFO_SESSION = 16;

export interface Info {
  proto: number;
  board: number;
  battery: number;
  flags: number;
  time: number;
  uptime: number;
  storageFree: number;
  held: number;
  newest: number;
  acked: number;
  unlogged: number;
  caps: number;
  payload: number;
  boot: number;
  selected: number;
  firmware: string;
}

export function encodeInfo(i: Info): Uint8Array {
  const b = new Uint8Array(33 + i.firmware.length);
  b[0] = i.proto;
  b[1] = i.board;
  b[2] = i.battery;
  b[3] = i.flags;
  put32(b, 4, i.time);
  put32(b, 8, i.uptime);
  put32(b, 12, i.storageFree);
  put16(b, 16, i.held);
  put32(b, 18, i.newest);
  put32(b, 22, i.acked);
  put16(b, 26, i.unlogged);
  b[28] = i.caps;
  b[29] = i.payload;
  b[30] = i.boot;
  b[31] = i.selected;
  b[32] = i.firmware.length;
  b.set(asciiBytes(i.firmware), 33);
  return b;
}

export function decodeInfo(b: Uint8Array): Info | null {
  if (b.length < 33 || b.length < 33 + b[32]) return null;
  return {
    proto: b[0], board: b[1], battery: b[2], flags: b[3], time: u32(b, 4), uptime: u32(b, 8),
    storageFree: u32(b, 12), held: u16(b, 16), newest: u32(b, 18), acked: u32(b, 22),
    unlogged: u16(b, 26), caps: b[28], payload: b[29], boot: b[30], selected: b[31],
    firmware: asciiString(b, 33, b[32]),
  };
}

/* ---- STATUS reply and EVT_STATUS event ------------------------------------------------------
 *  0 state u8 | 1 program u8 | 2 step u8 | 3 region u8 | 4 elapsed u16 s | 6 planned u16 s
 *  8 level u8 (% of the motor cap now) | 9 selected u8 | 10 cue u8 (1: a region cue just fired)
 */
export interface SessionStatus {
  state: number;
  program: number;
  step: number;
  region: number;
  elapsed: number;
  planned: number;
  level: number;
  selected: number;
  cue: number;
}

export function encodeStatus(s: SessionStatus): Uint8Array {
  const b = new Uint8Array(11);
  b[0] = s.state;
  b[1] = s.program;
  b[2] = s.step;
  b[3] = s.region;
  put16(b, 4, s.elapsed);
  put16(b, 6, s.planned);
  b[8] = s.level;
  b[9] = s.selected;
  b[10] = s.cue;
  return b;
}

export function decodeStatus(b: Uint8Array): SessionStatus | null {
  if (b.length < 11) return null;
  return {
    state: b[0], program: b[1], step: b[2], region: b[3], elapsed: u16(b, 4), planned: u16(b, 6),
    level: b[8], selected: b[9], cue: b[10],
  };
}

/* ---- TIME_SET: request unix u32 | reply uptime u32, boot u8 ----------------------------------- */
export function encodeU32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  put32(b, 0, v);
  return b;
}

export function decodeU32(b: Uint8Array): number | null {
  return b.length < 4 ? null : u32(b, 0);
}

export interface TimeReply {
  uptime: number;
  boot: number;
}

export function encodeTimeReply(r: TimeReply): Uint8Array {
  const b = new Uint8Array(5);
  put32(b, 0, r.uptime);
  b[4] = r.boot;
  return b;
}

export function decodeTimeReply(b: Uint8Array): TimeReply | null {
  return b.length < 5 ? null : { uptime: u32(b, 0), boot: b[4] };
}

/* ---- LOG_READ: request after u32, max u16 ------------------------------------------------------
 * reply: first u32 (seq of the first record streamed) | count u16 (records streamed now, right after
 * this reply, as stream packets 0..) | more u16 (records after this batch) | newest u32
 */
export interface LogReadRequest {
  after: number;
  max: number;
}

export function encodeLogRead(r: LogReadRequest): Uint8Array {
  const b = new Uint8Array(6);
  put32(b, 0, r.after);
  put16(b, 4, r.max);
  return b;
}

export function decodeLogRead(b: Uint8Array): LogReadRequest | null {
  return b.length < 6 ? null : { after: u32(b, 0), max: u16(b, 4) };
}

export interface LogReadReply {
  first: number;
  count: number;
  more: number;
  newest: number;
}

export function encodeLogReadReply(r: LogReadReply): Uint8Array {
  const b = new Uint8Array(12);
  put32(b, 0, r.first);
  put16(b, 4, r.count);
  put16(b, 6, r.more);
  put32(b, 8, r.newest);
  return b;
}

export function decodeLogReadReply(b: Uint8Array): LogReadReply | null {
  return b.length < 12 ? null : { first: u32(b, 0), count: u16(b, 4), more: u16(b, 6), newest: u32(b, 8) };
}

/* ---- LOG_ACK: request upTo u32 | reply acked u32, held u16 ------------------------------------- */
export interface AckReply {
  acked: number;
  held: number;
}

export function encodeAckReply(r: AckReply): Uint8Array {
  const b = new Uint8Array(6);
  put32(b, 0, r.acked);
  put16(b, 4, r.held);
  return b;
}

export function decodeAckReply(b: Uint8Array): AckReply | null {
  return b.length < 6 ? null : { acked: u32(b, 0), held: u16(b, 4) };
}

/* ---- PROG_LIST reply --------------------------------------------------------------------------
 *  0 selected u8 | 1 n u8 | then n entries: id u8, steps u8, seconds u16, crc u32, nameLen u8, name
 */
export interface ProgramEntry {
  id: number;
  steps: number;
  seconds: number;
  crc: number;
  name: string;
}

export function encodeProgramList(selected: number, entries: ProgramEntry[]): Uint8Array {
  let n = 2;
  for (let i = 0; i < entries.length; i++) n += 9 + entries[i].name.length;
  const b = new Uint8Array(n);
  b[0] = selected;
  b[1] = entries.length;
  let o = 2;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    b[o] = e.id;
    b[o + 1] = e.steps;
    put16(b, o + 2, e.seconds);
    put32(b, o + 4, e.crc);
    b[o + 8] = e.name.length;
    b.set(asciiBytes(e.name), o + 9);
    o += 9 + e.name.length;
  }
  return b;
}

export function decodeProgramList(b: Uint8Array): { selected: number; entries: ProgramEntry[] } | null {
  if (b.length < 2) return null;
  const entries: ProgramEntry[] = [];
  let o = 2;
  for (let i = 0; i < b[1]; i++) {
    if (o + 9 > b.length || o + 9 + b[o + 8] > b.length) return null;
    entries.push({ id: b[o], steps: b[o + 1], seconds: u16(b, o + 2), crc: u32(b, o + 4), name: asciiString(b, o + 9, b[o + 8]) });
    o += 9 + b[o + 8];
  }
  return { selected: b[0], entries: entries };
}

/* ---- PROG_BEGIN: request slot u8, size u16, crc u32 | reply offset u16 (where to resume) ------- */
export interface ProgBegin {
  slot: number;
  size: number;
  crc: number;
}

export function encodeProgBegin(r: ProgBegin): Uint8Array {
  const b = new Uint8Array(7);
  b[0] = r.slot;
  put16(b, 1, r.size);
  put32(b, 3, r.crc);
  return b;
}

export function decodeProgBegin(b: Uint8Array): ProgBegin | null {
  return b.length < 7 ? null : { slot: b[0], size: u16(b, 1), crc: u32(b, 3) };
}

/* ---- PROG_WRITE: request slot u8, offset u16, data | reply next u16 ----------------------------
 * ---- PROG_READ:  request id u8, offset u16, len u8 | reply total u16, data ---------------------
 */
export interface ProgWrite {
  slot: number;
  offset: number;
  data: Uint8Array;
}

export function encodeProgWrite(r: ProgWrite): Uint8Array {
  const b = new Uint8Array(3 + r.data.length);
  b[0] = r.slot;
  put16(b, 1, r.offset);
  b.set(r.data, 3);
  return b;
}

export function decodeProgWrite(b: Uint8Array): ProgWrite | null {
  return b.length < 4 ? null : { slot: b[0], offset: u16(b, 1), data: b.subarray(3) };
}

export interface ProgRead {
  id: number;
  offset: number;
  len: number;
}

export function encodeProgRead(r: ProgRead): Uint8Array {
  const b = new Uint8Array(4);
  b[0] = r.id;
  put16(b, 1, r.offset);
  b[3] = r.len;
  return b;
}

export function decodeProgRead(b: Uint8Array): ProgRead | null {
  return b.length < 4 ? null : { id: b[0], offset: u16(b, 1), len: b[3] };
}

export function encodeU16(v: number): Uint8Array {
  const b = new Uint8Array(2);
  put16(b, 0, v);
  return b;
}

export function decodeU16(b: Uint8Array): number | null {
  return b.length < 2 ? null : u16(b, 0);
}

/* ---- SETTINGS: get reply / set request: flags u8, passkey 6 ASCII digits (set only; get sends
 * the flags and whether a passkey is set, never the passkey) ------------------------------------ */
/** In a SETTINGS_GET reply's flags only: a passkey is stored (the passkey itself is never sent). */
export const SETTINGS_HAS_PASSKEY = 0x80;

export interface Settings {
  flags: number;
  passkey: string;
}

export function encodeSettings(s: Settings): Uint8Array {
  const b = new Uint8Array(1 + s.passkey.length);
  b[0] = s.flags;
  b.set(asciiBytes(s.passkey), 1);
  return b;
}

export function decodeSettings(b: Uint8Array): Settings | null {
  if (b.length < 1) return null;
  return { flags: b[0], passkey: asciiString(b, 1, b.length - 1) };
}

/** A text body (errors from PROG_COMMIT's validation). */
export function encodeText(s: string): Uint8Array {
  return asciiBytes(s.length > 120 ? s.substring(0, 120) : s);
}

export function decodeText(b: Uint8Array): string {
  return asciiString(b, 0, b.length);
}
