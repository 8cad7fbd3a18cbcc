import { crc8 } from "../shared/crc";
import { put16, put32, u16, u32 } from "../shared/bytes";
import { rd, rm, wr } from "./store";

/*
 * A durable small value (u32) in flash that survives power loss at any write. Two files, name + "0"
 * and name + "1", of CELL_SLOTS fixed 8-byte slots filled in order into erased bytes:
 *
 *   0 value u32 | 4 generation u16 | 6 crc8 over bytes 0..5 | 7 0x00
 *
 * The current value is the valid slot with the highest generation (a torn slot fails its check and
 * is skipped). When the file is full, the next generation goes into slot 0 of the other file, then
 * the full one is erased; at load, whichever file does not hold the newest slot is erased.
 * Generations are u16: 16 slots a file, so 65535 writes of one cell (decades of daily writes).
 */
const SLOT = 8;
const CELL_SLOTS = 16;
const FILE_BYTES = SLOT * CELL_SLOTS;
const buf = new Uint8Array(SLOT);

export class Cell {
  name: string;
  v: number;
  g: number;
  /** File (0 or 1) holding the newest slot, and the next free slot in it. */
  f: number;
  s: number;

  constructor(name: string, def: number) {
    this.name = name;
    this.v = def;
    this.g = 0;
    this.f = 0;
    this.s = 0;
    let best = -1;
    for (let f = 0; f < 2; f++) {
      const b = rd(name + f);
      if (!b) continue;
      for (let i = 0; i < CELL_SLOTS; i++) {
        const o = i * SLOT;
        const g = u16(b, o + 4);
        if (b[o + 7] === 0 && crc8(b, o, o + 6) === b[o + 6] && g > best) {
          best = g;
          this.v = u32(b, o);
          this.g = g;
          this.f = f;
        }
      }
    }
    const b = rd(name + this.f);
    if (b) {
      let n = FILE_BYTES;
      while (n > 0 && b[n - 1] === 0xff) n--;
      this.s = Math.ceil(n / SLOT);
    }
    if (rd(name + (1 - this.f))) rm(name + (1 - this.f));
  }

  set(v: number): void {
    if (v === this.v) return;
    const g = this.g + 1;
    put32(buf, 0, v);
    put16(buf, 4, g);
    buf[6] = crc8(buf, 0, 6);
    buf[7] = 0;
    if (this.s < CELL_SLOTS) {
      wr(this.name + this.f, buf, this.s * SLOT, FILE_BYTES);
      this.s++;
    } else {
      const full = this.name + this.f;
      this.f ^= 1;
      wr(this.name + this.f, buf, 0, FILE_BYTES);
      rm(full);
      this.s = 1;
    }
    this.v = v;
    this.g = g;
  }
}
