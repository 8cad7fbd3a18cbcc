import { pack, u32 } from "../shared/bytes";
import { crc8 } from "./crc8";

/*
 * Flash: the one Storage handle; a file's bytes (memory-mapped on the device, no RAM copy) or
 * undefined; and the journal, where the firmware keeps its small durable values (J_* below).
 *
 * Storage writes only into erased bytes (0xFF), so a value is never rewritten in place: each change is
 * a new 8-byte slot appended to the journal file jName(f) (f = 0 or 1), JOURNAL_SLOTS slots long:
 *
 *   0 key u8 | 1 value u32 | 5 crc8 over bytes 0..4 | 6 0x00 | 7 0x00
 *
 * A file is started with its header (slot 0, key J_GEN: its generation; the write that creates the
 * file), then every current value, then a slot saying it is complete (key J_DONE, the same
 * generation): a file without one is a start that a power cut interrupted, ignored and erased. At load
 * the complete file with the higher generation is replayed in order (the last valid slot of a key
 * wins; a slot torn by a power cut fails its crc and is skipped). A file is started again, with the current values,
 * in the other name once it is half full (then the old one is erased): the half left is the margin that
 * keeps the values writable while the flash is too full to start a file; when even that is used up a
 * new value lives in RAM until there is room (set() says false).
 */
export const S = require("Storage");

export const rd = (name: string): Uint8Array | undefined => {
  const a = S.readArrayBuffer(name);
  return a && new Uint8Array(a);
};

/** The journal's keys: indices into J. */
export const J_ACK = 0;
export const J_UNLOGGED = 1;
export const J_SELECTED = 2;
export const J_FLAGS = 3;
export const J_LOG_ID = 4;
/** The RequireBond passkey of firmware before protocol 2, + 1 (0: none): it may pair once. */
export const J_PASSKEY = 5;
const J_KEYS = 6;
const J_GEN = 0xfe;
const J_DONE = 0xfd;
const SLOT = 8;
const JOURNAL_SLOTS = 32;

/** The values (0 until set). */
export const J = new Uint32Array(J_KEYS + 1);
/** Which file is current, the next free slot's offset in it, and the keys (bits) whose value is only in RAM. */
let jf = 0;
let jo = SLOT;
let dirty = 0;

const jName = (f: number): string => {
  return "mcfg" + f;
};

const slot = (key: number, v: number): Uint8Array => {
  const b = pack("14111", [key, v, 0, 0, 0]);
  b[5] = crc8(b, 0, 5);
  return b;
};

/**
 * Starts the journal afresh in file f: header, every value, the complete mark; then erases the other
 * file. False when the flash has no room for it (the current file stays).
 */
const jStart = (f: number): boolean => {
  const n = jName(f);
  const g = J[J_KEYS] + 1;
  try {
    if (rd(n)) S.erase(n);
    S.write(n, slot(J_GEN, g), 0, SLOT * JOURNAL_SLOTS);
    let o = SLOT;
    for (let k = 0; k < J_KEYS; k++) if (J[k]) S.write(n, slot(k, J[k]), (o += SLOT) - SLOT);
    S.write(n, slot(J_DONE, g), (o += SLOT) - SLOT);
    J[J_KEYS] = g;
    S.erase(jName(f ^ 1));
    jf = f;
    jo = o;
    dirty = 0;
    return true;
  } catch (e) {
    return false;
  }
};

/**
 * Stores value v under key k (and any value an earlier call could not store). False when the flash
 * had no room: v is kept in RAM, and written with the next value that finds room.
 */
export const jSet = (k: number, v: number): boolean => {
  if (J[k] === v && !((dirty >> k) & 1)) return true;
  J[k] = v;
  dirty |= 1 << k;
  // half full: start afresh in the other file with every value (the half left is the margin)
  if (jo >= (SLOT * JOURNAL_SLOTS) / 2 && jStart(jf ^ 1)) return true;
  for (let i = 0; i < J_KEYS; i++)
    if ((dirty >> i) & 1)
      try {
        S.write(jName(jf), slot(i, J[i]), jo, SLOT * JOURNAL_SLOTS);
        jo += SLOT;
        dirty &= ~(1 << i);
      } catch (e) {
        // no room: it stays in RAM (dirty)
      }
  return !((dirty >> k) & 1);
};

/**
 * Loads the journal. `legacy` reads the values of firmware before protocol 2 (one file pair per
 * value) when there is no journal yet; they are then written into a new journal and their files go.
 */
export const jLoad = (legacy: (k: number) => number): void => {
  let best = -1;
  for (let f = 0; f < 2; f++) {
    const b = rd(jName(f));
    let done = false;
    for (let o = SLOT; b && o < b.length; o += SLOT) if (b[o] === J_DONE && crc8(b, o, o + 5) === b[o + 5] && u32(b, o + 1) === u32(b, 1)) done = true;
    if (b && done && b[0] === J_GEN && crc8(b, 0, 5) === b[5] && u32(b, 1) > best) {
      best = u32(b, 1);
      jf = f;
    }
  }
  const b = rd(jName(jf));
  if (best < 0 || !b) {
    for (let k = 0; k < J_KEYS; k++) J[k] = legacy(k);
    jStart(0);
    return;
  }
  J[J_KEYS] = best;
  // the next slot goes after the last one that holds any written byte (a torn write leaves some)
  for (let o = SLOT; o < b.length; o += SLOT) {
    for (let i = 0; i < SLOT; i++) if (b[o + i] !== 0xff) jo = o + SLOT;
    if (b[o] < J_KEYS && b[o + 6] === 0 && crc8(b, o, o + 5) === b[o + 5]) J[b[o]] = u32(b, o + 1);
  }
  if (rd(jName(jf ^ 1))) S.erase(jName(jf ^ 1));
};
