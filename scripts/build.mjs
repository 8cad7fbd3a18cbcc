// @ts-check
// Build: firmware/main.ts -> dist/firmware.js (one Espruino-safe script),
// companion/cli/main.ts -> dist/massager.js (Node ESM, imported by bin/massager.js), and
// companion/web/ -> dist/web/ (the browser page `massager web` serves: index.html, style.css, app.js).
//
//   node scripts/build.mjs [--no-minify]
//
// The firmware bundle is checked with scripts/espruino-check.mjs and against the flash budget;
// on any violation nothing is written and the process exits 1. The pieces, one job each, are in
// scripts/build/: esbuild's set-up for Espruino, Espruino's require() through esbuild, the
// source-map lookup that names a violation's TypeScript line, and the budget.

import * as esbuild from "esbuild";
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { checkEspruino, formatViolations } from "./espruino-check.mjs";
import { loadBundleBudget, sizeLine } from "./build/budget.mjs";
import { ESPRUINO_SUPPORTED, FIRMWARE_MANGLE_PROPS, formatEsbuildError } from "./build/esbuild-espruino.mjs";
import { REQUIRE_MARKER, restoreRequire } from "./build/require-marker.mjs";
import { originalPosition } from "./build/source-map.mjs";
import { squeeze } from "./build/squeeze.mjs";
import { pretokenise } from "./build/pretokenise.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/**
 * @typedef {{
 *   entry?: string, outfile?: string | null, define?: Record<string, string>, minify?: boolean,
 *   version?: string, board?: string, root?: string, mangleProps?: RegExp | null,
 * }} FirmwareOptions
 *   `mangleProps`: property names to shorten; default FIRMWARE_MANGLE_PROPS for the firmware's own entry
 *   (firmware/main.ts), none for any other entry.
 * @typedef {{
 *   code: string, flashed: string, bytes: number,
 *   violations: (import("./espruino-check.mjs").Violation & { source?: string, sourceName?: string })[],
 *   budget: number, overBudget: boolean, written: boolean, outfile: string | null, warnings: string[],
 * }} FirmwareResult
 *   `code`: the bundle as JavaScript (what runs; checked); `flashed`: what is written into `.bootcde`
 *   and dist/firmware.js, pretokenised when minifying (scripts/build/pretokenise.mjs), as a latin1 string
 *   (one char a byte); `bytes`: its length, which the flash budget bounds.
 *   Each violation also names its `source` ("firmware/x.ts:line:col") through the bundle's source map, and
 *   `sourceName`, the identifier's name there when the minifier renamed it.
 */

/** @param {string} root */
function packageVersion(root) {
  try {
    return String(JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).version ?? "0.0.0");
  } catch {
    return "0.0.0";
  }
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
  const { code: bundled, toRaw } = restoreRequire(/** @type {esbuild.OutputFile} */ (jsFile).text);
  const displayName = outfile ?? "firmware.js";
  const map = mapFile ? JSON.parse(mapFile.text) : null;
  const violations = checkEspruino(bundled, { filename: displayName }).map((v) => {
    const origin = map ? originalPosition(map, toRaw(v.line, v.column)) : null;
    if (!origin) return v;
    const source = path.relative(root, path.resolve(path.dirname(nominalOut), origin.source)).split(path.sep).join("/");
    const named = origin.name ? { sourceName: origin.name } : {};
    return { ...v, source: `${source}:${origin.line}:${origin.column}`, ...named };
  });
  // terser's pass (checked again: anything it introduced is named as the minifier's), then the bytes
  // as Espruino stores pretokenised code
  const code = minify && !violations.length ? await squeeze(bundled) : bundled;
  if (code !== bundled) for (const v of checkEspruino(code, { filename: `${displayName} (after terser)` })) violations.push(v);
  const flashed = minify ? pretokenise(code) : code;
  const bytes = Buffer.byteLength(flashed, "latin1");
  const budget = await loadBundleBudget(root);
  const overBudget = bytes > budget;
  const warnings = result.warnings.map((m) => formatEsbuildError(m));

  let written = false;
  const outPath = outfile ? path.resolve(root, outfile) : null;
  if (outPath && violations.length === 0 && !overBudget) {
    mkdirSync(path.dirname(outPath), { recursive: true });
    writeFileSync(outPath, flashed, "latin1");
    written = true;
  }
  return { code, flashed, bytes, violations, budget, overBudget, written, outfile: outPath, warnings };
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

/**
 * Bundle the browser page: companion/web/main.ts (with the engines it shares with the CLI) to one
 * script for the browsers that have Web Bluetooth, beside the page's HTML and CSS. Written to
 * `outdir` (dist/web), or only returned when `outdir` is null.
 * @param {{ outdir?: string | null, root?: string, minify?: boolean }} [options]
 * @returns {Promise<{ files: { name: string, contents: Uint8Array }[], bytes: number, outdir: string | null }>}
 */
export async function buildWeb({ outdir = "dist/web", root = ROOT, minify = true } = {}) {
  const web = path.join(root, "companion", "web");
  const result = await esbuild.build({
    entryPoints: [path.join(web, "main.ts")],
    outfile: path.join(web, "app.js"), // nominal: nothing is written by esbuild
    bundle: true,
    write: false,
    format: "iife",
    platform: "browser",
    target: ["chrome100", "edge100", "opera86"],
    minify,
    legalComments: "none",
    tsconfig: path.join(web, "tsconfig.json"),
    logLevel: "silent",
  });
  const files = [
    { name: "index.html", contents: new Uint8Array(readFileSync(path.join(web, "page", "index.html"))) },
    { name: "style.css", contents: new Uint8Array(readFileSync(path.join(web, "page", "style.css"))) },
    { name: "app.js", contents: result.outputFiles[0].contents },
  ];
  const outPath = outdir ? path.resolve(root, outdir) : null;
  if (outPath) {
    mkdirSync(outPath, { recursive: true });
    for (const f of files) writeFileSync(path.join(outPath, f.name), f.contents);
  }
  return { files, bytes: files.reduce((n, f) => n + f.contents.length, 0), outdir: outPath };
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
          `(see docs/ESPRUINO.md); nothing written:\n${formatViolations(fw.violations, "dist/firmware.js")}`);
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

  /** Runs one esbuild step of the companion; its failure is printed, named by its entry. @param {string} entry @param {() => Promise<string>} step */
  const companionStep = async (entry, step) => {
    if (failed || !existsSync(path.join(ROOT, entry))) return;
    try {
      console.log(await step());
    } catch (e) {
      const failure = /** @type {esbuild.BuildFailure} */ (e);
      console.error(failure.errors
        ? `esbuild could not build ${entry}:\n${failure.errors.map((m) => `  ${formatEsbuildError(m, false)}`).join("\n")}`
        : failure.message);
      failed = true;
    }
  };
  await companionStep("companion/cli/main.ts", async () => `dist/massager.js  ${(await buildCompanion()).bytes} bytes`);
  await companionStep("companion/web/main.ts", async () => {
    const w = await buildWeb({ minify });
    const js = /** @type {{ contents: Uint8Array }} */ (w.files.find((f) => f.name === "app.js"));
    return `dist/web/  ${w.bytes} bytes (app.js ${js.contents.length} bytes)`;
  });

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
