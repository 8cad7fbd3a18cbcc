import { crc8 } from "../shared/crc";
import { pack, u16, u32 } from "../shared/bytes";
import { S, rd } from "./store";

/*
 * A durable small value (u32) in flash that survives power loss at any write. Two files, name + "0"
 * and name + "1", of CELL_SLOTS fixed 8-byte slots filled in order into erased bytes:
 *
 *   0 value u32 | 4 generation u16 | 6 crc8 over bytes 0..5 | 7 0x00
 *
 * The current value is the valid slot with the highest generation (a torn slot fails its check and
 * is skipped). When the file is full, the next generation goes into slot 0 of the other file, then
 * the full one is erased; at load, whichever file does not hold the newest slot is erased.
 * Generations are u16: 65535 writes of one cell (decades of daily writes).
 */
const SLOT = 8;
const FILE_BYTES = SLOT * 16;

export class Cell {
  /** file name prefix, value, generation, file (0/1) holding the newest slot, next free offset in it */
  n: string;
  v: number;
  g: number;
  f: number;
  o: number;

  constructor(name: string, def: number) {
    this.n = name;
    this.v = def;
    this.g = this.f = this.o = 0;
    let best = -1;
    for (let f = 0; f < 2; f++) {
      const b = rd(name + f);
      for (let o = 0; b && o < FILE_BYTES; o += SLOT) {
        const g = u16(b, o + 4);
        if (b[o + 7] === 0 && crc8(b, o, o + 6) === b[o + 6] && g > best) {
          best = this.g = g;
          this.v = u32(b, o);
          this.f = f;
        }
      }
    }
    const b = rd(name + this.f);
    let n = b ? FILE_BYTES : 0;
    while (n > 0 && (b as Uint8Array)[n - 1] === 0xff) n--;
    this.o = Math.ceil(n / SLOT) * SLOT;
    if (rd(name + (this.f ^ 1))) S.erase(name + (this.f ^ 1));
  }

  set(v: number): void {
    if (v === this.v) return;
    const buf = pack("4211", [v, ++this.g, 0, 0]);
    buf[6] = crc8(buf, 0, 6);
    const full = this.o >= FILE_BYTES;
    // `f` moves to the other file only once its first slot is written: a write that fails (flash
    // full) leaves the live file alone, and the next try aims at the other file again
    const f = full ? this.f ^ 1 : this.f;
    S.write(this.n + f, buf, full ? 0 : this.o, FILE_BYTES);
    if (full) S.erase(this.n + this.f);
    this.f = f;
    this.o = full ? SLOT : this.o + SLOT;
    this.v = v;
  }
}
