// @ts-check
// Build: firmware/main.ts -> dist/firmware.js (one Espruino-safe script), and
// companion/cli/main.ts -> dist/massager.js (Node ESM, imported by bin/massager.js).
//
//   node scripts/build.mjs [--no-minify]
//
// The firmware bundle is checked with scripts/espruino-check.mjs and against the flash budget;
// on any violation nothing is written and the process exits 1.

import * as esbuild from "esbuild";
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { checkEspruino, formatViolations, RULES } from "./espruino-check.mjs";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const DEFAULT_FLASH_BUDGET = 12 * 1024;

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

/** Marker for Espruino's `require`: esbuild would otherwise treat `require("Storage")` as a module import. */
const REQUIRE_MARKER = "__ESPRUINO_REQUIRE__";

/**
 * @typedef {{
 *   entry?: string, outfile?: string | null, define?: Record<string, string>, minify?: boolean,
 *   version?: string, board?: string, root?: string, mangleProps?: RegExp | null,
 * }} FirmwareOptions
 *   `mangleProps`: property names to shorten; default FIRMWARE_MANGLE_PROPS for the firmware's own entry
 *   (firmware/main.ts), none for any other entry.
 * @typedef {{
 *   code: string, bytes: number, violations: (import("./espruino-check.mjs").Violation & { source?: string, sourceName?: string })[],
 *   budget: number, overBudget: boolean, written: boolean, outfile: string | null, warnings: string[],
 * }} FirmwareResult
 *   Each violation also names its `source` ("firmware/x.ts:line:col") through the bundle's source map, and
 *   `sourceName`, the identifier's name there when the minifier renamed it.
 */

/**
 * Put Espruino's `require` back in place of the marker, and map positions in the result back to the
 * esbuild output (the source map describes that).
 * @param {string} raw esbuild's output
 */
function restoreRequire(raw) {
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

/** @param {string} root */
function packageVersion(root) {
  try {
    return String(JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).version ?? "0.0.0");
  } catch {
    return "0.0.0";
  }
}

/**
 * The bundle's flash budget: `FLASH_BUDGET` or `LIMITS.bundleBudget` from shared/limits.ts,
 * else 12 KB.
 * @param {string} [root]
 * @returns {Promise<{ budget: number, source: string }>}
 */
export async function loadFlashBudget(root = ROOT) {
  const file = path.join(root, "shared", "limits.ts");
  if (!existsSync(file)) return { budget: DEFAULT_FLASH_BUDGET, source: "default (shared/limits.ts not found)" };
  try {
    const out = await esbuild.build({
      entryPoints: [file], bundle: true, write: false, format: "esm", platform: "neutral", target: "es2022", logLevel: "silent",
    });
    const url = `data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString("base64")}`;
    const mod = await import(url);
    const value = mod.FLASH_BUDGET ?? mod.LIMITS?.bundleBudget;
    if (typeof value === "number" && value > 0) return { budget: value, source: "shared/limits.ts" };
    return { budget: DEFAULT_FLASH_BUDGET, source: "default (shared/limits.ts exports neither FLASH_BUDGET nor LIMITS.bundleBudget)" };
  } catch (e) {
    return { budget: DEFAULT_FLASH_BUDGET, source: `default (shared/limits.ts did not load: ${/** @type {Error} */ (e).message.split("\n")[0]})` };
  }
}

