/**
 * The `.boot0` the harness writes before the bundle: the shims in ./boot0/ (what the Linux build of
 * Espruino lacks, and the driver's hooks), concatenated in order inside one function, after the
 * harness options as `var O`. Plain Espruino-safe JavaScript: the interpreter runs it from flash.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** What the shims need to know about the board they stand in for. */
export interface Boot0Options {
  /** process.env.BOARD the firmware sees (shared/boards.ts ids). */
  board: string;
  /** true: timers on a clock the driver advances (H.a); false: the interpreter's own, in real time. */
  driven: boolean;
  /** NRF.getBattery() volts. */
  volts: number;
  /** E.getBattery() percent, only on boards that have it. */
  percent?: number;
  /** NRF.getAddress(). */
  address: string;
}

const PARTS = ["core", "clock", "pins", "nrf", "board", "link"];

let sources: string[] | undefined;

/** The shims' folder: beside this file, or, when this file was bundled elsewhere (the benchmarks), in the project above. */
function partsDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  if (existsSync(path.join(dir, "boot0", "core.js"))) return path.join(dir, "boot0");
  for (; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const p = path.join(dir, "companion", "sim", "interpreter", "boot0");
    if (existsSync(path.join(p, "core.js"))) return p;
  }
  throw new Error("the interpreter's .boot0 shims (companion/sim/interpreter/boot0/) were not found");
}

export function boot0Source(o: Boot0Options): string {
  if (!sources) {
    const dir = partsDir();
    sources = PARTS.map((p) => readFileSync(path.join(dir, `${p}.js`), "utf8"));
  }
  return `(function () {\nvar O = ${JSON.stringify(o)};\n${sources.join("\n")}\n})();\n`;
}
