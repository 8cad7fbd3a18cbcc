// @ts-check
// esbuild set up for Espruino 2v29: which constructs esbuild lowers or refuses (ESPRUINO_SUPPORTED),
// the firmware's own property names it shortens (FIRMWARE_MANGLE_PROPS), and what each esbuild
// "cannot transform" error means for the firmware author (formatEsbuildError). docs/ESPRUINO.md
// lists the facts behind each choice, with the id of the rule that enforces it.

import { RULES } from "../espruino-check.mjs";

/**
 * esbuild's `supported` map for Espruino 2v29 (on top of target es2015).
 * false + esbuild cannot lower it  -> build ERROR (found at build time, not on the device);
 * false + esbuild can lower it     -> lowered into Espruino-safe code;
 * true                             -> left as written so that the Espruino check reports it by name
 *                                     (esbuild would otherwise lower it into something that needs
 *                                     WeakMap, BigInt() or `new RegExp` with the same problem).
 * @type {Record<string, boolean>}
 */
export const ESPRUINO_SUPPORTED = {
  // esbuild refuses to lower these: each becomes a build error.
  "destructuring": false,
  "default-argument": false,
  "rest-argument": false, // also covers spread in calls and `new`
  "array-spread": false,
  "generator": false,
  "async-await": false,
  "async-generator": false,
  "for-await": false,
  "new-target": false,
  // esbuild lowers these into code Espruino runs.
  "optional-chain": false, // a == null ? void 0 : a.b
  "logical-assignment": false, // a ?? (a = b)
  "exponent-operator": false, // Math.pow
  "object-rest-spread": false, // __spreadValues / __spreadProps helpers
  "class-field": false, // assignments in the constructor
  "class-static-field": false, // assignments after the class
  "class-static-blocks": false,
  "unicode-escapes": false, // "\u{1F600}" -> surrogate pair
  // Espruino runs these natively.
  "nullish-coalescing": true,
  "template-literal": true,
  // Left as written so that the check names them (lowering would hide them behind WeakMap etc.).
  "class-private-field": true,
  "class-private-method": true,
  "class-private-accessor": true,
  "class-private-static-field": true,
  "class-private-static-method": true,
  "class-private-static-accessor": true,
  "class-private-brand-check": true,
  "bigint": true,
  "regexp-dot-all-flag": true,
  "regexp-lookbehind-assertions": true,
  "regexp-named-capture-groups": true,
  "regexp-sticky-and-unicode-flags": true,
  "regexp-unicode-property-escapes": true,
  "regexp-match-indices": true,
  "regexp-set-notation": true,
};

/**
 * Property names of the firmware's own objects (protocol message fields, log records, programs and steps,
 * board rows, the Reassembler), which esbuild shortens in the firmware bundle (`mangleProps`): about 1 KB
 * of flash. Only these names: never one that Espruino or the virtual device reads or writes (`name`, `state`,
 * `time`, `passkey`, `data`, `value`, `push`, `set`, `length`, the NRF.setServices / setAdvertising /
 * setSecurity / setWatch option keys, E / Storage methods). Mangled names break JSON.stringify, Object.keys
 * and `in` over those objects: the firmware uses none of them (programFromJson, which does, is not in the
 * bundle). The companion bundle is never mangled, nor are other entries (test fixtures) unless asked.
 */
export const FIRMWARE_MANGLE_PROPS = new RegExp("^(" + [
  // frame.ts Message, Reassembler
  "op", "id", "status", "body", "buf", "len", "next", "active", "message", "fail",
  // messages.ts bodies
  "proto", "board", "battery", "flags", "uptime", "storageFree", "held", "newest", "acked", "unlogged", "caps",
  "payload", "boot", "selected", "firmware", "program", "step", "region", "elapsed", "planned", "level", "cue",
  "first", "count", "more", "steps", "seconds", "crc",
  // record.ts LogRecord
  "seq", "start", "regions", "end",
  // program.ts Step
  "pattern", "duration", "intensity", "curve", "curveStepMs",
  // boards.ts BoardProfile
  "code", "motorPin", "buttonPin", "ledPins", "cueLed", "pwmFreq", "mtu", "flashBytes", "vars",
].join("|") + ")$");

/** What each esbuild "cannot transform" error means for the firmware author. */
const ESBUILD_HINTS = [
  [/destructuring/i, "destructuring"],
  [/default arguments/i, "default-param"],
  [/rest arguments/i, "rest-param"], // esbuild also says "rest arguments" for spread in calls / new
  [/array spread/i, "spread"],
  [/async generator|generator functions/i, "generator"],
  [/async functions|for-await/i, "async"],
  [/new\.target/i, "new-target"],
];

/**
 * An esbuild error or warning as one block: where, what, the line, and the Espruino rule's advice.
 * @param {import("esbuild").Message} m @param {boolean} [espruinoHints]
 */
export function formatEsbuildError(m, espruinoHints = true) {
  const where = m.location ? `${m.location.file}:${m.location.line}:${m.location.column + 1}: ` : "";
  const code = m.location ? `\n    ${m.location.lineText}` : "";
  const hint = espruinoHints && ESBUILD_HINTS.find(([re]) => /** @type {RegExp} */ (re).test(m.text));
  const rule = hint ? RULES[/** @type {string} */ (hint[1])] : null;
  const quirk = rule && (rule.id === "rest-param" || rule.id === "destructuring")
    ? " (esbuild also reports this for `...rest` and destructured parameters in erased TypeScript signatures: " +
      "`declare function`, overload and abstract signatures; write those as `args: unknown[]` / `opts: T`.)"
    : "";
  const advice = rule ? `\n  -> ${rule.problem} ${rule.fix}${quirk}` : "";
  return `${where}${m.text}${code}${advice}`;
}
