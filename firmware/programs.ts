import { PROGRAM_MAX_BYTES, SLOTS } from "../shared/limits";
import { SLOT_BASE, Status } from "../shared/codes";
import { pack, u16, u32, sub } from "../shared/bytes";
import { imageErrors } from "../shared/program";
import { PRESET_COUNT, presetBytes } from "../shared/presets";
import { J, J_SELECTED, S, jSet, rd } from "./store";
import { imageSeconds } from "./schedule";

/*
 * Programs: the presets (images in the bundle) and custom slots. One file per slot and generation,
 * "mprog" + slot + "." + gen:
 *
 *   0 crc32 u32 (over the program bytes) | 4 size u16 | 6 0xFFFF | 8 program bytes | 8+size marker
 *
 * The file is created at full size; the 4-byte commit marker is written last, after the CRC and the
 * shared validator passed. A slot's active program is its highest generation with a valid marker
 * and CRC, so until the marker is written the old program stays active, whatever power does.
 * At most one upload (the staging file) is in progress; the offset it reached is kept in RAM, and
 * after a reboot found again from flash (the end of its written bytes: a prefix, since writes go
 * in order; trailing 0xFF data bytes are simply written again, which changes nothing).
 * Programs are never decoded into objects: the device validates and plays the image by offset.
 */
const HDR = 8;
const MARK = 0x4b4f4b4d; // "MKOK"

/** Active generation per slot (-1: empty). */
const gens = new Int16Array(SLOTS);
/** The staging upload: slot (-1: none), generation, size, crc, bytes received (-1: unknown). */
let upSlot = -1;
let upGen = 0;
let upSize = 0;
let upCrc = 0;
let upNext = -1;
/** Why the last PROG_COMMIT was Invalid (a program.ts error tuple). */
export let progError: number[] = [];

const fname = (slot: number, gen: number): string => {
  return "mprog" + slot + "." + gen;
};

/** The program bytes of a committed file (marker and CRC checked), or undefined. */
const committed = (name: string): Uint8Array | undefined => {
  const b = rd(name);
  const n = b && b.length >= HDR ? u16(b, 4) : -5;
  if (!b || b.length !== HDR + n + 4 || u32(b, HDR + n) !== MARK || E.CRC32(sub(b, HDR, HDR + n)) !== u32(b, 0)) return;
  return sub(b, HDR, HDR + n);
};

/** The image of program id (a preset's from the bundle, a slot's from flash), or undefined. */
export const progImage = (id: number): Uint8Array | undefined => {
  if (id < PRESET_COUNT) return E.toUint8Array(presetBytes(id));
  const s = id - SLOT_BASE;
  if (s >= 0 && s < SLOTS && gens[s] >= 0) return committed(fname(s, gens[s]));
};

export const progInit = (): void => {
  gens.fill(-1);
  const names: string[] = S.list(/^mprog/);
  for (let k = 0; k < 2; k++) {
    for (let i = 0; i < names.length; i++) {
      const s = +names[i][5];
      const g = +names[i].substr(7);
      if (!(s < SLOTS)) S.erase(names[i]);
      else if (!k && g > gens[s] && committed(names[i])) gens[s] = g;
      else if (k && g !== gens[s]) {
        const b = rd(names[i]) as Uint8Array;
        // an older generation, a second upload, or a commit marker torn by a power cut (its bytes
        // cannot be written again; its first byte goes first, so an unwritten one is 0xFF):
        // dropped, so the next PROG_BEGIN starts that upload afresh
        if (g < gens[s] || upSlot >= 0 || b[HDR + u16(b, 4)] !== 0xff) S.erase(names[i]);
        else {
          upSlot = s;
          upGen = g;
          upCrc = u32(b, 0);
          upSize = u16(b, 4);
        }
      }
    }
  }
  if (!progImage(J[J_SELECTED])) jSet(J_SELECTED, 0);
};

/** PROG_LIST's body: selected, count, then id, steps, seconds, crc, name of each program. */
export const progList = (): Uint8Array => {
  const r = new Uint8Array(2 + (PRESET_COUNT + SLOTS) * 33);
  let o = 2;
  r[0] = J[J_SELECTED];
  for (let id = 0; id < SLOT_BASE + SLOTS; id++) {
    const b = progImage(id);
    if (!b) continue;
    r.set(pack("11241", [id, b[1], imageSeconds(b), E.CRC32(b), b[2]], sub(b, 3, 3 + b[2])), o);
    o += 9 + b[2];
    r[1]++;
  }
  return sub(r, 0, o);
};

export const progDelete = (id: number): number => {
  const s = id - SLOT_BASE;
  if (id < PRESET_COUNT) return Status.BadRequest;
  if (!progImage(id)) return Status.NoEntry;
  S.erase(fname(s, gens[s]));
  gens[s] = -1;
  if (J[J_SELECTED] === id) jSet(J_SELECTED, 0);
  return Status.Ok;
};

/** The reply body of PROG_BEGIN, PROG_WRITE and PROG_COMMIT's BadOffset: where the upload goes on (handler.ts sends it only with Ok or BadOffset). */
export const upReply = (): Uint8Array => {
  return pack("2", [upNext]);
};

/** PROG_BEGIN: a Status; upNext is then the offset to resume from. */
export const progBegin = (slot: number, size: number, crc: number): number => {
  if (slot >= SLOTS || !size) return Status.BadRequest;
  if (size > PROGRAM_MAX_BYTES) return Status.TooLarge;
  if (upSlot === slot && upSize === size && upCrc === crc) {
    if (upNext < 0) {
      const b = rd(fname(slot, upGen)) as Uint8Array;
      for (upNext = size; upNext > 0 && b[HDR + upNext - 1] === 0xff; ) upNext--;
    }
    return Status.Ok;
  }
  if (upSlot >= 0) S.erase(fname(upSlot, upGen));
  upSlot = -1;
  try {
    S.write(fname(slot, (upGen = gens[slot] + 1)), pack("422", [crc, size, 0xffff]), 0, HDR + size + 4);
  } catch (e) {
    return Status.NoSpace;
  }
  upSlot = slot;
  upSize = size;
  upCrc = crc;
  upNext = 0;
  return Status.Ok;
};

/** PROG_WRITE: Ok, BadOffset (upNext says where to go on), NoEntry, TooLarge. */
export const progWrite = (slot: number, offset: number, data: Uint8Array): number => {
  if (upSlot !== slot || upNext < 0) return Status.NoEntry;
  if (offset !== upNext) return Status.BadOffset;
  if (offset + data.length > upSize) return Status.TooLarge;
  S.write(fname(slot, upGen), data, HDR + offset);
  upNext += data.length;
  return Status.Ok;
};

/** PROG_COMMIT: CRC and validation, then the marker; Invalid leaves the reason in progError. */
export const progCommit = (slot: number): number => {
  if (upSlot !== slot || upNext < 0) return Status.NoEntry;
  if (upNext !== upSize) return Status.BadOffset;
  const name = fname(slot, upGen);
  const b = sub(rd(name) as Uint8Array, HDR, HDR + upSize);
  let st = Status.Corrupt;
  if (E.CRC32(b) === upCrc) {
    progError = imageErrors(b, 1)[0];
    st = progError ? Status.Invalid : Status.Ok;
  }
  upSlot = -1;
  if (st) {
    S.erase(name);
    return st;
  }
  S.write(name, pack("4", [MARK]), HDR + upSize);
  if (gens[slot] >= 0) S.erase(fname(slot, gens[slot]));
  gens[slot] = upGen;
  jSet(J_SELECTED, SLOT_BASE + slot);
  return Status.Ok;
};
