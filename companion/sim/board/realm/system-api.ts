/** The interpreter's own globals: print/console, require, process, restarts, base64, and no-op indicators. */
import { createHash } from "node:crypto";
import { bytesToBinaryString, toBytes } from "../flash.js";
import type { GlobalsKit } from "./api.js";
import { base64Decode, base64Encode } from "./base64.js";
import { formatValue } from "./format.js";

/** `print` and `console` (every console method prints one line). */
export function printApi({ host, api, values }: GlobalsKit) {
  const print = (...args: unknown[]): void => host.print(args.map((a) => formatValue(a)).join(" "));
  return {
    print: api("print", print),
    console: values.object({ log: print, info: print, warn: print, error: print, debug: print, trace: print }),
  };
}

/** `require`: the Storage module, and crypto with what the nRF52 builds have of it (SHA-256). */
export function requireFunction({ api, values }: GlobalsKit, storage: unknown) {
  const crypto = values.object({
    SHA256: api("crypto.SHA256", (data: unknown) => values.arrayBuffer(new Uint8Array(createHash("sha256").update(toBytes(data)).digest()))),
  });
  return api("require", (name: unknown) => {
    if (name === "Storage") return storage;
    if (name === "crypto") return crypto;
    throw new Error(`Module ${String(name)} not found`);
  });
}

/**
 * The virtual device cannot count Espruino's variables (a function costs about 8 there, a number
 * array one per element, …), and a made-up figure once hid a firmware that ran out of memory on the
 * board: process.memory() says so instead of answering. The real interpreter measures it.
 */
export const NO_MEMORY_FIGURES =
  "process.memory() is not available on the virtual device: it cannot count Espruino's variables; " +
  "measure memory on the real interpreter (ESPRUINO_BIN, `npm run bench`)";

export function processObject({ host, api, values }: GlobalsKit): Record<string, unknown> {
  const { object } = values;
  return object({
    env: object({ BOARD: host.board.id, VERSION: "2v29", CONSOLE: "Bluetooth", MODULES: "" }),
    version: "2v29",
    memory: api("process.memory", () => {
      throw new Error(NO_MEMORY_FIGURES);
    }),
  });
}

export function systemApi({ host, api }: GlobalsKit) {
  return {
    getSerial: api("getSerial", () => host.nrf.getAddress().slice(0, 17).replace(/:/g, "").padStart(16, "0").replace(/(.{8})/, "$1-")),
    reset: api("reset", () => host.requestRestart("reset")),
    load: api("load", () => host.requestRestart("load")),
    save: api("save", () => {
      throw new Error("save() is not supported by the virtual device: install the bundle into .bootcde instead");
    }),
    btoa: api("btoa", (s: unknown) => base64Encode(toBytes(String(s)))),
    atob: api("atob", (s: unknown) => bytesToBinaryString(base64Decode(String(s)))),
    setSleepIndicator: api("setSleepIndicator", () => undefined),
    setBusyIndicator: api("setBusyIndicator", () => undefined),
    setDeepSleep: api("setDeepSleep", () => undefined),
    dump: api("dump", () => undefined),
  };
}
