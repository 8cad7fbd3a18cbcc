// @ts-check
// The second minifier pass over the firmware bundle: terser after esbuild. esbuild shortens names
// and syntax but inlines neither constants (but a leaf module's) nor functions; terser does both,
// and on Espruino that is memory, not only bytes: every top-level constant is a variable, and every
// function that stays alive costs about 5 variables plus one per parameter, even with its code in
// flash (docs/ESPRUINO.md "Memory"). A function used once becomes part of its caller, and one that
// only runs at boot is garbage once boot is done. The options keep to what Espruino runs the same:
// no hoisting of functions (the interpreter hoists nothing), arguments kept as written, output no
// newer than ES2015; the build checks the result with the same Espruino check as esbuild's output.

import { minify } from "terser";
import { aliasBuiltins } from "./aliases.mjs";
import { mangleByUse } from "./mangle.mjs";
import { spellKeywords } from "./keywords.mjs";

/** @type {import("terser").MinifyOptions} */
const OPTIONS = {
  ecma: 2015,
  compress: {
    passes: 3,
    // Espruino does not hoist function declarations: never move or create them
    hoist_funs: false,
    hoist_vars: false,
    // inline functions used once, with their arguments (the IIFE scope keeps fewer functions alive)
    inline: 3,
    // Function.length and argument counts stay as written
    keep_fargs: true,
  },
  // names come after, by use (mangle.mjs)
  mangle: false,
  format: { ascii_only: true },
};

/**
 * @param {string} code esbuild's minified firmware bundle
 * @returns {Promise<string>}
 */
export async function squeeze(code) {
  const r = await minify(aliasBuiltins(code), OPTIONS);
  if (r.code === undefined) throw new Error("terser produced no output for the firmware bundle");
  return spellKeywords(await mangleByUse(r.code, { ecma: OPTIONS.ecma, format: OPTIONS.format }));
}
