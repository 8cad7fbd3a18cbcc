// @ts-check
// Import boundaries of the project, checked over the source tree (test/boundaries.test.ts):
//   shared/    imports nothing outside shared/ (no packages, no node: modules): it runs on the device too;
//   firmware/  imports only firmware/, shared/ and Espruino's built-in modules (require("Storage"));
//   companion/ never imports firmware/ sources (it loads the built bundle);
//   inside companion/ the layers point one way (COMPANION_LAYERS): only the CLI imports cli/; the
//   real Bluetooth link (ble/) never imports the virtual device (sim/); the device engine (device/)
//   talks to a DeviceLink and a SessionStore, never to noble's link or the SQLite file; the virtual board model
//   (sim/board/) imports nothing else of the companion; the link to it (sim/link/) never imports
//   the long-running service (sim/service/); the browser page (web/) imports no package, no node:
//   module, and nothing of the CLI's Bluetooth, SQLite, owners.json, flashing or virtual device;
//   nothing outside test/ imports test/.
// Imports are found with TypeScript's preProcessFile (import/export-from/import()/require, comments ignored).

import ts from "typescript";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const DEFAULT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Modules built into the Espruino firmware that `require()` may name on the device. */
const ESPRUINO_MODULES = new Set(["Storage", "heatshrink", "crypto", "Flash"]);

const SOURCE_EXT = /\.(ts|mts|cts|tsx|js|mjs|cjs)$/;
const SKIP_DIRS = new Set(["node_modules", "dist", ".git"]);
/** Top-level folders whose sources must not import test/. */
const NON_TEST_DIRS = ["shared", "firmware", "companion", "scripts", "bench", "bin"];

/**
 * @typedef {{ specifier: string, line: number }} ImportRef
 * @typedef {{ rule: "shared" | "firmware" | "companion" | "layers" | "tests", file: string, line: number, specifier: string, message: string }} BoundaryViolation
 */

/**
 * Folders of companion/ (paths from the root, ending in "/") whose files (but those in `unless`) must
 * not import from `banned`, except from `allowed` inside it, and why.
 * @type {{ from: string, unless?: string, banned: string, allowed?: string, why: string }[]}
 */
const COMPANION_LAYERS = [
  { from: "companion/", unless: "companion/cli/", banned: "companion/cli/", why: "only the CLI (companion/cli/) imports the CLI; errors and types every layer shares live below it" },
  { from: "companion/ble/", banned: "companion/sim/", why: "the real Bluetooth link (companion/ble/) never imports the virtual device" },
  { from: "companion/device/", banned: "companion/ble/", why: "the device client, sync and upload (companion/device/) talk to any DeviceLink (device/link.ts), never to noble's link itself" },
  { from: "companion/device/", banned: "companion/history/", allowed: "companion/history/store/", why: "the sync (companion/device/) talks to any SessionStore (history/store.ts), never to the SQLite file itself" },
  { from: "companion/sim/board/", banned: "companion/", allowed: "companion/sim/board/", why: "the virtual board model (companion/sim/board/) imports nothing else of the companion: the link and the service sit on top of it" },
  { from: "companion/sim/link/", banned: "companion/sim/service/", why: "the link to a virtual board (companion/sim/link/) never imports the long-running service that uses it" },
  { from: "companion/web/", banned: "companion/ble/", why: "the browser page (companion/web/) talks Web Bluetooth; noble's link is the CLI's" },
  { from: "companion/web/", banned: "companion/sim/", why: "the browser page (companion/web/) never reaches the virtual device itself: its tests give it a Web Bluetooth shim" },
  { from: "companion/web/", banned: "companion/history/", allowed: "companion/history/store/", why: "the browser page keeps its history in IndexedDB (web/store/), never in the SQLite file" },
  { from: "companion/web/", banned: "companion/owners/", why: "the browser page keeps its owner keys in IndexedDB (web/store/); owners.json is the CLI's" },
  { from: "companion/web/", banned: "companion/flash/", why: "the browser page does not flash boards: that is the CLI's, with espruino-tools" },
];

/** Folders whose sources run in a browser: the project's own files only, bundled by esbuild (no packages, no node: modules). */
const BROWSER_DIRS = ["companion/web/"];

