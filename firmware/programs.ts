import { LIMITS, PROGRAM_MAX_BYTES } from "../shared/limits";
import { SLOT_BASE, Status } from "../shared/codes";
import { crc32 } from "../shared/crc";
import { put16, put32, u16, u32 } from "../shared/bytes";
import { Program, decodeProgram, encodeProgram, totalSeconds } from "../shared/program";
import { validateProgram } from "../shared/validate";
import { PRESET_COUNT, presetProgram } from "../shared/presets";
import { ProgramEntry } from "../shared/messages";
import { Cell } from "./cell";
import { S, rd, rm, wr } from "./store";

/*
 * Custom program slots. One file per slot and generation, "mprog" + slot + "." + gen:
 *
 *   0 crc32 u32 (over the program bytes) | 4 size u16 | 6 0xFFFF | 8 program bytes | 8+size marker
 *
 * The file is created at full size; the 4-byte commit marker is written last, after the CRC and the
 * shared validator passed. A slot's active program is its highest generation with a valid marker
 * and CRC, so until the marker is written the old program stays active, whatever power does.
 * At most one upload (the staging file) is in progress; the offset it reached is kept in RAM and
 * recovered from flash after a reboot (the end of its written bytes).
 */
const HDR = 8;
const MARK = [0x4d, 0x4b, 0x4f, 0x4b];
const SLOTS = LIMITS.slots;

const act = new Int16Array(SLOTS);
let stSlot = -1;
let stGen = 0;
let stSize = 0;
let stCrc = 0;
/** Offset received so far; -1 when unknown (after a reboot: found from flash at PROG_BEGIN). */
let stNext = -1;
let sel: Cell;

function fname(slot: number, gen: number): string {
  return "mprog" + slot + "." + gen;
}

/** The program bytes of a committed file (marker and CRC checked), or undefined. */
function committed(name: string): Uint8Array | undefined {
  const b = rd(name);
  if (!b || b.length < HDR) return undefined;
  const n = u16(b, 4);
  if (b.length !== HDR + n + 4) return undefined;
  for (let i = 0; i < 4; i++) if (b[HDR + n + i] !== MARK[i]) return undefined;
  return crc32(b, HDR, HDR + n, 0) === u32(b, 0) ? b.subarray(HDR, HDR + n) : undefined;
}

export function progInit(): void {
  sel = new Cell("msel", 0);
  act.fill(-1);
  const names = S.list(/^mprog/);
  const slot: number[] = [];
  const gen: number[] = [];
  for (let i = 0; i < names.length; i++) {
    const s = parseInt(names[i].substr(5), 10);
    const g = parseInt(names[i].substr(7), 10);
    slot.push(s);
    gen.push(g);
    if (s >= 0 && s < SLOTS && g > act[s] && committed(names[i])) act[s] = g;
  }
  for (let i = 0; i < names.length; i++) {
    const s = slot[i];
    if (s >= 0 && s < SLOTS && gen[i] === act[s]) continue;
    if (s >= 0 && s < SLOTS && gen[i] > act[s] && stSlot < 0) {
      const b = rd(names[i]) as Uint8Array;
      stSlot = s;
      stGen = gen[i];
      stCrc = u32(b, 0);
      stSize = u16(b, 4);
      stNext = -1;
      continue;
    }
    rm(names[i]);
  }
  if (!progExists(sel.v)) sel.set(0);
}

/** The bytes of program `id` (presets encoded on the fly), or undefined. */
export function progBytes(id: number): Uint8Array | undefined {
  if (id < PRESET_COUNT) return encodeProgram(presetProgram(id) as Program);
  const s = id - SLOT_BASE;
  if (s < 0 || s >= SLOTS || act[s] < 0) return undefined;
  return committed(fname(s, act[s]));
}

export function progExists(id: number): boolean {
  const s = id - SLOT_BASE;
  return id < PRESET_COUNT || (s >= 0 && s < SLOTS && act[s] >= 0);
}

/** Program `id` decoded and validated again (a program is never obeyed beyond LIMITS), or a Status. */
export function progLoad(id: number): Program | number {
  const b = progBytes(id);
  if (!b) return Status.NoEntry;
  const p = decodeProgram(b);
  return typeof p === "string" || validateProgram(p).length ? Status.Invalid : p;
}

