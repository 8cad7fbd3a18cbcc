import { asciiBytes, asciiString, concatBytes, pack, u16, u32 } from "./bytes";
import { AUTH_MAC_BYTES, NONCE_BYTES, OWNER_KEY_BYTES, SIGNATURE_MAC_BYTES } from "./limits";
import { PE } from "./program";

/*
 * Message bodies, per op (frame.ts wraps them with op, id, status and crc). All little-endian.
 * Decoders return null when the body is too short. The device packs its replies straight from their
 * fields with pack() and these *_LAYOUT strings, in this order.
 */
export const PROTOCOL_VERSION = 2;

/* ---- INFO: request payload u8 (the central's ATT payload, MTU − 3) -------------------------------
 * reply:
 *  0 proto u8 | 1 board u8 | 2 battery u8 (% or 255) | 3 batteryState u8 (codes.ts Battery) | 4 flags u8
 *  5 caps u8 | 6 payload u8 | 7 settings u8 (codes.ts Setting) | 8 owners u8 (bit n: owner slot n paired)
 *  9 nonce 8 bytes (this connection's challenge, for AUTH)
 * the owner's part:
 * 17 time u32 | 21 uptime u32 | 25 storageFree u32 | 29 logId u32 | 33 newest u32 | 37 acked u32
 * 41 held u16 | 43 unlogged u16 | 45 selected u8
 * 46 fwLen u8 | 47 firmware version (ASCII)
 * flags: bit0 clock set, bit1 protected (owners paired: only they may do more than INFO), bit2 console
 *        locked, bit3 console window open, bit4 session active, bit5 this link is an owner's (AUTH
 *        passed), bit6 pairing window open, bit7 a passkey from firmware before protocol 2 may pair
 * On a protected device, until AUTH passes on the link, INFO says only who the device is: the owner's
 * part is zeros, and so are the clock and session flags.
 */
export const INFO_CLOCK_SET = 1;
export const INFO_PROTECTED = 2;
export const INFO_CONSOLE_LOCKED = 4;
export const INFO_CONSOLE_OPEN = 8;
export const INFO_SESSION = 16;
export const INFO_OWNER = 32;
export const INFO_PAIRING = 64;
export const INFO_PASSKEY = 128;
/** Where the owner's part of INFO begins and ends (the device zeroes it for others). */
export const INFO_PRIVATE_START = 17;
export const INFO_PRIVATE_END = 46;

export interface Info {
  proto: number;
  board: number;
  battery: number;
  batteryState: number;
  flags: number;
  caps: number;
  payload: number;
  settings: number;
  owners: number;
  nonce: Uint8Array;
  time: number;
  uptime: number;
  storageFree: number;
  logId: number;
  newest: number;
  acked: number;
  held: number;
  unlogged: number;
  selected: number;
  firmware: string;
}

/** pack() layouts of the replies the device sends (its handlers pack them directly, in this order). */
export const INFO_LAYOUT = "111111111444444442211";
export const STATUS_LAYOUT = "111122111111";
export const TIME_REPLY_LAYOUT = "44";
export const LOG_READ_REPLY_LAYOUT = "44224";
export const ACK_REPLY_LAYOUT = "42";

export const encodeInfo = (i: Info): Uint8Array => {
  return pack(INFO_LAYOUT, [
    i.proto, i.board, i.battery, i.batteryState, i.flags, i.caps, i.payload, i.settings, i.owners, u32(i.nonce, 0), u32(i.nonce, 4),
    i.time, i.uptime, i.storageFree, i.logId, i.newest, i.acked, i.held, i.unlogged, i.selected, i.firmware.length,
  ], asciiBytes(i.firmware));
};

export const decodeInfo = (b: Uint8Array): Info | null => {
  if (b.length < 47 || b.length < 47 + b[46]) return null;
  return {
    proto: b[0], board: b[1], battery: b[2], batteryState: b[3], flags: b[4], caps: b[5], payload: b[6], settings: b[7], owners: b[8],
    nonce: b.slice(9, 17), time: u32(b, 17), uptime: u32(b, 21), storageFree: u32(b, 25), logId: u32(b, 29), newest: u32(b, 33),
    acked: u32(b, 37), held: u16(b, 41), unlogged: u16(b, 43), selected: b[45], firmware: asciiString(b, 47, b[46]),
  };
};