/**
 * Every module specifier a source file imports, re-exports, `import()`s or `require()`s.
 * @param {string} source
 * @returns {ImportRef[]}
 */
export function scanImports(source) {
  const info = ts.preProcessFile(source, true, true);
  return info.importedFiles.map((f) => {
    let line = 1;
    for (let i = 0; i < f.pos; i++) if (source.charCodeAt(i) === 10) line++;
    return { specifier: f.fileName, line };
  });
}

/** @param {string} dir @param {string[]} out */
function collect(dir, out) {
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP_DIRS.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) collect(full, out);
    else if (SOURCE_EXT.test(entry.name)) out.push(full);
  }
  return out;
}

/**
 * The top-level folder (relative to root) a relative import lands in, or null for bare specifiers.
 * @param {string} root @param {string} file @param {string} specifier
 */
function targetFolder(root, file, specifier) {
  if (!specifier.startsWith(".") && !path.isAbsolute(specifier)) return null;
  const resolved = path.resolve(path.dirname(file), specifier);
  const rel = path.relative(root, resolved);
  if (rel.startsWith("..")) return "<outside the project>";
  return rel.split(path.sep)[0];
}

/**
 * The path (relative to root, "/"-separated) a relative import resolves to, or null for bare specifiers.
 * @param {string} root @param {string} file @param {string} specifier
 */
function targetPath(root, file, specifier) {
  if (!specifier.startsWith(".") && !path.isAbsolute(specifier)) return null;
  return path.relative(root, path.resolve(path.dirname(file), specifier)).split(path.sep).join("/");
}

/**
 * Check the import boundaries of the project at `root`.
 * @param {string} [root]
 * @returns {BoundaryViolation[]}
 */
export function checkBoundaries(root = DEFAULT_ROOT) {
  /** @type {BoundaryViolation[]} */
  const violations = [];
  for (const top of NON_TEST_DIRS) {
    for (const file of collect(path.join(root, top), [])) {
      const rel = path.relative(root, file).split(path.sep).join("/");
      for (const { specifier, line } of scanImports(readFileSync(file, "utf8"))) {
        const target = targetFolder(root, file, specifier);
        const at = { file: rel, line, specifier };
        if (target === "test") {
          violations.push({ rule: "tests", ...at, message: `${rel}:${line} imports "${specifier}" from test/: nothing outside test/ may import tests.` });
        }
        if (top === "shared" && target !== "shared") {
          violations.push({ rule: "shared", ...at,
            message: `${rel}:${line} imports "${specifier}": shared/ runs on the device and in Node, so it imports nothing outside shared/ (no packages, no node: modules).` });
        }
        if (top === "firmware" && target !== "firmware" && target !== "shared" && !(target === null && ESPRUINO_MODULES.has(specifier))) {
          violations.push({ rule: "firmware", ...at,
            message: `${rel}:${line} imports "${specifier}": firmware/ may import only firmware/, shared/ and Espruino's built-in modules (${[...ESPRUINO_MODULES].join(", ")}).` });
        }
        if (top === "companion" && target === "firmware") {
          violations.push({ rule: "companion", ...at,
            message: `${rel}:${line} imports "${specifier}": the companion never imports firmware/ sources; it loads the built bundle (dist/firmware.js).` });
        }
        if (target === null && BROWSER_DIRS.some((d) => rel.startsWith(d))) {
          violations.push({ rule: "layers", ...at,
            message: `${rel}:${line} imports "${specifier}": the browser page runs only the project's own files (no packages, no node: modules).` });
        }
        const to = targetPath(root, file, specifier);
        for (const layer of COMPANION_LAYERS) {
          if (to === null || !rel.startsWith(layer.from) || (layer.unless && rel.startsWith(layer.unless))) continue;
          if (!`${to}/`.startsWith(layer.banned) || (layer.allowed && `${to}/`.startsWith(layer.allowed))) continue;
          violations.push({ rule: "layers", ...at, message: `${rel}:${line} imports "${specifier}": ${layer.why}.` });
        }
      }
    }
  }
  return violations;
}
