/**
 * Board JSON for espruino-tools, written from shared/boards.ts.
 *
 * Why: espruino-tools normally downloads `<board>.json` from the Espruino website to learn the
 * interpreter version (which decides whether `.bootcde` can be written with `Storage.write`) and
 * the built-in modules (so that `require("Storage")` is not fetched as a module). Offline — and
 * always, for a reproducible flash — `massager flash` hands it a local file instead (`--board FILE`),
 * generated from the same board table the firmware is built from.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { BOARDS, type BoardProfile } from "../../shared/boards";
import { UsageError } from "../errors";

/** The interpreter version the firmware targets (docs/ESPRUINO.md). */
const ESPRUINO_VERSION = "2v29";

const ALIASES: Record<string, string> = {
  mdbt42q: "MDBT42Q",
  mdbt42: "MDBT42Q",
  puck: "PUCKJS",
  puckjs: "PUCKJS",
  "puck.js": "PUCKJS",
  bangle2: "BANGLEJS2",
  banglejs2: "BANGLEJS2",
  "bangle.js2": "BANGLEJS2",
  "bangle.js 2": "BANGLEJS2",
  "bangle js 2": "BANGLEJS2",
};

/** A board as a person types it ("MDBT42Q", "puck", "Puck.js", "bangle2") → its profile. */
export function resolveBoard(name: string | undefined, fallback = "MDBT42Q"): BoardProfile {
  const want = (name ?? fallback).trim();
  const key = want.toLowerCase();
  const id = ALIASES[key] ?? ALIASES[key.replace(/[\s_-]/g, "")] ?? want.toUpperCase();
  const b = BOARDS.find((x) => x.id === id || x.name.toLowerCase() === key);
  if (!b) throw new UsageError(`unknown board "${want}"; use one of ${BOARDS.map((x) => x.id).join(", ")} (e.g. --board MDBT42Q)`);
  return b;
}

/** Built-in modules of the 2v2x nRF52 builds (what espruino-tools must not try to download). */
function builtinModules(b: BoardProfile): string[] {
  const common = ["Flash", "Storage", "heatshrink", "crypto", "neopixel", "ble_hid_keyboard", "ble_hid_mouse", "ble_hid_controls", "ble_eddystone", "ble_ibeacon", "ble_uart"];
  if (b.id === "BANGLEJS2") return [...common, "locale", "Layout", "power_usage"];
  if (b.id === "PUCKJS") return [...common, "puckjsv2-accel-movement", "puckjsv2-accel-bigmovement", "puckjsv2-accel-tilt"];
  return common;
}

/** The parts of an Espruino board JSON that espruino-tools reads when flashing code. */
export function boardJson(b: BoardProfile): Record<string, unknown> {
  const pageSize = 4096;
  const nrf52840 = b.id === "BANGLEJS2";
  return {
    BOARD: b.id,
    VERSION: ESPRUINO_VERSION,
    CONSOLE: "Bluetooth",
    info: {
      id: b.id,
      name: b.name,
      binary_version: ESPRUINO_VERSION,
      default_console: "EV_BLUETOOTH",
      variables: b.vars,
      builtin_modules: builtinModules(b),
    },
    chip: {
      family: "NRF52",
      part: nrf52840 ? "NRF52840" : "NRF52832",
      saved_code: {
        address: nrf52840 ? 0x60000000 : 0x78000 - b.flashBytes,
        page_size: pageSize,
        pages: Math.ceil(b.flashBytes / pageSize),
        flash_available: Math.round(b.flashBytes / 1024),
      },
    },
  };
}

/** Writes `<dir>/<BOARD>.json` and returns its path. */
export function writeBoardJson(dir: string, b: BoardProfile): string {
  const p = join(dir, `${b.id}.json`);
  writeFileSync(p, JSON.stringify(boardJson(b), null, 2) + "\n");
  return p;
}
