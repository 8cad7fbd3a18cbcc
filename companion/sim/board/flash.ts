/**
 * Flash: a byte-exact model of Espruino's `require("Storage")` on nRF52.
 *
 * Why: the firmware keeps its log and programs in 40 KB of flash with rules that Node's file
 * system does not have, and those rules are where firmware bugs hide. This model keeps a real
 * image of the storage area and applies the rules of Espruino's `jsflash.c` (2v2x):
 *
 * - Files sit one after another from the start of the area. Each has a 32-byte header
 *   (`uint32 size` whose top byte holds flags, then a 28-byte zero-padded name) and its data,
 *   padded to 4 bytes. File names are 1..28 bytes (longer names throw here; the board would
 *   silently truncate them, which is never what the firmware wants).
 * - `write(name, data, offset, size)` follows `jsfWriteFile`:
 *   - offset 0 (or no offset) creates the file (`size` bytes, or `data.length` without `size`),
 *     first erasing any file of that name, EXCEPT when a file of that name and size exists whose
 *     bytes are all still erased (then data is written into it), or whose whole content already
 *     equals `data` (then nothing is written at all);
 *   - offset > 0 writes into an existing file, only into bytes that are still erased (0xFF);
 *     otherwise it throws "File already written with different data" (the board checks for
 *     erased bytes, so rewriting even identical bytes at an offset throws, and so does this);
 *     a write past the file's end throws "Too much data for file size"; a missing file throws
 *     "Unable to find or create file".
 *   - When a new file does not fit at the end, Storage compacts automatically and retries; if it
 *     still does not fit, the write throws "Unable to find or create file" (Espruino raises an
 *     exception and `write` never returns false in that case, so neither does this).
 * - `erase(name)` zeroes the first 4 bytes of the name: the space stays used (trash) until
 *   `compact()` moves the live files down and erases the freed pages.
 * - `getFree()` is the space after the last file (trash is not counted until compacted).
 *
 * Fault injection: `writeCount` counts mutating flash operations (each `write` that changes a
 * byte, and each `erase`). `failAfterWrites(n)` makes the n-th such operation from now tear: a
 * write leaves its header and only the first `tornBytes` bytes of its data, an erase does not
 * happen, and a `PowerLossError` is thrown (the VirtualDevice turns that into a power cut).
 * `compact()` and `eraseAll()` are not counted and never tear (kept atomic on purpose).
 *
 * The Flash object is independent of any vm context: it survives reboots and power cuts, exactly
 * like the chip's flash, and `.bootcde` is a file in it like on the board.
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { Random, randomInt, seededRandom } from "./prng.js";

/** Espruino's storage header: uint32 size|flags<<24, then a 28-byte name. */
export const FILE_HEADER_BYTES = 32;
/** Longest file name Storage accepts. */
const MAX_NAME_LENGTH = 28;
/** nRF52 flash writes whole 32-bit words: file data is padded to this. */
const FLASH_ALIGNMENT = 4;
/** Storage area of MDBT42Q and Puck.js: 10 pages of 4 KB. */
const DEFAULT_FLASH_BYTES = 40 * 1024;
const DEFAULT_PAGE_BYTES = 4096;

const IMAGE_MAGIC = "VFLASH01";
const IMAGE_HEADER_BYTES = 16;
const ERASED_WORD = 0xffffffff;

/** Thrown by a flash operation that was cut by injected power loss. */
export class PowerLossError extends Error {
  /** The operation number (1-based since the Flash was made) that was torn. */
  readonly writeIndex: number;
  constructor(message: string, writeIndex: number) {
    super(message);
    this.name = "PowerLossError";
    this.writeIndex = writeIndex;
  }
}

/** Data accepted by `write`: like Espruino, strings are bytes (char codes & 0xFF). */
export type FlashData = string | ArrayBuffer | ArrayBufferView | ArrayLike<number> | number | object;

