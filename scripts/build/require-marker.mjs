// @ts-check
// Espruino's `require("Storage")` through esbuild: the build defines `require` as a marker so that
// esbuild leaves the call alone (it would otherwise treat it as a module import), then puts
// `require` back and maps positions in the result to esbuild's output, which the source map describes.

/** Marker for Espruino's `require`: esbuild would otherwise treat `require("Storage")` as a module import. */
export const REQUIRE_MARKER = "__ESPRUINO_REQUIRE__";

/**
 * Put Espruino's `require` back in place of the marker, and map positions in the result back to the
 * esbuild output (the source map describes that).
 * @param {string} raw esbuild's output
 */
export function restoreRequire(raw) {
  const marker = new RegExp(`\\b${REQUIRE_MARKER}\\b`, "g");
  const delta = REQUIRE_MARKER.length - "require".length;
  /** Offsets in the restored code just after each replacement. @type {number[]} */
  const after = [];
  let code = "";
  let last = 0;
  for (const m of raw.matchAll(marker)) {
    code += raw.slice(last, m.index) + "require";
    after.push(code.length);
    last = /** @type {number} */ (m.index) + REQUIRE_MARKER.length;
  }
  code += raw.slice(last);
  const lineStarts = (/** @type {string} */ text) => {
    const starts = [0];
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
    return starts;
  };
  const codeLines = lineStarts(code);
  const rawLines = lineStarts(raw);
  /** @param {number} line 1-based @param {number} column 1-based @returns {{ line: number, column: number }} 0-based line/column in raw */
  const toRaw = (line, column) => {
    const offset = codeLines[line - 1] + column - 1;
    const rawOffset = offset + after.filter((a) => a <= offset).length * delta;
    let l = 0;
    while (l + 1 < rawLines.length && rawLines[l + 1] <= rawOffset) l++;
    return { line: l, column: rawOffset - rawLines[l] };
  };
  return { code, toRaw };
}
