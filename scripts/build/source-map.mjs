// @ts-check
// Source-map lookup: the original position of a position in the bundle, from esbuild's v3 source map
// (VLQ-decoded by hand: the build needs one lookup per Espruino violation, not a library).

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/**
 * The original source position of a generated position, from a v3 source map.
 * @param {{ sources: string[], mappings: string, names?: string[] }} map
 * @param {{ line: number, column: number }} at 0-based generated line and column
 * @returns {{ source: string, line: number, column: number, name?: string } | null} 1-based line and column;
 *   `name`: the identifier's name in the source when the minifier renamed it
 */
export function originalPosition(map, at) {
  let src = 0, srcLine = 0, srcCol = 0, name = 0;
  /** @type {{ source: string, line: number, column: number, name?: string } | null} */
  let best = null;
  const lines = map.mappings.split(";");
  for (let l = 0; l <= at.line && l < lines.length; l++) {
    let genCol = 0;
    for (const seg of lines[l].split(",")) {
      if (!seg) continue;
      /** @type {number[]} */
      const fields = [];
      let value = 0, shift = 0;
      for (const ch of seg) {
        const digit = B64.indexOf(ch);
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      genCol += fields[0];
      if (fields.length >= 4) {
        src += fields[1];
        srcLine += fields[2];
        srcCol += fields[3];
      }
      if (fields.length >= 5) name += fields[4];
      if (l === at.line && fields.length >= 4 && genCol <= at.column) {
        best = { source: map.sources[src], line: srcLine + 1, column: srcCol + 1 };
        if (fields.length >= 5 && map.names) best.name = map.names[name];
      }
    }
  }
  return best;
}
