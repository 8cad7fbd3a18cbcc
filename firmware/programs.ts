import { PROGRAM_MAX_BYTES, SLOTS } from "../shared/limits";
import { SLOT_BASE, Status } from "../shared/codes";
import { crc32 } from "../shared/crc";
import { pack, u16, u32 } from "../shared/bytes";
import { Program, readProgram, totalSeconds } from "../shared/program";
import { programErrors } from "../shared/validate";
import { PRESET_COUNT, presetImage } from "../shared/presets";
import { ProgramEntry } from "../shared/messages";
import { Cell } from "./cell";
import { S, rd } from "./store";

/*
 * Custom program slots. One file per slot and generation, "mprog" + slot + "." + gen:
 *
 *   0 crc32 u32 (over the program bytes) | 4 size u16 | 6 0xFFFF | 8 program bytes | 8+size marker
 *
 * The file is created at full size; the 4-byte commit marker is written last, after the CRC and the
 * shared validator passed. A slot's active program is its highest generation with a valid marker
 * and CRC, so until the marker is written the old program stays active, whatever power does.
 * At most one upload (the staging file) is in progress; the offset it reached is kept in RAM, and
 * after a reboot found again from flash (the end of its written bytes: a prefix, since writes go
 * in order; trailing 0xFF data bytes are simply written again, which changes nothing).
 */
const HDR = 8;
const MARK = new Uint8Array([0x4d, 0x4b, 0x4f, 0x4b]);

/** Active generation per slot (-1: empty). */
const act = new Int16Array(SLOTS);
/** The staging upload: slot (-1: none), generation, size, crc, bytes received (-1: unknown). */
let stSlot = -1;
let stGen = 0;
let stSize = 0;
let stCrc = 0;
export let stNext = -1;
/** The selected program id; why the last PROG_COMMIT was Invalid (program.ts error tuple). */
export let selCell: Cell;
export let progError: number[] | undefined;

const fname = (slot: number, gen: number): string => {
  return "mprog" + slot + "." + gen;
};

/** The program bytes of a committed file (marker and CRC checked), or undefined. */
const committed = (name: string): Uint8Array | undefined => {
  const b = rd(name);
  const n = b && b.length >= HDR ? u16(b, 4) : -5;
  if (!b || b.length !== HDR + n + 4 || u32(b, HDR + n) !== u32(MARK, 0) || crc32(b, HDR, HDR + n, 0) !== u32(b, 0)) return;
  return b.subarray(HDR, HDR + n);
};

export const progInit = (): void => {
  selCell = new Cell("msel", 0);
  act.fill(-1);
  const names: string[] = S.list(/^mprog/);
  for (let k = 0; k < 2; k++) {
    for (let i = 0; i < names.length; i++) {
      const s = +names[i][5];
      const g = +names[i].substr(7);
      if (!(s < SLOTS)) S.erase(names[i]);
      else if (!k && g > act[s] && committed(names[i])) act[s] = g;
      else if (k && g !== act[s]) {
        const b = rd(names[i]) as Uint8Array;
        // an older generation, a second upload, or a commit marker torn by a power cut (its bytes
        // cannot be written again): dropped, so the next PROG_BEGIN starts that upload afresh
        if (g < act[s] || stSlot >= 0 || u32(b, HDR + u16(b, 4)) !== 0xffffffff) S.erase(names[i]);
        else {
          stSlot = s;
          stGen = g;
          stCrc = u32(b, 0);
          stSize = u16(b, 4);
        }
      }
    }
  }
  if (!progExists(selCell.v)) selCell.set(0);
};

/** The bytes of program id (presets encoded on the fly), or undefined. */
export const progBytes = (id: number): Uint8Array | undefined => {
  if (id < PRESET_COUNT) return presetImage(id);
  if (progExists(id)) return committed(fname(id - SLOT_BASE, act[id - SLOT_BASE]));
};

/** Ids between the presets and SLOT_BASE name nothing: never index `act` with them (Espruino throws on a negative index). */
export const progExists = (id: number): boolean => {
  return id < PRESET_COUNT || (id >= SLOT_BASE && id < SLOT_BASE + SLOTS && act[id - SLOT_BASE] >= 0);
};

