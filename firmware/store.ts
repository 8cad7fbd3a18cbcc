/**
 * Flash: the one Storage handle, and the bytes of a file (memory-mapped on the device, no RAM copy)
 * or undefined when it does not exist. Files are created at full size by a write at offset 0 with a
 * size, then filled by offset, only into erased bytes (ESPRUINO.md).
 */
export const S = require("Storage");

export const rd = (name: string): Uint8Array | undefined => {
  const a = S.readArrayBuffer(name);
  return a && new Uint8Array(a);
};
