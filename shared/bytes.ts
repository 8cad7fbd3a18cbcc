/**
 * Little-endian field access over Uint8Array. Hand-written shifts rather than DataView so the same
 * code is cheap on the device and needs no buffer offsets. All multi-byte fields are little-endian.
 */
export function u16(b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8);
}

export function u32(b: Uint8Array, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
}

export function put16(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 0xff;
  b[o + 1] = (v >> 8) & 0xff;
}

export function put32(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
  b[o + 2] = (v >>> 16) & 0xff;
  b[o + 3] = (v >>> 24) & 0xff;
}

/** ASCII text to bytes (names are printable ASCII by the validator; no TextEncoder on the device). */
export function asciiBytes(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 0xff;
  return b;
}

export function asciiString(b: Uint8Array, o: number, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += String.fromCharCode(b[o + i]);
  return s;
}

/** A binary string (Storage.read's form) to bytes, and back. */
export function strBytes(s: string): Uint8Array {
  return asciiBytes(s);
}

export function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const r = new Uint8Array(a.length + b.length);
  r.set(a, 0);
  r.set(b, a.length);
  return r;
}