/* ---- STATUS reply and EVT_STATUS event ------------------------------------------------------
 *  0 state u8 | 1 program u8 | 2 step u8 | 3 region u8 | 4 elapsed u16 s | 6 planned u16 s
 *  8 level u8 (% of the motor cap now) | 9 selected u8 | 10 cue u8 (1: a region cue just fired)
 * 11 battery u8 (%) | 12 batteryState u8 | 13 lastEnd u8 (codes.ts End of the last session, NO_END none)
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
  battery: number;
  batteryState: number;
  lastEnd: number;
}

export const encodeStatus = (s: SessionStatus): Uint8Array => {
  return pack(STATUS_LAYOUT, [
    s.state, s.program, s.step, s.region, s.elapsed, s.planned, s.level, s.selected, s.cue, s.battery, s.batteryState, s.lastEnd,
  ]);
};

export const decodeStatus = (b: Uint8Array): SessionStatus | null => {
  if (b.length < 14) return null;
  return {
    state: b[0], program: b[1], step: b[2], region: b[3], elapsed: u16(b, 4), planned: u16(b, 6),
    level: b[8], selected: b[9], cue: b[10], battery: b[11], batteryState: b[12], lastEnd: b[13],
  };
};

/* ---- TIME_SET: request unix u32 | reply uptime u32, bootSeq u32 --------------------------------
 * bootSeq: the first sequence number this boot gives a record. A record with seq ≥ bootSeq and the
 * uptime flag carries this boot's uptime, so the central can place it (unix now − uptime + start);
 * an uptime-stamped record below bootSeq is from an earlier boot, whose clock is lost.
 */
export const encodeU32 = (v: number): Uint8Array => {
  return pack("4", [v]);
};

export const decodeU32 = (b: Uint8Array): number | null => {
  return b.length < 4 ? null : u32(b, 0);
};

export interface TimeReply {
  uptime: number;
  bootSeq: number;
}

export const encodeTimeReply = (r: TimeReply): Uint8Array => {
  return pack(TIME_REPLY_LAYOUT, [r.uptime, r.bootSeq]);
};

export const decodeTimeReply = (b: Uint8Array): TimeReply | null => {
  return b.length < 8 ? null : { uptime: u32(b, 0), bootSeq: u32(b, 4) };
};

/* ---- LOG_READ: request after u32, max u16, window u8, logId u32 ---------------------------------
 * window: stream packets the device may send beyond the central's last credit (0: no credits).
 * logId: the log the central is reading (INFO's), or 0 for whichever; another answers Stale.
 * reply: logId u32 | first u32 (seq of the first record streamed) | count u16 (records streamed now,
 * right after this reply, as stream packets 0..) | more u16 (records after this batch) | newest u32
 */
export interface LogReadRequest {
  after: number;
  max: number;
  window: number;
  logId: number;
}

export const encodeLogRead = (r: LogReadRequest): Uint8Array => {
  return pack("4214", [r.after, r.max, r.window, r.logId]);
};

export const decodeLogRead = (b: Uint8Array): LogReadRequest | null => {
  return b.length < 11 ? null : { after: u32(b, 0), max: u16(b, 4), window: b[6], logId: u32(b, 7) };
};

export interface LogReadReply {
  logId: number;
  first: number;
  count: number;
  more: number;
  newest: number;
}

export const encodeLogReadReply = (r: LogReadReply): Uint8Array => {
  return pack(LOG_READ_REPLY_LAYOUT, [r.logId, r.first, r.count, r.more, r.newest]);
};

export const decodeLogReadReply = (b: Uint8Array): LogReadReply | null => {
  return b.length < 16 ? null : { logId: u32(b, 0), first: u32(b, 4), count: u16(b, 8), more: u16(b, 10), newest: u32(b, 12) };
};

/* ---- LOG_ACK: request upTo u32, logId u32 (another log answers Stale) | reply acked u32, held u16 -- */
export interface AckRequest {
  upTo: number;
  logId: number;
}

export const encodeLogAck = (r: AckRequest): Uint8Array => {
  return pack("44", [r.upTo, r.logId]);
};

export const decodeLogAck = (b: Uint8Array): AckRequest | null => {
  return b.length < 8 ? null : { upTo: u32(b, 0), logId: u32(b, 4) };
};

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

/* ---- SETTINGS_SET request: flags u8 (codes.ts Setting: LockConsole; RequireBond is read only) ----
 * (INFO carries the settings and which owner slots are paired.) */
