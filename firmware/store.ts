/**
 * Flash access for every firmware module: one Storage handle and two helpers, so the byte form
 * handed to Storage is decided in one place. Files are created at full size and filled by offset,
 * only into erased bytes (ESPRUINO.md); a write at offset 0 with a size creates the file.
 */
export const S = require("Storage");

/** The file's bytes (memory-mapped on the device, no RAM copy), or undefined when it does not exist. */
export function rd(name: string): Uint8Array | undefined {
  const a = S.readArrayBuffer(name);
  return a ? new Uint8Array(a) : undefined;
}

/** Writes bytes at `off` (creating the file at `size` bytes when size is given). Throws like Storage. */
export function wr(name: string, b: Uint8Array, off: number, size?: number): void {
  S.write(name, b, off, size);
}

/** Erases a file if it exists (a no-op otherwise). */
export function rm(name: string): void {
  S.erase(name);
}