/** @param {esbuild.Message} m @param {boolean} [espruinoHints] */
function formatEsbuildError(m, espruinoHints = true) {
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

/**
 * Bundle the firmware for Espruino, check it, and write it when it is safe and within budget.
 * Throws when esbuild fails (with advice for each construct Espruino lacks).
 * @param {FirmwareOptions} [options]
 * @returns {Promise<FirmwareResult>}
 */
export async function buildFirmware({
  entry = "firmware/main.ts", outfile = "dist/firmware.js", define = {}, minify = true, version, board, root = ROOT,
  mangleProps,
} = {}) {
  const entryPath = path.resolve(root, entry);
  const mangle = mangleProps === undefined
    ? (entryPath === path.join(root, "firmware", "main.ts") ? FIRMWARE_MANGLE_PROPS : null)
    : mangleProps;
  const tsconfig = path.join(root, "firmware", "tsconfig.json");
  const fwVersion = version ?? process.env.MASSAGER_FW_VERSION ?? packageVersion(root);
  const fwBoard = board ?? process.env.MASSAGER_BOARD ?? "";

  // A nominal output path: esbuild needs one to emit the source map (nothing is written here).
  const nominalOut = path.resolve(root, outfile ?? "dist/firmware.js");
  /** @type {esbuild.BuildResult & { outputFiles: esbuild.OutputFile[] }} */
  let result;
  try {
    result = await esbuild.build({
      entryPoints: [entryPath],
      outfile: nominalOut,
      bundle: true,
      write: false,
      sourcemap: "external",
      sourcesContent: false,
      format: "iife",
      platform: "neutral",
      target: "es2015",
      supported: ESPRUINO_SUPPORTED,
      minify,
      legalComments: "none",
      charset: "ascii",
      ...(mangle ? { mangleProps: mangle } : {}),
      tsconfig: existsSync(tsconfig) ? tsconfig : undefined,
      define: {
        __FW_VERSION__: JSON.stringify(fwVersion),
        __BUILD_BOARD__: JSON.stringify(fwBoard),
        require: REQUIRE_MARKER,
        ...define,
      },
      logLevel: "silent",
    });
  } catch (e) {
    const failure = /** @type {esbuild.BuildFailure} */ (e);
    if (!failure.errors) throw e;
    const err = new Error(
      `esbuild could not build ${path.relative(root, entryPath) || entryPath} for Espruino:\n` +
      failure.errors.map((m) => `  ${formatEsbuildError(m)}`).join("\n"),
    );
    /** @type {any} */ (err).errors = failure.errors;
    throw err;
  }

  const jsFile = result.outputFiles.find((f) => f.path.endsWith(".js"));
  const mapFile = result.outputFiles.find((f) => f.path.endsWith(".map"));
  const { code, toRaw } = restoreRequire(/** @type {esbuild.OutputFile} */ (jsFile).text);
  const bytes = Buffer.byteLength(code, "utf8");
  const displayName = outfile ?? "firmware.js";
  const map = mapFile ? JSON.parse(mapFile.text) : null;
  const violations = checkEspruino(code, { filename: displayName }).map((v) => {
    const origin = map ? originalPosition(map, toRaw(v.line, v.column)) : null;
    if (!origin) return v;
    const source = path.relative(root, path.resolve(path.dirname(nominalOut), origin.source)).split(path.sep).join("/");
    const named = origin.name ? { sourceName: origin.name } : {};
    return { ...v, source: `${source}:${origin.line}:${origin.column}`, ...named };
  });
  const { budget } = await loadFlashBudget(root);
  const overBudget = bytes > budget;
  const warnings = result.warnings.map((m) => formatEsbuildError(m));

  let written = false;
  const outPath = outfile ? path.resolve(root, outfile) : null;
  if (outPath && violations.length === 0 && !overBudget) {
    mkdirSync(path.dirname(outPath), { recursive: true });
    writeFileSync(outPath, code);
    written = true;
  }
  return { code, bytes, violations, budget, overBudget, written, outfile: outPath, warnings };
}

/**
 * Bundle the companion CLI for Node (dependencies stay external).
 * @param {{ entry?: string, outfile?: string, root?: string }} [options]
 * @returns {Promise<{ bytes: number, outfile: string }>}
 */
export async function buildCompanion({ entry = "companion/cli/main.ts", outfile = "dist/massager.js", root = ROOT } = {}) {
  const tsconfig = path.join(root, "companion", "tsconfig.json");
  const outPath = path.resolve(root, outfile);
  const result = await esbuild.build({
    entryPoints: [path.resolve(root, entry)],
    outfile: outPath,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    sourcemap: false,
    tsconfig: existsSync(tsconfig) ? tsconfig : undefined,
    write: true,
    metafile: true,
    logLevel: "silent",
  });
  const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
  return { bytes, outfile: outPath };
}

/** @param {string} name @param {number} bytes @param {number} budget */
export function sizeLine(name, bytes, budget) {
  const kb = (bytes / 1024).toFixed(1);
  const budgetKb = Number.isInteger(budget / 1024) ? String(budget / 1024) : (budget / 1024).toFixed(1);
  return `${name}  ${bytes} bytes (${kb} KB of the ${budgetKb} KB flash budget)`;
}

/** @param {string[]} argv */
async function main(argv) {
  const started = Date.now();
  const minify = !argv.includes("--no-minify");
  const firmwareEntry = path.join(ROOT, "firmware", "main.ts");
  let failed = false;

  if (existsSync(firmwareEntry)) {
    try {
      const fw = await buildFirmware({ minify });
      for (const w of fw.warnings) console.warn(`warning: ${w}`);
      const line = sizeLine("dist/firmware.js", fw.bytes, fw.budget);
      if (fw.violations.length) {
        console.error(`dist/firmware.js: ${fw.violations.length} construct(s) that break on the Espruino interpreter ` +
          `(see ESPRUINO.md); nothing written:\n${formatViolations(fw.violations, "dist/firmware.js")}`);
        failed = true;
      } else if (fw.overBudget) {
        console.error(`${line}\nThe firmware bundle is over its flash budget by ${fw.bytes - fw.budget} bytes; nothing written.`);
        failed = true;
      } else {
        console.log(line);
      }
    } catch (e) {
      console.error(/** @type {Error} */ (e).message);
      failed = true;
    }
  } else {
    console.log("firmware/main.ts not found: skipping the firmware bundle");
  }

  if (!failed && existsSync(path.join(ROOT, "companion", "cli", "main.ts"))) {
    try {
      const c = await buildCompanion();
      console.log(`dist/massager.js  ${c.bytes} bytes`);
    } catch (e) {
      const failure = /** @type {esbuild.BuildFailure} */ (e);
      console.error(failure.errors
        ? `esbuild could not build companion/cli/main.ts:\n${failure.errors.map((m) => `  ${formatEsbuildError(m, false)}`).join("\n")}`
        : failure.message);
      failed = true;
    }
  }

  console.log(`build ${failed ? "failed" : "done"} in ${Date.now() - started} ms`);
  if (failed) process.exitCode = 1;
}

function isMain() {
  if (!process.argv[1]) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
}

if (isMain()) await main(process.argv.slice(2));