export interface FlashOptions {
  /** Size of the storage area in bytes (default 40 KB). Must be a multiple of `pageSize`. */
  size?: number;
  /** Flash page size in bytes (default 4096). */
  pageSize?: number;
  /** Seed for the default torn-write length. */
  seed?: number;
}

export interface FaultOptions {
  /** Bytes of data the torn write still writes (default: seeded random, less than the data length). */
  tornBytes?: number;
}

/** What `getStats()` returns (same fields as Espruino's `Storage.getStats()`). */
export interface FlashStats {
  totalBytes: number;
  freeBytes: number;
  fileBytes: number;
  fileCount: number;
  trashBytes: number;
  trashCount: number;
}

/** One entry of `debugFiles()`. */
export interface FlashFileInfo {
  name: string;
  /** Address of the header inside the storage area. */
  addr: number;
  size: number;
  deleted: boolean;
}

interface Entry {
  addr: number;
  size: number;
  name: string;
  deleted: boolean;
}

export class Flash {
  readonly size: number;
  readonly pageSize: number;
  private mem: Uint8Array;
  private rnd: Random;
  /** Mutating operations done so far (writes that changed bytes, and erases). */
  writeCount = 0;
  /** Counters for wear and cost: compaction is slow on a real device. */
  readonly stats = { compactions: 0, autoCompactions: 0, pageErases: 0, bytesWritten: 0 };
  private fault?: { remaining: number; tornBytes?: number };
  /** Called before a PowerLossError is thrown (the VirtualDevice cuts the power here). */
  onPowerLoss?: (err: PowerLossError) => void;
  /** Called after every change to the image (the simulator saves the file-backed flash here). */
  onChange?: () => void;

  constructor(opts: FlashOptions = {}) {
    this.pageSize = opts.pageSize ?? DEFAULT_PAGE_BYTES;
    this.size = opts.size ?? DEFAULT_FLASH_BYTES;
    if (this.pageSize <= 0 || this.pageSize % FLASH_ALIGNMENT !== 0) throw new Error(`bad page size ${this.pageSize}`);
    if (this.size <= 0 || this.size % this.pageSize !== 0) {
      throw new Error(`flash size ${this.size} must be a positive multiple of the page size ${this.pageSize}`);
    }
    this.mem = new Uint8Array(this.size).fill(0xff);
    this.rnd = seededRandom(opts.seed ?? 0x5eed);
  }

  // ------------------------------------------------------------------ Storage API

  /** `Storage.write`: see the file comment for the exact rules. Returns true or throws. */
  write(name: string, data: FlashData, offset?: number, size?: number): boolean {
    const fname = checkName(name);
    let off = toInt(offset);
    let fileSize = toInt(size);
    if (isPlainObject(data)) {
      // Espruino writes objects as JSON, always as a whole new file.
      data = JSON.stringify(data);
      off = 0;
      fileSize = 0;
    }
    if (off < 0 || fileSize < 0) return false;
    const bytes = toBytes(data);
    if (fileSize === 0) fileSize = bytes.length;
    if (fileSize === 0) throw new Error("Can't create zero length file");
    if (fileSize > 0xffffff) throw new Error("File too big");

    let entry = this.find(fname);
    if (off === 0 && (!entry || entry.size !== fileSize || !this.isErased(entry.addr + FILE_HEADER_BYTES, fileSize))) {
      if (entry && entry.size === fileSize && bytes.length === fileSize && this.isEqual(entry.addr + FILE_HEADER_BYTES, bytes)) {
        return true; // identical content: nothing to write
      }
      entry = this.create(fname, fileSize, bytes, entry);
      return true;
    }
    if (!entry) throw new Error("Unable to find or create file");
    if (off + bytes.length > entry.size) throw new Error("Too much data for file size");
    const at = entry.addr + FILE_HEADER_BYTES + off;
    if (!this.isErased(at, bytes.length)) throw new Error("File already written with different data");
    if (bytes.every((b) => b === 0xff)) return true; // writing erased bytes changes nothing
    this.mutate(`write "${fname}" @${off}`, bytes.length, (torn) => {
      this.program(at, torn === undefined ? bytes : bytes.subarray(0, torn));
    });
    return true;
  }

