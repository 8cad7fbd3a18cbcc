/** The `E` object: watchdog, byte helpers, boot code, time zone, reboot, battery. */
import { randomBytes } from "node:crypto";
import { bytesToBinaryString, toBytes } from "../flash.js";
import type { GlobalsKit } from "./api.js";
import { crc32 } from "./crc32.js";
import { estimateVars } from "./memory.js";

export function eObject({ host, api, values }: GlobalsKit): Record<string, unknown> {
  const { object, array, uint8, arrayBuffer } = values;
  const E = object({
    enableWatchdog: api("E.enableWatchdog", (seconds?: unknown, isAuto?: unknown) =>
      host.enableWatchdog(seconds === undefined ? 1 : Number(seconds), isAuto === undefined ? true : !!isAuto),
    ),
    kickWatchdog: api("E.kickWatchdog", () => host.kickWatchdog()),
    toUint8Array: api("E.toUint8Array", (...args: unknown[]) => uint8(flatten(args))),
    toString: api("E.toString", (...args: unknown[]) => bytesToBinaryString(flatten(args))),
    toArrayBuffer: api("E.toArrayBuffer", (s: unknown) => arrayBuffer(toBytes(String(s)))),
    clip: api("E.clip", (x: unknown, min: unknown, max: unknown) => Math.min(Math.max(Number(x), Number(min)), Number(max))),
    sum: api("E.sum", (arr: unknown) => Array.from(arr as ArrayLike<number>).reduce((a: number, b) => a + Number(b), 0)),
    getSizeOf: api("E.getSizeOf", (v: unknown) => estimateVars([v])),
    CRC32: api("E.CRC32", (data: unknown) => crc32(toBytes(data))),
    // the radio's true random numbers, not the seeded stream: a board that starts its log over (an
    // erased flash, a restarted `massager sim`) must not pick the same log id or nonces again
    hwRand: api("E.hwRand", () => randomBytes(4).readInt32LE(0)),
    getTemperature: api("E.getTemperature", () => 25),
    getAnalogVRef: api("E.getAnalogVRef", () => 3.3),
    reboot: api("E.reboot", () => host.requestRestart("reboot")),
    setConsole: api("E.setConsole", (device: unknown, options: unknown) => host.setConsole(device, options)),
    setTimeZone: api("E.setTimeZone", (hours: unknown) => host.setTimeZone(Number(hours))),
    setBootCode: api("E.setBootCode", (code: unknown) => {
      host.flash.write(".bootcde", String(code));
    }),
    getErrorFlags: api("E.getErrorFlags", () => array([])),
    setFlags: api("E.setFlags", () => undefined),
    getFlags: api("E.getFlags", () => object()),
  });
  if (host.board.battery === "E") E.getBattery = api("E.getBattery", () => host.batteryPercent());
  return E;
}

/** E.toUint8Array/E.toString argument flattening (numbers, strings, arrays, buffers, {data, count}). */
function flatten(args: unknown[]): Uint8Array {
  const out: number[] = [];
  const walk = (a: unknown): void => {
    if (typeof a === "number") out.push(a & 0xff);
    else if (typeof a === "boolean") out.push(a ? 1 : 0);
    else if (typeof a === "string") for (let i = 0; i < a.length; i++) out.push(a.charCodeAt(i) & 0xff);
    else if (ArrayBuffer.isView(a) || Object.prototype.toString.call(a) === "[object ArrayBuffer]") out.push(...toBytes(a));
    else if (Array.isArray(a)) a.forEach(walk);
    else if (a !== null && typeof a === "object" && "data" in a) {
      const count = (a as { count?: number }).count ?? 1;
      for (let i = 0; i < count; i++) walk((a as { data: unknown }).data);
    }
  };
  args.forEach(walk);
  return Uint8Array.from(out);
}