/** Program id decoded and validated again (a program is never obeyed beyond the limits), or a Status. */
export const progLoad = (id: number): Program | number => {
  const b = progBytes(id);
  if (!b) return Status.NoEntry;
  const p = readProgram(b);
  return Array.isArray(p) || programErrors(p).length ? Status.Invalid : p;
};

/** Ids in selection order: presets, then filled slots. */
export const progIds = (): number[] => {
  const r: number[] = [];
  for (let i = 0; i < SLOT_BASE + SLOTS; i++) if (progExists(i)) r.push(i);
  return r;
};

export const progList = (): ProgramEntry[] => {
  return progIds().map((id) => {
    const b = progBytes(id) as Uint8Array;
    const p = readProgram(b) as Program;
    return { id: id, steps: p.steps.length, seconds: totalSeconds(p), crc: crc32(b, 0, b.length, 0), name: p.name };
  });
};

export const progSelect = (id: number): number => {
  if (!progExists(id)) return Status.NoEntry;
  selCell.set(id);
  return Status.Ok;
};

export const progDelete = (id: number): number => {
  if (id < PRESET_COUNT) return Status.BadRequest;
  if (!progExists(id)) return Status.NoEntry;
  S.erase(fname(id - SLOT_BASE, act[id - SLOT_BASE]));
  act[id - SLOT_BASE] = -1;
  if (selCell.v === id) selCell.set(0);
  return Status.Ok;
};

/** PROG_BEGIN: a Status; stNext is then the offset to resume from. */
export const progBegin = (slot: number, size: number, crc: number): number => {
  if (slot >= SLOTS || !size) return Status.BadRequest;
  if (size > PROGRAM_MAX_BYTES) return Status.TooLarge;
  if (stSlot === slot && stSize === size && stCrc === crc) {
    if (stNext < 0) {
      const b = rd(fname(slot, stGen)) as Uint8Array;
      for (stNext = size; stNext > 0 && b[HDR + stNext - 1] === 0xff; ) stNext--;
    }
    return Status.Ok;
  }
  if (stSlot >= 0) S.erase(fname(stSlot, stGen));
  stSlot = -1;
  try {
    S.write(fname(slot, (stGen = act[slot] + 1)), pack("422", [crc, size, 0xffff]), 0, HDR + size + 4);
  } catch (e) {
    return Status.NoSpace;
  }
  stSlot = slot;
  stSize = size;
  stCrc = crc;
  stNext = 0;
  return Status.Ok;
};

/** PROG_WRITE: Ok, BadOffset (stNext says where to go on), NoEntry, TooLarge. */
export const progWrite = (slot: number, offset: number, data: Uint8Array): number => {
  if (stSlot !== slot || stNext < 0) return Status.NoEntry;
  if (offset !== stNext) return Status.BadOffset;
  if (offset + data.length > stSize) return Status.TooLarge;
  S.write(fname(slot, stGen), data, HDR + offset);
  stNext += data.length;
  return Status.Ok;
};

/** PROG_COMMIT: CRC, decode and validation, then the marker; Invalid leaves the reason in progError. */
export const progCommit = (slot: number): number => {
  if (stSlot !== slot || stNext < 0) return Status.NoEntry;
  if (stNext !== stSize) return Status.BadOffset;
  const name = fname(slot, stGen);
  const b = rd(name) as Uint8Array;
  let st = Status.Corrupt;
  if (crc32(b, HDR, HDR + stSize, 0) === stCrc) {
    const p = readProgram(b.subarray(HDR, HDR + stSize));
    progError = Array.isArray(p) ? p : programErrors(p)[0];
    st = progError ? Status.Invalid : Status.Ok;
  }
  stSlot = -1;
  if (st) {
    S.erase(name);
    return st;
  }
  S.write(name, MARK, HDR + stSize);
  if (act[slot] >= 0) S.erase(fname(slot, act[slot]));
  act[slot] = stGen;
  selCell.set(SLOT_BASE + slot);
  return Status.Ok;
};
