import { crc8 } from "./crc";
import { pack, u16, u32 } from "./bytes";

/*
 * Log record: one per session, fixed size, written once into erased flash (0xFF) and sent over the
 * air as is.
 *
 *   0  seq       u32  sequence number, never repeats (a torn slot's number is skipped, not reused)
 *   4  start     u32  start time: unix seconds, or device uptime seconds when flags.uptime is set
 *   8  planned   u16  seconds the program planned
 *  10  region0   u16  seconds spent in the front region (hairline, temples)
 *  12  region1   u16  seconds spent on the crown
 *  14  region2   u16  seconds spent at the back (occiput, nape)
 *  16  program   u8   preset index, or 0x10 + slot for a custom program
 *  17  flags     u8   bits 0-2 end reason (codes.ts End), bit 3 uptime-stamped, bits 4-7 boot number mod 16
 *  18  battery   u8   percent at the end of the session, 255 when unknown
 *  19  crc       u8   CRC-8 over bytes 0..18: a torn write fails it
 *
 * Actual seconds = region0 + region1 + region2 (time while running, pauses excluded).
 */
export const RECORD_BYTES = 20;
export const FLAG_UPTIME = 8;

export interface LogRecord {
  seq: number;
  start: number;
  planned: number;
  regions: number[];
  program: number;
  end: number;
  uptime: boolean;
  boot: number;
  battery: number;
}

export const encodeRecord = (r: LogRecord, out: Uint8Array, o: number): void => {
  const g = r.regions;
  out.set(pack("442222111", [
    r.seq, r.start, r.planned, g[0], g[1], g[2], r.program, (r.end & 7) | (r.uptime ? FLAG_UPTIME : 0) | ((r.boot & 15) << 4),
    r.battery,
  ]), o);
  out[o + 19] = crc8(out, o, o + 19);
};

/** True when the 20 bytes at o are all 0xFF: an erased, never-written slot. */
export const isErased = (b: Uint8Array, o: number): boolean => {
  for (let i = 0; i < RECORD_BYTES; i++) if (b[o + i] !== 0xff) return false;
  return true;
};

/** Decodes a record, or returns null when its check value fails (torn or corrupt). */
export const decodeRecord = (b: Uint8Array, o: number): LogRecord | null => {
  if (b.length < o + RECORD_BYTES || crc8(b, o, o + 19) !== b[o + 19]) return null;
  const f = b[o + 17];
  return {
    seq: u32(b, o),
    start: u32(b, o + 4),
    planned: u16(b, o + 8),
    regions: [u16(b, o + 10), u16(b, o + 12), u16(b, o + 14)],
    program: b[o + 16],
    end: f & 7,
    uptime: (f & FLAG_UPTIME) !== 0,
    boot: f >> 4,
    battery: b[o + 18],
  };
};

export const actualSeconds = (r: LogRecord): number => {
  return r.regions[0] + r.regions[1] + r.regions[2];
};
