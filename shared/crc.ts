/**
 * Check values. Nibble tables keep RAM small on the device (16 entries) at two lookups a byte.
 *  - crc16: CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) over every protocol message.
 *  - crc32: CRC-32/ISO-HDLC (zlib's) over program images, so `massager` and the device agree.
 *  - crc8:  CRC-8 (poly 0x07) inside each log record, to spot a torn flash write.
 */
/** Nibble table of a CRC: entry n is the CRC register after shifting the nibble n through it, 4 bits. */
const nibbles = (reflected: boolean, poly: number): number[] => {
  const t: number[] = [];
  for (let n = 0; n < 16; n++) {
    let c = reflected ? n : n << 12;
    for (let k = 0; k < 4; k++)
      c = reflected ? (c & 1 ? (c >>> 1) ^ poly : c >>> 1) : c & 0x8000 ? ((c << 1) ^ poly) & 0xffff : (c << 1) & 0xffff;
    t.push(c >>> 0);
  }
  return t;
};

/** CRC-16/CCITT-FALSE: 0x0000, 0x1021, 0x2042, … 0xf1ef. */
const T16 = /* @__PURE__ */ nibbles(false, 0x1021);

export const crc16 = (b: Uint8Array, start: number, end: number): number => {
  let c = 0xffff;
  for (let i = start; i < end; i++) {
    c = ((c << 4) & 0xffff) ^ T16[((c >> 12) ^ (b[i] >> 4)) & 15];
    c = ((c << 4) & 0xffff) ^ T16[((c >> 12) ^ b[i]) & 15];
  }
  return c;
};

/** CRC-32 (reflected 0xEDB88320): 0x00000000, 0x1db71064, 0x3b6e20c8, … 0xbdbdf21c. */
const T32 = /* @__PURE__ */ nibbles(true, 0xedb88320);

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