  /** `Storage.writeJSON`. */
  writeJSON(name: string, data: unknown): boolean {
    return this.write(name, JSON.stringify(data) ?? "undefined");
  }

  /** `Storage.read`: a binary string (char codes 0..255), or undefined if there is no such file. */
  read(name: string, offset?: number, length?: number): string | undefined {
    const bytes = this.readBytes(name, offset, length);
    return bytes === undefined ? undefined : bytesToBinaryString(bytes);
  }

  /** The file's bytes (a copy), clipped like `Storage.read`; undefined if there is no such file. */
  readBytes(name: string, offset?: number, length?: number): Uint8Array | undefined {
    const entry = this.find(checkName(name));
    if (!entry) return undefined;
    let off = Math.max(0, toInt(offset));
    let len = toInt(length);
    if (len <= 0) len = entry.size;
    if (off > entry.size) off = entry.size;
    if (off + len > entry.size) len = entry.size - off;
    const start = entry.addr + FILE_HEADER_BYTES + off;
    return this.mem.slice(start, start + Math.max(0, len));
  }

  /** `Storage.readArrayBuffer`: a copy of the whole file. */
  readArrayBuffer(name: string): ArrayBuffer | undefined {
    return this.readBytes(name)?.buffer as ArrayBuffer | undefined;
  }

  /** `Storage.readJSON(name, noExceptions)`; `parse` lets the firmware's realm make the objects. */
  readJSON(name: string, noExceptions?: boolean, parse: (s: string) => unknown = JSON.parse): unknown {
    const s = this.read(name);
    if (s === undefined) return undefined;
    try {
      return parse(s);
    } catch (e) {
      if (noExceptions) return undefined;
      throw e;
    }
  }

  /** `Storage.erase`: marks the file as trash (space comes back only with `compact`). */
  erase(name: string): void {
    const entry = this.find(checkName(name));
    if (!entry) return;
    this.mutate(`erase "${entry.name}"`, 0, (torn) => {
      if (torn === undefined) this.mem.fill(0, entry.addr + 4, entry.addr + 8);
    });
  }

  /** `Storage.list(regex)`: names of live files, in storage order. */
  list(regex?: RegExp | string): string[] {
    const re = typeof regex === "string" ? new RegExp(regex) : regex;
    return this.entries()
      .filter((e) => !e.deleted)
      .map((e) => e.name)
      .filter((n) => !re || (re.lastIndex = 0, re.test(n)));
  }

  /** `Storage.getFree()`: bytes after the last file (what the largest new file can use, header included). */
  getFree(): number {
    return this.size - this.endOfFiles();
  }

  /** `Storage.getStats()`. */
  getStats(): FlashStats {
    const s: FlashStats = { totalBytes: this.size, freeBytes: this.getFree(), fileBytes: 0, fileCount: 0, trashBytes: 0, trashCount: 0 };
    for (const e of this.entries()) {
      const bytes = FILE_HEADER_BYTES + align(e.size);
      if (e.deleted) {
        s.trashBytes += bytes;
        s.trashCount++;
      } else {
        s.fileBytes += bytes;
        s.fileCount++;
      }
    }
    return s;
  }

  /** `Storage.compact()`: move live files to the start and erase what is left. Counted in `stats`. */
  compact(): void {
    const entries = this.entries();
    if (!entries.some((e) => e.deleted)) return;
    const live = entries.filter((e) => !e.deleted).map((e) => this.mem.slice(e.addr, e.addr + FILE_HEADER_BYTES + align(e.size)));
    const oldEnd = this.endOfFiles();
    let at = 0;
    const next = new Uint8Array(this.size).fill(0xff);
    for (const chunk of live) {
      next.set(chunk, at);
      at += chunk.length;
    }
    this.mem.set(next.subarray(0, oldEnd), 0);
    this.stats.compactions++;
    this.stats.pageErases += Math.ceil(oldEnd / this.pageSize);
    this.changed();
  }

