import { asciiBytes, asciiString, concatBytes, pack, u16, u32 } from "./bytes";
import { PE } from "./program";

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

/** pack() layouts of the replies the device sends (its handlers pack them directly, in this order). */
export const INFO_LAYOUT = "1111444244211111";
export const STATUS_LAYOUT = "111122111";
export const TIME_REPLY_LAYOUT = "41";
export const LOG_READ_REPLY_LAYOUT = "4224";
export const ACK_REPLY_LAYOUT = "42";

export const encodeInfo = (i: Info): Uint8Array => {
  return pack(INFO_LAYOUT, [
    i.proto, i.board, i.battery, i.flags, i.time, i.uptime, i.storageFree, i.held, i.newest, i.acked, i.unlogged,
    i.caps, i.payload, i.boot, i.selected, i.firmware.length,
  ], asciiBytes(i.firmware));
};

export const decodeInfo = (b: Uint8Array): Info | null => {
  if (b.length < 33 || b.length < 33 + b[32]) return null;
  return {
    proto: b[0], board: b[1], battery: b[2], flags: b[3], time: u32(b, 4), uptime: u32(b, 8),
    storageFree: u32(b, 12), held: u16(b, 16), newest: u32(b, 18), acked: u32(b, 22),
    unlogged: u16(b, 26), caps: b[28], payload: b[29], boot: b[30], selected: b[31],
    firmware: asciiString(b, 33, b[32]),
  };
};

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

export const encodeStatus = (s: SessionStatus): Uint8Array => {
  return pack(STATUS_LAYOUT, [s.state, s.program, s.step, s.region, s.elapsed, s.planned, s.level, s.selected, s.cue]);
};

export const decodeStatus = (b: Uint8Array): SessionStatus | null => {
  if (b.length < 11) return null;
  return {
    state: b[0], program: b[1], step: b[2], region: b[3], elapsed: u16(b, 4), planned: u16(b, 6),
    level: b[8], selected: b[9], cue: b[10],
  };
};

/* ---- TIME_SET: request unix u32 | reply uptime u32, boot u8 ----------------------------------- */
export const encodeU32 = (v: number): Uint8Array => {
  return pack("4", [v]);
};

export const decodeU32 = (b: Uint8Array): number | null => {
  return b.length < 4 ? null : u32(b, 0);
};

export interface TimeReply {
  uptime: number;
  boot: number;
}

export const encodeTimeReply = (r: TimeReply): Uint8Array => {
  return pack(TIME_REPLY_LAYOUT, [r.uptime, r.boot]);
};

export const decodeTimeReply = (b: Uint8Array): TimeReply | null => {
  return b.length < 5 ? null : { uptime: u32(b, 0), boot: b[4] };
};

/* ---- LOG_READ: request after u32, max u16, [window u8] ----------------------------------------------
 * reply: first u32 (seq of the first record streamed) | count u16 (records streamed now, right after
 * this reply, as stream packets 0..) | more u16 (records after this batch) | newest u32
 */
export interface LogReadRequest {
  after: number;
  max: number;
  /** Stream packets the device may send beyond the central's last credit; 0 or absent: no credits. */
  window?: number;
}

export const encodeLogRead = (r: LogReadRequest): Uint8Array => {
  return r.window ? pack("421", [r.after, r.max, r.window]) : pack("42", [r.after, r.max]);
};

export const decodeLogRead = (b: Uint8Array): LogReadRequest | null => {
  return b.length < 6 ? null : { after: u32(b, 0), max: u16(b, 4), window: b.length > 6 ? b[6] : 0 };
};

export interface LogReadReply {
  first: number;
  count: number;
  more: number;
  newest: number;
}

export const encodeLogReadReply = (r: LogReadReply): Uint8Array => {
  return pack(LOG_READ_REPLY_LAYOUT, [r.first, r.count, r.more, r.newest]);
};

export const decodeLogReadReply = (b: Uint8Array): LogReadReply | null => {
  return b.length < 12 ? null : { first: u32(b, 0), count: u16(b, 4), more: u16(b, 6), newest: u32(b, 8) };
};

/* ---- LOG_ACK: request upTo u32 | reply acked u32, held u16 ------------------------------------- */
export interface AckReply {
  acked: number;
  held: number;
}

export const encodeAckReply = (r: AckReply): Uint8Array => {
  return pack(ACK_REPLY_LAYOUT, [r.acked, r.held]);
};

export const decodeAckReply = (b: Uint8Array): AckReply | null => {
  return b.length < 6 ? null : { acked: u32(b, 0), held: u16(b, 4) };
};

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

export const encodeProgramList = (selected: number, entries: ProgramEntry[]): Uint8Array => {
  let b = pack("11", [selected, entries.length]);
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    b = concatBytes(b, pack("11241", [e.id, e.steps, e.seconds, e.crc, e.name.length], asciiBytes(e.name)));
  }
  return b;
};

