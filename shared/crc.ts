/**
 * Check values (companion side: the device computes the same with its own means, see below).
 *  - crc32: CRC-32/ISO-HDLC (zlib's), over program images, and its low 16 bits over every protocol
 *           message (frame.ts). The device uses the interpreter's E.CRC32, which is this function.
 *  - crc8:  CRC-8 (poly 0x07, init 0) inside each log record and journal slot, to spot a torn flash
 *           write. The device reads it from a 16-entry string table (firmware/crc8.ts).
 */
/** Nibble table of CRC-32 (reflected 0xEDB88320): 0x00000000, 0x1db71064, 0x3b6e20c8, … 0xbdbdf21c. */
const T32 = /* @__PURE__ */ (() => {
  const t: number[] = [];
  for (let n = 0; n < 16; n++) {
    let c = n;
    for (let k = 0; k < 4; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
    t.push(c >>> 0);
  }
  return t;
})();

/** CRC-32 of b[start..end), continuing from `prev` (pass 0 to begin). */
export const crc32 = (b: Uint8Array, start: number, end: number, prev: number): number => {
  let c = ~prev >>> 0;
  for (let i = start; i < end; i++) {
    c = (c >>> 4) ^ T32[(c ^ b[i]) & 15];
    c = (c >>> 4) ^ T32[(c ^ (b[i] >> 4)) & 15];
  }
  return ~c >>> 0;
};

export const crc8 = (b: Uint8Array, start: number, end: number): number => {
  let c = 0;
  for (let i = start; i < end; i++) {
    c ^= b[i];
    for (let k = 0; k < 8; k++) c = c & 0x80 ? ((c << 1) ^ 0x07) & 0xff : (c << 1) & 0xff;
  }
  return c;
};