  /** `Storage.eraseAll()`. */
  eraseAll(): void {
    const used = this.endOfFiles();
    this.mem.fill(0xff);
    this.stats.pageErases += Math.ceil(used / this.pageSize);
    this.changed();
  }

  // ------------------------------------------------------------------ host-side helpers

  /** Whether a live file of that name exists. */
  exists(name: string): boolean {
    return this.find(checkName(name)) !== undefined;
  }

  /** Every header in storage order, trash included. */
  debugFiles(): FlashFileInfo[] {
    return this.entries().map((e) => ({ name: e.name, addr: e.addr, size: e.size, deleted: e.deleted }));
  }

  /**
   * Arm a power cut: the `n`-th mutating operation from now (1 = the next one) tears and throws
   * `PowerLossError`. See the file comment for what a torn operation leaves behind.
   */
  failAfterWrites(n: number, opts: FaultOptions = {}): void {
    if (!(n >= 1)) throw new RangeError("failAfterWrites(n): n must be >= 1");
    this.fault = { remaining: Math.floor(n), tornBytes: opts.tornBytes };
  }

  /** Disarm a pending `failAfterWrites`. */
  cancelFault(): void {
    this.fault = undefined;
  }

  /** Whether a power cut is armed. */
  get faultArmed(): boolean {
    return this.fault !== undefined;
  }

  /**
   * Simulate a nearly full flash: add a filler file ("~filler") so that `getFree()` becomes
   * `bytesFree` (rounded up to the 4-byte alignment; not counted in `writeCount`).
   */
  fillTo(bytesFree: number): void {
    const free = this.getFree();
    const want = align(Math.max(0, bytesFree));
    const use = free - want;
    if (use < FILE_HEADER_BYTES + FLASH_ALIGNMENT) {
      if (use === 0) return;
      throw new Error(`fillTo(${bytesFree}): only ${free} bytes free`);
    }
    let name = "~filler";
    for (let i = 2; this.find(name); i++) name = `~filler${i}`;
    const at = this.endOfFiles();
    const size = use - FILE_HEADER_BYTES;
    this.writeHeader(at, name, size);
    this.mem.fill(0, at + FILE_HEADER_BYTES, at + FILE_HEADER_BYTES + size);
    this.changed();
  }

  /** A copy of the whole storage area (raw bytes, no image header). */
  raw(): Uint8Array {
    return this.mem.slice();
  }

  /** An independent copy (same content, counters reset). */
  clone(): Flash {
    return Flash.fromBuffer(this.toBuffer());
  }

  /** A single image of the flash: 16-byte header ("VFLASH01", page size, page count) + raw bytes. */
  toBuffer(): Uint8Array {
    const out = new Uint8Array(IMAGE_HEADER_BYTES + this.size);
    for (let i = 0; i < IMAGE_MAGIC.length; i++) out[i] = IMAGE_MAGIC.charCodeAt(i);
    const dv = new DataView(out.buffer);
    dv.setUint32(8, this.pageSize, true);
    dv.setUint32(12, this.size / this.pageSize, true);
    out.set(this.mem, IMAGE_HEADER_BYTES);
    return out;
  }