export const decodeProgramList = (b: Uint8Array): { selected: number; entries: ProgramEntry[] } | null => {
  if (b.length < 2) return null;
  const entries: ProgramEntry[] = [];
  let o = 2;
  for (let i = 0; i < b[1]; i++) {
    if (o + 9 > b.length || o + 9 + b[o + 8] > b.length) return null;
    entries.push({ id: b[o], steps: b[o + 1], seconds: u16(b, o + 2), crc: u32(b, o + 4), name: asciiString(b, o + 9, b[o + 8]) });
    o += 9 + b[o + 8];
  }
  return { selected: b[0], entries: entries };
};

/* ---- PROG_BEGIN: request slot u8, size u16, crc u32 | reply offset u16 (where to resume) ------- */
export interface ProgBegin {
  slot: number;
  size: number;
  crc: number;
}

export const encodeProgBegin = (r: ProgBegin): Uint8Array => {
  return pack("124", [r.slot, r.size, r.crc]);
};

export const decodeProgBegin = (b: Uint8Array): ProgBegin | null => {
  return b.length < 7 ? null : { slot: b[0], size: u16(b, 1), crc: u32(b, 3) };
};

/* ---- PROG_WRITE: request slot u8, offset u16, data | reply next u16 ----------------------------
 * ---- PROG_READ:  request id u8, offset u16, len u8 | reply total u16, data ---------------------
 */
export interface ProgWrite {
  slot: number;
  offset: number;
  data: Uint8Array;
}

export const encodeProgWrite = (r: ProgWrite): Uint8Array => {
  return pack("12", [r.slot, r.offset], r.data);
};

export const decodeProgWrite = (b: Uint8Array): ProgWrite | null => {
  return b.length < 4 ? null : { slot: b[0], offset: u16(b, 1), data: b.subarray(3) };
};

export interface ProgRead {
  id: number;
  offset: number;
  len: number;
}

export const encodeProgRead = (r: ProgRead): Uint8Array => {
  return pack("121", [r.id, r.offset, r.len]);
};

export const decodeProgRead = (b: Uint8Array): ProgRead | null => {
  return b.length < 4 ? null : { id: b[0], offset: u16(b, 1), len: b[3] };
};

export const encodeU16 = (v: number): Uint8Array => {
  return pack("2", [v]);
};

export const decodeU16 = (b: Uint8Array): number | null => {
  return b.length < 2 ? null : u16(b, 0);
};

/* ---- SETTINGS: get reply / set request: flags u8, passkey 6 ASCII digits (set only; get sends
 * the flags and whether a passkey is set, never the passkey) ------------------------------------ */
/** In a SETTINGS_GET reply's flags only: a passkey is stored (the passkey itself is never sent). */
export const SETTINGS_HAS_PASSKEY = 0x80;

export interface Settings {
  flags: number;
  passkey: string;
}

export const encodeSettings = (s: Settings): Uint8Array => {
  return pack("1", [s.flags], asciiBytes(s.passkey));
};

export const decodeSettings = (b: Uint8Array): Settings | null => {
  if (b.length < 1) return null;
  return { flags: b[0], passkey: asciiString(b, 1, b.length - 1) };
};

/* ---- PROG_COMMIT Invalid reply: why the device refused the program (program.ts PE / PR) ------
 *  0 step u8 (0xFF: the program as a whole) | 1 field u8 (PE) | 2 rule u8 (PR) | 3 k u8 (level index)
 *  4 value u32 (the offending value or count; ×100 for the fraction fields PE.Intensity, PE.Level)
 * e.g. 03 0a 02 00 fa 00 00 00: steps[3].intensity, above the limit, 2.5. The companion prints it
 * with describeProgramError(decodeProgramError(body)): "steps[3].intensity: 2.5 is above the limit 1.0".
 */
export const encodeProgramError = (e: number[]): Uint8Array => {
  return pack("11114", [e[0], e[1], e[2], e[3], e[1] >= PE.Intensity ? Math.round(e[4] * 100) : e[4]]);
};

export const decodeProgramError = (b: Uint8Array): number[] | null => {
  return b.length < 8 ? null : [b[0], b[1], b[2], b[3], b[1] >= PE.Intensity ? u32(b, 4) / 100 : u32(b, 4)];
};

/** A text body (firmware before the structured PROG_COMMIT errors; kept for reading old replies). */
export const encodeText = (s: string): Uint8Array => {
  return asciiBytes(s.length > 120 ? s.substring(0, 120) : s);
};

export const decodeText = (b: Uint8Array): string => {
  return asciiString(b, 0, b.length);
};
