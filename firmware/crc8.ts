/*
 * CRC-8 (poly 0x07, init 0), the check byte of each log record and journal slot (shared/crc.ts crc8
 * computes the same on the companion). Nibble-wise from a 16-entry table of bytes: two lookups a
 * byte, and no array of numbers in RAM (an index reads shorter than charCodeAt on a string).
 */
const T = E.toUint8Array("\x00\x07\x0e\x09\x1c\x1b\x12\x15\x38\x3f\x36\x31\x24\x23\x2a\x2d");

export const crc8 = (b: Uint8Array, start: number, end: number): number => {
  let c = 0;
  for (let i = start; i < end; i++) {
    c ^= b[i];
    c = ((c << 4) & 0xff) ^ T[c >> 4];
    c = ((c << 4) & 0xff) ^ T[c >> 4];
  }
  return c;
};