  /** Rebuild a Flash from `toBuffer()` output (or a raw image whose length is a multiple of 4 KB). */
  static fromBuffer(buf: Uint8Array, opts: { seed?: number } = {}): Flash {
    const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    let pageSize = DEFAULT_PAGE_BYTES;
    let raw = bytes;
    if (bytes.length >= IMAGE_HEADER_BYTES && String.fromCharCode(...bytes.subarray(0, 8)) === IMAGE_MAGIC) {
      const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      pageSize = dv.getUint32(8, true);
      const pages = dv.getUint32(12, true);
      raw = bytes.subarray(IMAGE_HEADER_BYTES);
      if (raw.length !== pageSize * pages) throw new Error(`flash image: expected ${pageSize * pages} bytes, got ${raw.length}`);
    }
    const f = new Flash({ size: raw.length, pageSize, seed: opts.seed });
    f.mem.set(raw);
    return f;
  }

  /** Save the image to a file (written to a temporary file, then renamed, so a crash never truncates it). */
  saveTo(path: string): void {
    const tmp = `${path}.tmp`;
    writeFileSync(tmp, this.toBuffer());
    renameSync(tmp, path);
  }

  /** Load an image saved by `saveTo`. */
  static loadFrom(path: string, opts: { seed?: number } = {}): Flash {
    return Flash.fromBuffer(new Uint8Array(readFileSync(path)), opts);
  }

  // ------------------------------------------------------------------ internals

  /** Parse all headers from the start of the area. */
  private entries(): Entry[] {
    const out: Entry[] = [];
    let addr = 0;
    const dv = new DataView(this.mem.buffer, this.mem.byteOffset, this.mem.byteLength);
    while (addr + FILE_HEADER_BYTES <= this.size) {
      const word = dv.getUint32(addr, true);
      if (word === ERASED_WORD || word === 0) break;
      const size = word & 0xffffff;
      if (addr + FILE_HEADER_BYTES + size > this.size) break; // corrupt header: stop like jsfGetFileHeader
      const deleted = dv.getUint32(addr + 4, true) === 0;
      out.push({ addr, size, deleted, name: deleted ? "" : this.nameAt(addr) });
      addr += FILE_HEADER_BYTES + align(size);
    }
    return out;
  }

  private nameAt(addr: number): string {
    let s = "";
    for (let i = 0; i < MAX_NAME_LENGTH; i++) {
      const c = this.mem[addr + 4 + i];
      if (c === 0) break;
      s += String.fromCharCode(c);
    }
    return s;
  }

  private find(name: string): Entry | undefined {
    return this.entries().find((e) => !e.deleted && e.name === name);
  }

  private endOfFiles(): number {
    const all = this.entries();
    const last = all[all.length - 1];
    return last ? last.addr + FILE_HEADER_BYTES + align(last.size) : 0;
  }

  private isErased(at: number, len: number): boolean {
    for (let i = 0; i < len; i++) if (this.mem[at + i] !== 0xff) return false;
    return true;
  }

  private isEqual(at: number, bytes: Uint8Array): boolean {
    for (let i = 0; i < bytes.length; i++) if (this.mem[at + i] !== bytes[i]) return false;
    return true;
  }

  /** Create a file (erasing `old` first, like jsfWriteFile), compacting once if it does not fit. */
  private create(name: string, size: number, data: Uint8Array, old: Entry | undefined): Entry {
    const need = FILE_HEADER_BYTES + align(size);
    const liveAfter = this.getStats().fileBytes - (old ? FILE_HEADER_BYTES + align(old.size) : 0);
    if (liveAfter + need > this.size) {
      // Even compaction cannot make room. Like jsfWriteFile, the old file is erased first anyway.
      if (old) this.erase(name);
      throw new Error("Unable to find or create file");
    }
    let result: Entry | undefined;
    this.mutate(`create "${name}" (${size} bytes)`, data.length, (torn) => {
      if (old) this.mem.fill(0, old.addr + 4, old.addr + 8); // erase the old file first
      let at = this.endOfFiles();
      if (at + need > this.size) {
        this.compact();
        this.stats.autoCompactions++;
        at = this.endOfFiles();
      }
      this.writeHeader(at, name, size);
      this.program(at + FILE_HEADER_BYTES, torn === undefined ? data : data.subarray(0, torn));
      result = { addr: at, size, name, deleted: false };
    });
    return result!;
  }

