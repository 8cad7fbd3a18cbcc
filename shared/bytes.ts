/**
 * Little-endian field access over Uint8Array. Hand-written shifts rather than DataView so the same
 * code is cheap on the device and needs no buffer offsets. All multi-byte fields are little-endian.
 */
export const u16 = (b: Uint8Array, o: number): number => {
  return b[o] | (b[o + 1] << 8);
};

export const u32 = (b: Uint8Array, o: number): number => {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
};

export const put16 = (b: Uint8Array, o: number, v: number): void => {
  b[o] = v & 0xff;
  b[o + 1] = (v >> 8) & 0xff;
};

export const put32 = (b: Uint8Array, o: number, v: number): void => {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
  b[o + 2] = (v >>> 16) & 0xff;
  b[o + 3] = (v >>> 24) & 0xff;
};

/**
 * Little-endian fields one after another: layout[i] is the width of values[i] in bytes ("1", "2" or "4"),
 * e.g. pack("124", [a, b, c]) is a u8, a u16 and a u32 (7 bytes); `tail` (e.g. a name) follows them.
 * Each field takes the value's low bytes, as put16/put32 and a Uint8Array element do.
 */
export const pack = (layout: string, values: number[], tail?: Uint8Array): Uint8Array => {
  let n = tail ? tail.length : 0;
  for (let i = 0; i < layout.length; i++) n += +layout[i];
  const b = new Uint8Array(n);
  let o = 0;
  for (let i = 0; i < layout.length; i++) for (let k = 0; k < +layout[i]; k++) b[o++] = (values[i] >>> (8 * k)) & 0xff;
  if (tail) b.set(tail, o);
  return b;
};

/** ASCII text to bytes (names are printable ASCII by the validator; no TextEncoder on the device). */
export const asciiBytes = (s: string): Uint8Array => {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 0xff;
  return b;
};

export const asciiString = (b: Uint8Array, o: number, n: number): string => {
  let s = "";
  for (let i = 0; i < n; i++) s += String.fromCharCode(b[o + i]);
  return s;
};


export const concatBytes = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  const r = new Uint8Array(a.length + b.length);
  r.set(a, 0);
  r.set(b, a.length);
  return r;
};

/**
 * a.subarray(s, e) with the end clamped to the array, as Node clamps it. Espruino 2v29 does not: a
 * view whose end is past the array is that long and reads whatever follows in RAM or flash
 * (docs/ESPRUINO.md). The firmware takes every view through here (test/firmware/views.test.ts).
 */
export const sub = (a: Uint8Array, s: number, e?: number): Uint8Array => {
  return a.subarray(s, e! < a.length ? e : a.length); // undefined < n is false
};
