// @ts-check
// Minifiers write `true` as `!0`, `false` as `!1` and `undefined` as `void 0`: shorter as text, but
// in pretokenised code (pretokenise.mjs) each of `true`, `false` and `undefined` is one byte (a
// reserved word) and each short form two (an operator and a number). So the bundle spells them out
// again before it is pretokenised: one byte a use, the same values (nothing in the bundle declares
// a variable named undefined).

import * as acorn from "acorn";
import { simple } from "acorn-walk";

const WORD = /[A-Za-z0-9_$]/;

/**
 * The code with every `!0`, `!1` and `void 0` written as the reserved word it means.
 * @param {string} code
 * @returns {string}
 */
export function spellKeywords(code) {
  /** @type {{ start: number, end: number, text: string }[]} */
  const edits = [];
  simple(acorn.parse(code, { ecmaVersion: 2022 }), {
    UnaryExpression(/** @type {any} */ n) {
      const a = n.argument;
      if (a.type !== "Literal" || (a.value !== 0 && a.value !== 1)) return;
      const text = n.operator === "!" ? (a.value ? "false" : "true") : n.operator === "void" && !a.value ? "undefined" : "";
      if (text) edits.push({ start: n.start, end: n.end, text });
    },
  });
  let out = code;
  for (const e of edits.sort((a, b) => b.start - a.start)) {
    // a word needs a space from a word it touches (`return!0`)
    const before = e.start > 0 && WORD.test(out[e.start - 1]) ? " " : "";
    const after = WORD.test(out[e.end] ?? "") ? " " : "";
    out = out.slice(0, e.start) + before + e.text + after + out.slice(e.end);
  }
  return out;
}
