/**
 * Check values. Nibble tables keep RAM small on the device (16 entries) at two lookups a byte.
 *  - crc16: CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) over every protocol message.
 *  - crc32: CRC-32/ISO-HDLC (zlib's) over program images, so `massager` and the device agree.
 *  - crc8:  CRC-8 (poly 0x07) inside each log record, to spot a torn flash write.
 */
const T16 = [
  0x0000, 0x1021, 0x2042, 0x3063, 0x4084, 0x50a5, 0x60c6, 0x70e7,
  0x8108, 0x9129, 0xa14a, 0xb16b, 0xc18c, 0xd1ad, 0xe1ce, 0xf1ef,
];

export function crc16(b: Uint8Array, start: number, end: number): number {
  let c = 0xffff;
  for (let i = start; i < end; i++) {
    c = ((c << 4) & 0xffff) ^ T16[((c >> 12) ^ (b[i] >> 4)) & 15];
    c = ((c << 4) & 0xffff) ^ T16[((c >> 12) ^ b[i]) & 15];
  }
  return c;
}

const T32 = [
  0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac, 0x76dc4190, 0x6b6b51f4, 0x4db26158, 0x5005713c,
  0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c, 0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
];

/** CRC-32 of b[start..end), continuing from `prev` (pass 0 to begin). */
export function crc32(b: Uint8Array, start: number, end: number, prev: number): number {
  let c = ~prev >>> 0;
  for (let i = start; i < end; i++) {
    c = (c >>> 4) ^ T32[(c ^ b[i]) & 15];
    c = (c >>> 4) ^ T32[(c ^ (b[i] >> 4)) & 15];
  }
  return ~c >>> 0;
}

export function crc8(b: Uint8Array, start: number, end: number): number {
  let c = 0;
  for (let i = start; i < end; i++) {
    c ^= b[i];
    for (let k = 0; k < 8; k++) c = c & 0x80 ? ((c << 1) ^ 0x07) & 0xff : (c << 1) & 0xff;
  }
  return c;
}