export const encodeSettings = (flags: number): Uint8Array => {
  return pack("1", [flags]);
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

/* ---- Owners ------------------------------------------------------------------------------------
 * A device with an owner key paired obeys only a link that proved a key (AUTH) and signs its requests.
 * The keys are HMAC-SHA-256 keys of OWNER_KEY_BYTES; K is the slot's key, Nd the device's nonce of this
 * connection (INFO), Nc the central's nonce; "A" "D" "S" are the ASCII bytes.
 *
 * AUTH request:  0 slot u8 | 1 Nc 8 bytes | 9 mac 16 = HMAC(K, "A" ‖ Nd ‖ Nc)[0..16]
 * AUTH reply:    0 mac 16 = HMAC(K, "D" ‖ Nd ‖ Nc)[0..16]  (the device knows K too)
 *                then the link's session key is Ks = HMAC(K, "S" ‖ Nd ‖ Nc), 32 bytes.
 * Signed requests (every op but INFO, AUTH and PAIR, on a protected device): request status byte
 *   codes.ts SIGNED, and the body ends with: ctr u16 | mac 8 = HMAC(Ks, ctr ‖ op ‖ id ‖ body)[0..8],
 *   body being the bytes before ctr. ctr must grow on every signed request of the link (a replay, or
 *   a request of another link, is Denied).
 * PAIR request:  0 slot u8 (ANY_SLOT: the first free) | 1 key 16 | [17 passkey 6 ASCII digits]
 *   allowed while the pairing window is open (the button held 5 s), on an owner's link, or with the
 *   passkey that firmware before protocol 2 stored for its RequireBond setting. Reply: slot u8.
 * UNPAIR request (signed): slot u8 (ANY_SLOT: every slot) | reply: owners u8 (bit n: slot n paired).
 */
export const AUTH_LABEL = 0x41;
export const DEVICE_LABEL = 0x44;
export const SESSION_LABEL = 0x53;

/** The bytes HMAC'd for AUTH's proofs and its session key: label ‖ Nd ‖ Nc. */
export const authInput = (label: number, deviceNonce: Uint8Array, centralNonce: Uint8Array): Uint8Array => {
  const b = new Uint8Array(1 + 2 * NONCE_BYTES);
  b[0] = label;
  b.set(deviceNonce.subarray(0, NONCE_BYTES), 1);
  b.set(centralNonce.subarray(0, NONCE_BYTES), 1 + NONCE_BYTES);
  return b;
};

export interface AuthRequest {
  slot: number;
  nonce: Uint8Array;
  mac: Uint8Array;
}

export const encodeAuth = (r: AuthRequest): Uint8Array => {
  return concatBytes(pack("1", [r.slot], r.nonce.subarray(0, NONCE_BYTES)), r.mac.subarray(0, AUTH_MAC_BYTES));
};

export const decodeAuth = (b: Uint8Array): AuthRequest | null => {
  return b.length < 1 + NONCE_BYTES + AUTH_MAC_BYTES
    ? null
    : { slot: b[0], nonce: b.slice(1, 1 + NONCE_BYTES), mac: b.slice(1 + NONCE_BYTES, 1 + NONCE_BYTES + AUTH_MAC_BYTES) };
};

/** The bytes HMAC'd for a signed request: ctr u16 ‖ op ‖ id ‖ body. */
export const signedInput = (ctr: number, op: number, id: number, body: Uint8Array): Uint8Array => {
  return pack("211", [ctr, op, id], body);
};

/** A body with its signature appended (mac: the HMAC of signedInput, at least SIGNATURE_MAC_BYTES). */
export const signBody = (body: Uint8Array, ctr: number, mac: Uint8Array): Uint8Array => {
  return concatBytes(body, pack("2", [ctr], mac.subarray(0, SIGNATURE_MAC_BYTES)));
};

export interface PairRequest {
  slot: number;
  key: Uint8Array;
  /** The RequireBond passkey of firmware before protocol 2 ("" when pairing in the window). */
  passkey: string;
}

export const encodePair = (r: PairRequest): Uint8Array => {
  return concatBytes(pack("1", [r.slot], r.key.subarray(0, OWNER_KEY_BYTES)), asciiBytes(r.passkey));
};

export const decodePair = (b: Uint8Array): PairRequest | null => {
  return b.length < 1 + OWNER_KEY_BYTES
    ? null
    : { slot: b[0], key: b.slice(1, 1 + OWNER_KEY_BYTES), passkey: asciiString(b, 1 + OWNER_KEY_BYTES, b.length - 1 - OWNER_KEY_BYTES) };
};