  private writeHeader(at: number, name: string, size: number): void {
    const dv = new DataView(this.mem.buffer, this.mem.byteOffset, this.mem.byteLength);
    dv.setUint32(at, size & 0xffffff, true);
    for (let i = 0; i < MAX_NAME_LENGTH; i++) this.mem[at + 4 + i] = i < name.length ? name.charCodeAt(i) : 0;
  }

  /** Program bytes into flash: like NOR flash, bits can only go from 1 to 0. */
  private program(at: number, bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) this.mem[at + i] &= bytes[i];
    this.stats.bytesWritten += bytes.length;
  }

  /**
   * Run one counted flash operation. `op(torn)` receives undefined normally, or the number of
   * data bytes to keep when this operation is the one cut by an armed fault.
   */
  private mutate(what: string, dataLength: number, op: (torn: number | undefined) => void): void {
    this.writeCount++;
    const fault = this.fault;
    if (fault && --fault.remaining <= 0) {
      this.fault = undefined;
      const torn = Math.min(
        dataLength,
        Math.max(0, fault.tornBytes ?? (dataLength > 0 ? randomInt(this.rnd, dataLength) : 0)),
      );
      op(torn);
      this.changed();
      const err = new PowerLossError(`power lost during flash ${what} (operation ${this.writeCount}, ${torn} of ${dataLength} bytes written)`, this.writeCount);
      this.onPowerLoss?.(err);
      throw err;
    }
    op(undefined);
    this.changed();
  }

  private changed(): void {
    this.onChange?.();
  }
}

// ------------------------------------------------------------------ conversions (exported for the globals)

/** Round up to the flash write alignment. */
export function align(n: number): number {
  return (n + FLASH_ALIGNMENT - 1) & ~(FLASH_ALIGNMENT - 1);
}

function checkName(name: unknown): string {
  const s = String(name);
  if (s.length === 0) throw new Error("Storage file name must not be empty");
  if (s.length > MAX_NAME_LENGTH) throw new Error(`Storage file name "${s}" is longer than ${MAX_NAME_LENGTH} characters`);
  return s;
}

function toInt(v: unknown): number {
  const n = Number(v);
  return Number.isFinite(n) ? Math.trunc(n) : 0;
}

function isPlainObject(v: unknown): v is object {
  if (v === null || typeof v !== "object") return false;
  if (Array.isArray(v) || ArrayBuffer.isView(v)) return false;
  const tag = Object.prototype.toString.call(v);
  return tag !== "[object ArrayBuffer]" && tag !== "[object SharedArrayBuffer]" && !("length" in (v as object));
}

/**
 * Convert data the way Espruino's Storage does: strings as bytes (char code & 0xFF), typed
 * arrays/DataView/ArrayBuffer as their bytes, arrays of numbers as bytes, anything else as
 * its string form. Works for values from any vm realm (no `instanceof`).
 */
export function toBytes(data: unknown): Uint8Array {
  if (typeof data === "string") {
    const out = new Uint8Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = data.charCodeAt(i) & 0xff;
    return out;
  }
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  const tag = Object.prototype.toString.call(data);
  if (tag === "[object ArrayBuffer]" || tag === "[object SharedArrayBuffer]") return new Uint8Array(data as ArrayBuffer).slice();
  if (data !== null && typeof data === "object" && typeof (data as ArrayLike<number>).length === "number") {
    const a = data as ArrayLike<number>;
    const out = new Uint8Array(a.length);
    for (let i = 0; i < a.length; i++) out[i] = Number(a[i]) & 0xff;
    return out;
  }
  return toBytes(String(data));
}

/** Bytes to a binary string (one char per byte), in chunks to stay under argument limits. */
export function bytesToBinaryString(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}
