/** The pin globals: pin names (D0…, LED1…, BTN), digital/analog I/O and setWatch, over the PinBank. */
import type { WatchOptions } from "../pins.js";
import type { GlobalsKit } from "./api.js";
import type { GlobalsBoard } from "./host.js";

/** D0…Dmax, LED1…, LED, BTN, BTN1 as numbers. */
export function pinNames(board: GlobalsBoard): Record<string, number> {
  const names: Record<string, number> = {};
  for (let i = 0; i <= (board.maxPin ?? 31); i++) names[`D${i}`] = i;
  board.ledPins.forEach((p, i) => (names[`LED${i + 1}`] = p));
  if (board.ledPins.length > 0) names.LED = board.ledPins[0];
  names.BTN = board.buttonPin;
  names.BTN1 = board.buttonPin;
  return names;
}

export function pinApi({ host, api, toCallback }: GlobalsKit) {
  const board = host.board;
  const maxPin = board.maxPin ?? 31;
  const pinOf = (p: unknown, fname: string): number => {
    const n = typeof p === "number" ? p : typeof p === "string" && /^D\d+$/.test(p) ? Number(p.slice(1)) : NaN;
    if (!Number.isInteger(n) || n < 0 || n > maxPin) throw new Error(`${fname}: invalid pin ${String(p)}`);
    return n;
  };
  return {
    setWatch: api("setWatch", (fn: unknown, pin: unknown, o?: unknown) => {
      const p = pinOf(pin, "setWatch");
      const cb = toCallback(fn);
      if (typeof cb !== "function") throw new Error("Function or String not supplied!");
      return host.pins.setWatch(cb, p, o as WatchOptions | boolean | undefined, p === board.buttonPin);
    }),
    clearWatch: api("clearWatch", (...args: unknown[]) => {
      // Espruino 2v29: clearWatch() removes every watch; clearWatch(undefined) throws (a lost id must not clear them all)
      if (args.length === 0) {
        host.pins.clearAllWatches();
        return;
      }
      if (args[0] === undefined) throw new Error("clearWatch(undefined) not allowed. Use clearWatch() instead");
      if (!host.pins.clearWatch(Number(args[0]))) throw new Error("Unknown Watch");
    }),
    digitalWrite: api("digitalWrite", (pin: unknown, value: unknown) => {
      if (Array.isArray(pin)) {
        const v = Number(value);
        pin.forEach((p, i) => host.pins.write(pinOf(p, "digitalWrite"), (v >> (pin.length - 1 - i)) & 1));
        return;
      }
      host.pins.write(pinOf(pin, "digitalWrite"), value ? 1 : 0);
    }),
    digitalRead: api("digitalRead", (pin: unknown): number => {
      if (Array.isArray(pin)) return pin.reduce((acc: number, p) => (acc << 1) | (host.pins.level(pinOf(p, "digitalRead")) >= 0.5 ? 1 : 0), 0);
      return host.pins.level(pinOf(pin, "digitalRead")) >= 0.5 ? 1 : 0;
    }),
    digitalPulse: api("digitalPulse", (pin: unknown, value: unknown, time: unknown) => {
      const times = Array.isArray(time) || ArrayBuffer.isView(time) ? Array.from(time as ArrayLike<number>, Number) : [Number(time)];
      host.pins.pulse(pinOf(pin, "digitalPulse"), value ? 1 : 0, times);
    }),
    analogWrite: api("analogWrite", (pin: unknown, value: unknown, o?: { freq?: number }) => {
      const freq = o && typeof o === "object" && typeof o.freq === "number" ? o.freq : undefined;
      host.pins.write(pinOf(pin, "analogWrite"), Number(value), freq);
    }),
    analogRead: api("analogRead", (pin: unknown) => host.pins.level(pinOf(pin, "analogRead"))),
    pinMode: api("pinMode", (pin: unknown, mode?: unknown) => host.pins.setMode(pinOf(pin, "pinMode"), String(mode ?? "auto"))),
    getPinMode: api("getPinMode", (pin: unknown) => host.pins.getMode(pinOf(pin, "getPinMode"))),
  };
}