/** Ids in selection order: presets, then filled slots. */
export function progIds(): number[] {
  const r: number[] = [];
  for (let i = 0; i < PRESET_COUNT; i++) r.push(i);
  for (let s = 0; s < SLOTS; s++) if (act[s] >= 0) r.push(SLOT_BASE + s);
  return r;
}

export function progList(): ProgramEntry[] {
  const ids = progIds();
  const r: ProgramEntry[] = [];
  for (let i = 0; i < ids.length; i++) {
    const b = progBytes(ids[i]) as Uint8Array;
    const p = decodeProgram(b);
    if (typeof p === "string") continue;
    r.push({ id: ids[i], steps: p.steps.length, seconds: totalSeconds(p), crc: crc32(b, 0, b.length, 0), name: p.name });
  }
  return r;
}

export function selected(): number {
  return sel.v;
}

export function progSelect(id: number): number {
  if (!progExists(id)) return Status.NoEntry;
  sel.set(id);
  return Status.Ok;
}

export function progDelete(id: number): number {
  const s = id - SLOT_BASE;
  if (s < 0 || s >= SLOTS || act[s] < 0) return id < PRESET_COUNT ? Status.BadRequest : Status.NoEntry;
  rm(fname(s, act[s]));
  act[s] = -1;
  if (sel.v === id) sel.set(0);
  return Status.Ok;
}

const tmp = new Uint8Array(HDR);

/** PROG_BEGIN: a Status, and the offset to resume from. */
export function progBegin(slot: number, size: number, crc: number): { s: number; next: number } {
  if (slot >= SLOTS || size < 1) return { s: Status.BadRequest, next: 0 };
  if (size > PROGRAM_MAX_BYTES) return { s: Status.TooLarge, next: 0 };
  if (stSlot === slot && stSize === size && stCrc === crc) {
    if (stNext < 0) {
      const b = rd(fname(stSlot, stGen)) as Uint8Array;
      let n = HDR + size;
      while (n > HDR && b[n - 1] === 0xff) n--;
      stNext = n - HDR;
    }
    return { s: Status.Ok, next: stNext };
  }
  if (stSlot >= 0) rm(fname(stSlot, stGen));
  stSlot = -1;
  const g = act[slot] + 1;
  put32(tmp, 0, crc);
  put16(tmp, 4, size);
  tmp[6] = tmp[7] = 0xff;
  try {
    wr(fname(slot, g), tmp, 0, HDR + size + 4);
  } catch (e) {
    return { s: Status.NoSpace, next: 0 };
  }
  stSlot = slot;
  stGen = g;
  stSize = size;
  stCrc = crc;
  stNext = 0;
  return { s: Status.Ok, next: 0 };
}

/** PROG_WRITE: Ok, BadOffset (then progNext() says where to go on), NoEntry, TooLarge. */
export function progWrite(slot: number, offset: number, data: Uint8Array): number {
  if (stSlot !== slot || stNext < 0) return Status.NoEntry;
  if (offset !== stNext) return Status.BadOffset;
  if (offset + data.length > stSize) return Status.TooLarge;
  wr(fname(slot, stGen), data, HDR + offset);
  stNext += data.length;
  return Status.Ok;
}

export function progNext(): number {
  return stNext < 0 ? 0 : stNext;
}

/** PROG_COMMIT: Ok, or a Status with `progError` saying why (Invalid). */
export let progError = "";
export function progCommit(slot: number): number {
  if (stSlot !== slot || stNext < 0) return Status.NoEntry;
  if (stNext !== stSize) return Status.BadOffset;
  const name = fname(slot, stGen);
  const b = rd(name) as Uint8Array;
  let st = Status.Ok;
  if (crc32(b, HDR, HDR + stSize, 0) !== stCrc) st = Status.Corrupt;
  else {
    const p = decodeProgram(b.subarray(HDR, HDR + stSize));
    progError = typeof p === "string" ? p : validateProgram(p)[0] || "";
    if (progError) st = Status.Invalid;
  }
  stSlot = -1;
  if (st !== Status.Ok) {
    rm(name);
    return st;
  }
  wr(name, new Uint8Array(MARK), HDR + stSize);
  if (act[slot] >= 0) rm(fname(slot, act[slot]));
  act[slot] = stGen;
  sel.set(SLOT_BASE + slot);
  return Status.Ok;
}
