/**
 * The `.boot0` the harness writes before the bundle: the shims in ./boot0/ (what the Linux build of
 * Espruino lacks, and the driver's hooks), concatenated in order inside one function, after the
 * harness options as `var O`. Plain Espruino-safe JavaScript: the interpreter runs it from flash.
 */
import { readFileSync } from "node:fs";

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

export function boot0Source(o: Boot0Options): string {
  sources ??= PARTS.map((p) => readFileSync(new URL(`./boot0/${p}.js`, import.meta.url), "utf8"));
  return `(function () {\nvar O = ${JSON.stringify(o)};\n${sources.join("\n")}\n})();\n`;
}
