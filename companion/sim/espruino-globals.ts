/**
 * The firmware's world: a Node `vm` context whose globals are Espruino's, and nothing more.
 *
 * Why: the bundle that is flashed to the board must be tested as it is, in a scope that offers
 * what Espruino 2v29 offers (pins, PWM, setWatch, timers on the virtual clock, `E`, `NRF`,
 * `require("Storage")`, `process`, Espruino's `Date`, `Object.prototype.on/emit` with queued
 * emit) and LACKS what Espruino lacks (`Map`, `Set`, `Symbol`, `Array.from`,
 * `Number.isInteger`, … see ESPRUINO.md), so that a call to a missing built-in fails in a test
 * exactly as on the board. The missing names are deleted inside the context only; the host keeps
 * its own built-ins (every vm context has its own set).
 *
 * Everything the firmware gets back (arrays, typed arrays, ArrayBuffers, errors, event objects)
 * is created in the firmware's own realm, so `instanceof` behaves as on the board.
 *
 * Firmware callbacks are always run through `invoke`, which runs them inside
 * `Script.runInContext` so that the context's microtasks (Promise reactions) drain right after
 * each callback (Espruino runs them before the next event), and so that an optional timeout
 * can stop a hung callback.
 *
 * The device logic (time, console, reboot, watchdog) stays in VirtualDevice: this module only
 * wires `EspruinoHost` into globals.
 */
import vm from "node:vm";
import type { VirtualClock } from "./clock.js";
import { bytesToBinaryString, type Flash, PowerLossError, toBytes } from "./flash.js";
import type { VirtualNrf } from "./nrf.js";
import type { PinBank, WatchOptions } from "./pins.js";
import type { Random } from "./prng.js";

/** Globals Espruino does not have (deleted from the context before the bundle runs). */
export const ESPRUINO_MISSING_GLOBALS = [
  "Map",
  "Set",
  "WeakMap",
  "WeakSet",
  "Symbol",
  "Proxy",
  "Reflect",
  "TextEncoder",
  "TextDecoder",
  "RangeError",
  "BigInt",
  // Not in ESPRUINO.md's list but certainly absent on the board:
  "WeakRef",
  "FinalizationRegistry",
  "SharedArrayBuffer",
  "Atomics",
  "Intl",
  "WebAssembly",
  "AggregateError",
  "BigInt64Array",
  "BigUint64Array",
] as const;

/**
 * Static and prototype members Espruino does not have, as "Owner.member" paths
 * ("TypedArray" is the shared parent of Uint8Array & co).
 */
export const ESPRUINO_MISSING_MEMBERS = [
  "Array.from",
  "Array.of",
  "TypedArray.from",
  "TypedArray.of",
  "Number.isInteger",
  "Number.isNaN",
  "Number.EPSILON",
  "Math.imul",
  "Math.clz32",
  "Math.trunc",
  "Math.sign",
  "Math.log2",
  "Object.freeze",
  "Object.is",
  "Promise.race",
  "Promise.allSettled",
  "Promise.prototype.finally",
  "Date.UTC",
  "String.prototype.trimStart",
  "String.prototype.localeCompare",
  "Array.prototype.at",
  "Array.prototype.flat",
  "Array.prototype.flatMap",
  "Array.prototype.findLast",
  "Array.prototype.copyWithin",
  "Array.prototype.lastIndexOf",
  "Array.prototype.reduceRight",
  "ArrayBuffer.prototype.slice",
  "ArrayBuffer.isView",
  "TypedArray.BYTES_PER_ELEMENT",
] as const;

/** The board facts the globals need. */
export interface GlobalsBoard {
  id: string;
  name: string;
  ledPins: number[];
  buttonPin: number;
  /** Where the battery level comes from: only "E" boards have `E.getBattery()`. */
  battery: "nrf" | "E";
  /** JsVars the interpreter has (process.memory().total). */
  vars: number;
  /** Highest valid pin number (31 on nRF52832, 47 on nRF52840). */
  maxPin?: number;
}

/** What the VirtualDevice provides to the globals. */
export interface EspruinoHost {
  board: GlobalsBoard;
  clock: VirtualClock;
  flash: Flash;
  nrf: VirtualNrf;
  pins: PinBank;
  random: Random;
  /** False once the device lost power or hung: every API call then throws. */
  isAlive(): boolean;
  /** Device time in seconds (uptime + setTime offset). */
  getTime(): number;
  setTime(seconds: number): void;
  /** Time zone offset in ms (E.setTimeZone). */
  timeZoneMs(): number;
  setTimeZone(hours: number): void;
  /** Print one console line. */
  print(text: string): void;
  /** Run a firmware callback safely now (exceptions are recorded by the device). */
  call(fn: unknown, thisArg: unknown, args: unknown[]): void;
  /** Queue work in the device's event loop (dropped if the device restarts first). */
  post(fn: () => void): void;
  enableWatchdog(seconds: number, auto: boolean): void;
  kickWatchdog(): void;
  /** E.reboot()/load(): restart and run boot code; reset(): restart without boot code. */
  requestRestart(kind: "reboot" | "load" | "reset"): void;
  /** Battery percentage for boards with E.getBattery(). */
  batteryPercent(): number;
  setConsole(device: unknown, options: unknown): void;
}

export interface RealmOptions {
  /** Stop a firmware callback that runs longer than this (ms of real time); 0/undefined = never. */
  hangTimeoutMs?: number;
}

/** The firmware's context and the helpers the device uses to talk to it. */
export interface FirmwareRealm {
  readonly context: vm.Context;
  /** The context's global object (`global` inside). */
  readonly global: Record<string, unknown>;
  /** The `E` and `NRF` objects given to the firmware (for raising their events). */
  readonly E: object;
  readonly NRF: object;
  readonly Bluetooth: object;
  /** Call a firmware function; microtasks drain afterwards; throws what it throws. */
  invoke(fn: unknown, thisArg: unknown, args: unknown[]): unknown;
  /** Run source code in the context (boot code, console input). */
  run(source: string, filename: string, timeoutMs?: number): unknown;
  /** Run the listeners of `event` on a firmware object now (each through the device's `call`). */
  fire(target: object, event: string, args: unknown[]): void;
  object(props?: Record<string, unknown>): Record<string, unknown>;
  array(items: unknown[]): unknown[];
  uint8(bytes: Uint8Array): Uint8Array;
  arrayBuffer(bytes: Uint8Array): ArrayBuffer;
  error(message: string, name?: string): Error;
  /** Rough JsVar usage of the firmware's globals (see `estimateVars`). */
  memory(): { free: number; usage: number; total: number };
  /** Compile a string callback (setTimeout("code")) into a function. */
  compile(code: string): unknown;
}

/** Functions the prelude returns (all in the firmware realm). */
interface PreludeExports {
  fire(target: object, event: string, args: unknown[]): void;
  object(): Record<string, unknown>;
  array(items: ArrayLike<unknown>): unknown[];
  uint8(n: number): Uint8Array;
  error(message: string, name?: string): Error;
}

const INVOKE = "__sim$invoke";

/**
 * Runs in the context before the bundle (before the missing built-ins are removed): installs
 * Object.prototype.on/emit (Espruino's: every object is an event emitter and emit is queued),
 * Espruino's Date (follows getTime(), time zone from E.setTimeZone, not the host's),
 * a seeded Math.random, and hides static members that cannot be deleted.
 */
const PRELUDE = String.raw`(function (hooks) {
  "use strict";
  var OP = Object.prototype, hasOwn = OP.hasOwnProperty, defineProperty = Object.defineProperty;
  var R = Reflect, ProxyCtor = Proxy; // captured: both are removed from the globals later
  function listeners(o, evt, create) {
    var k = "#on" + evt;
    if (!hasOwn.call(o, k)) {
      if (!create) return undefined;
      defineProperty(o, k, { value: [], writable: true, configurable: true, enumerable: false });
    }
    return o[k];
  }
  function def(owner, name, fn) {
    defineProperty(owner, name, { value: fn, writable: true, configurable: true, enumerable: false });
  }
  def(OP, "on", function (evt, fn) { listeners(this, evt, true).push(fn); return this; });
  def(OP, "addListener", OP.on);
  def(OP, "prependListener", function (evt, fn) { listeners(this, evt, true).unshift(fn); return this; });
  def(OP, "removeListener", function (evt, fn) {
    var l = listeners(this, evt, false);
    if (l) { var i = l.indexOf(fn); if (i >= 0) l.splice(i, 1); }
    return this;
  });
  def(OP, "removeAllListeners", function (evt) {
    var self = this;
    if (evt === undefined) {
      Object.getOwnPropertyNames(self).forEach(function (k) { if (k.indexOf("#on") === 0) delete self[k]; });
    } else {
      delete self["#on" + evt];
    }
    return this;
  });
  def(OP, "emit", function (evt) {
    var args = [];
    for (var i = 1; i < arguments.length; i++) args.push(arguments[i]);
    hooks.emit(this, String(evt), args);
  });
  function fire(target, evt, args) {
    var l = listeners(target, evt, false);
    if (!l) return;
    l = l.slice();
    for (var i = 0; i < l.length; i++) hooks.call(l[i], target, args);
  }

  // ---- Espruino's Date: follows getTime(), local time = UTC + E.setTimeZone offset
  var RealDate = Date, realGetTime = RealDate.prototype.getTime, realSetTime = RealDate.prototype.setTime;
  var isoLocal = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?$/;
  function parse(s) {
    s = String(s);
    if (isoLocal.test(s)) return RealDate.parse(s + "Z") - hooks.tzMs();
    return RealDate.parse(s);
  }
  function SimDate(a, b, c, d, e, f, g) {
    if (!(this instanceof SimDate)) return new SimDate().toString();
    var n = arguments.length, t;
    if (n === 0) t = hooks.nowMs();
    else if (n === 1) t = (a !== null && typeof a === "object" && typeof a.getTime === "function") ? a.getTime()
      : (typeof a === "string" ? parse(a) : Number(a));
    else t = RealDate.UTC(a, b, n > 2 ? c : 1, n > 3 ? d : 0, n > 4 ? e : 0, n > 5 ? f : 0, n > 6 ? g : 0) - hooks.tzMs();
    var o = new RealDate(t);
    Object.setPrototypeOf(o, SimDate.prototype);
    return o;
  }
  SimDate.prototype = Object.create(RealDate.prototype);
  def(SimDate.prototype, "constructor", SimDate);
  SimDate.now = function () { return hooks.nowMs(); };
  SimDate.parse = parse;
  ["FullYear", "Month", "Date", "Day", "Hours", "Minutes", "Seconds", "Milliseconds"].forEach(function (k) {
    var getUTC = RealDate.prototype["getUTC" + k];
    def(SimDate.prototype, "get" + k, function () { return getUTC.call(new RealDate(realGetTime.call(this) + hooks.tzMs())); });
    if (k !== "Day") {
      var setUTC = RealDate.prototype["setUTC" + k];
      def(SimDate.prototype, "set" + k, function () {
        var tz = hooks.tzMs(), d = new RealDate(realGetTime.call(this) + tz);
        setUTC.apply(d, arguments);
        return realSetTime.call(this, realGetTime.call(d) - tz);
      });
    }
  });
  def(SimDate.prototype, "getTimezoneOffset", function () { return -hooks.tzMs() / 60000; });
  var DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  function p2(n) { return (n < 10 ? "0" : "") + n; }
  def(SimDate.prototype, "toString", function () {
    var tz = hooks.tzMs() / 60000, sign = tz < 0 ? "-" : "+", atz = Math.abs(tz);
    return DAYS[this.getDay()] + " " + MONTHS[this.getMonth()] + " " + this.getDate() + " " + this.getFullYear() + " " +
      p2(this.getHours()) + ":" + p2(this.getMinutes()) + ":" + p2(this.getSeconds()) +
      " GMT" + sign + p2(Math.floor(atz / 60)) + p2(atz % 60);
  });
  globalThis.Date = SimDate;
  Math.random = hooks.random;

  // ---- Hide statics that V8 makes non-configurable (Number.EPSILON, X.BYTES_PER_ELEMENT)
  function hide(name, names) {
    var Real = globalThis[name];
    var target = (function () { "use strict"; return function () {}; })();
    var proxy = new ProxyCtor(target, {
      apply: function (t, self, args) { return R.apply(Real, self, args); },
      construct: function (t, args, nt) { return R.construct(Real, args, nt === proxy ? Real : nt); },
      get: function (t, k) { if (names.indexOf(k) >= 0) return undefined; return k === "prototype" ? Real.prototype : Real[k]; },
      has: function (t, k) { return names.indexOf(k) < 0 && (k in Real); }
    });
    globalThis[name] = proxy;
  }
  hide("Number", ["EPSILON", "isInteger", "isNaN"]);
  ["Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array",
   "Float32Array", "Float64Array"].forEach(function (n) { hide(n, ["BYTES_PER_ELEMENT", "from", "of"]); });

  var U8 = globalThis.Uint8Array, Err = Error;
  return {
    fire: fire,
    object: function () { return {}; },
    array: function (items) { var r = []; for (var i = 0; i < items.length; i++) r.push(items[i]); return r; },
    uint8: function (n) { return new U8(n); },
    error: function (message, name) { var e = new Err(message); if (name) e.name = name; return e; }
  };
})`;

/** Removes what Espruino lacks (runs last, after the prelude captured what it needs). */
const STRIP = String.raw`(function (globals, members) {
  var g = globalThis, TA = Object.getPrototypeOf(Int8Array.prototype).constructor;
  globals.forEach(function (n) { delete g[n]; });
  members.forEach(function (path) {
    var parts = path.split("."), owner = parts[0] === "TypedArray" ? TA : g[parts[0]];
    for (var i = 1; i < parts.length - 1 && owner; i++) owner = owner[parts[i]];
    if (owner) { try { delete owner[parts[parts.length - 1]]; } catch (e) {} }
  });
})`;

/** Build the firmware's context for one boot of the device. */
export function createFirmwareRealm(host: EspruinoHost, opts: RealmOptions = {}): FirmwareRealm {
  const sandbox: Record<string, unknown> = {};
  const context = vm.createContext(sandbox, {
    name: `espruino ${host.board.id}`,
    microtaskMode: "afterEvaluate",
    codeGeneration: { strings: true, wasm: false },
  });
  const timeout = opts.hangTimeoutMs && opts.hangTimeoutMs > 0 ? opts.hangTimeoutMs : undefined;

  // ---- invoking firmware functions from the host
  let slot: { fn: unknown; thisArg: unknown; args: unknown[] } | undefined;
  let depth = 0;
  Object.defineProperty(sandbox, INVOKE, {
    value: () => {
      const s = slot!;
      slot = undefined;
      return (s.fn as (...a: unknown[]) => unknown).apply(s.thisArg, s.args);
    },
    enumerable: false,
  });
  const invokeScript = new vm.Script(`${INVOKE}()`, { filename: "espruino-event" });
  const invoke = (fn: unknown, thisArg: unknown, args: unknown[]): unknown => {
    if (typeof fn !== "function") throw realmError(`Callback is not a function (${typeof fn})`, "TypeError");
    if (depth > 0) return (fn as (...a: unknown[]) => unknown).apply(thisArg, args); // already inside the context
    slot = { fn, thisArg, args };
    depth++;
    try {
      return invokeScript.runInContext(context, timeout ? { timeout } : undefined);
    } finally {
      depth--;
      slot = undefined;
    }
  };
  const run = (source: string, filename: string, timeoutMs?: number): unknown => {
    const script = new vm.Script(source, { filename });
    const t = timeoutMs ?? timeout;
    depth++;
    try {
      return script.runInContext(context, t ? { timeout: t } : undefined);
    } finally {
      depth--;
    }
  };

  // ---- prelude: on/emit, Date, Math.random, hidden statics
  const prelude = vm.runInContext(PRELUDE, context) as (hooks: unknown) => PreludeExports;
  const realm = prelude({
    emit: (target: object, event: string, args: unknown[]) => host.post(() => realm.fire(target, event, args)),
    call: (fn: unknown, thisArg: unknown, args: unknown[]) => host.call(fn, thisArg, args),
    nowMs: () => host.getTime() * 1000,
    tzMs: () => host.timeZoneMs(),
    random: () => host.random(),
  });
  const realmError = (message: string, name?: string): Error => realm.error(message, name);
  const CtxError = vm.runInContext("Error", context) as ErrorConstructor;
  const ctxJsonParse = vm.runInContext("JSON.parse", context) as (s: string) => unknown;
  const CtxArrayBuffer = vm.runInContext("ArrayBuffer", context) as ArrayBufferConstructor;
  const object = (props: Record<string, unknown> = {}): Record<string, unknown> => Object.assign(realm.object(), props);
  const array = (items: unknown[]): unknown[] => realm.array(items);
  const uint8 = (bytes: Uint8Array): Uint8Array => {
    const u = realm.uint8(bytes.length);
    u.set(bytes);
    return u;
  };
  const arrayBuffer = (bytes: Uint8Array): ArrayBuffer => {
    const buf = new CtxArrayBuffer(bytes.length);
    new Uint8Array(buf).set(bytes);
    return buf;
  };
  const compile = (code: string): unknown => run(`(function(){${code}\n})`, "string-callback");
  const toCallback = (fn: unknown): unknown => (typeof fn === "string" ? compile(fn) : fn);

  /**
   * Wrap a host implementation as a firmware API function: refuses to run once the device is
   * off, and turns host exceptions into firmware-realm Errors with the same message.
   */
  const api = <A extends unknown[], R>(name: string, impl: (...args: A) => R) =>
    function (this: unknown, ...args: A): R {
      if (!host.isAlive()) throw realmError(`${name}: the device has no power`, "Error");
      try {
        return impl(...args);
      } catch (e) {
        if (e instanceof PowerLossError) throw realmError(e.message, "PowerLossError");
        if (e !== null && typeof e === "object" && "message" in e) {
          const err = e as Error;
          if (Object.prototype.isPrototypeOf.call(CtxError.prototype, err)) throw err; // already a firmware-realm error
          throw realmError(err.message, err.name === "Error" || !err.name ? "Error" : err.name);
        }
        throw e;
      }
    };

  const g = vm.runInContext("globalThis", context) as Record<string, unknown>;
  const board = host.board;
  const maxPin = board.maxPin ?? 31;
  const pinOf = (p: unknown, fname: string): number => {
    const n = typeof p === "number" ? p : typeof p === "string" && /^D\d+$/.test(p) ? Number(p.slice(1)) : NaN;
    if (!Number.isInteger(n) || n < 0 || n > maxPin) throw new Error(`${fname}: invalid pin ${String(p)}`);
    return n;
  };
  const format = (v: unknown): string => formatValue(v);
  const print = (...args: unknown[]): void => host.print(args.map(format).join(" "));

  // ---- pins
  const defs: Record<string, unknown> = {};
  for (let i = 0; i <= maxPin; i++) defs[`D${i}`] = i;
  board.ledPins.forEach((p, i) => (defs[`LED${i + 1}`] = p));
  if (board.ledPins.length > 0) defs.LED = board.ledPins[0];
  defs.BTN = board.buttonPin;
  defs.BTN1 = board.buttonPin;

  const digitalWrite = api("digitalWrite", (pin: unknown, value: unknown) => {
    if (Array.isArray(pin)) {
      const v = Number(value);
      pin.forEach((p, i) => host.pins.write(pinOf(p, "digitalWrite"), (v >> (pin.length - 1 - i)) & 1));
      return;
    }
    host.pins.write(pinOf(pin, "digitalWrite"), value ? 1 : 0);
  });
  const digitalRead = api("digitalRead", (pin: unknown): number => {
    if (Array.isArray(pin)) return pin.reduce((acc: number, p) => (acc << 1) | (host.pins.level(pinOf(p, "digitalRead")) >= 0.5 ? 1 : 0), 0);
    return host.pins.level(pinOf(pin, "digitalRead")) >= 0.5 ? 1 : 0;
  });
  const analogWrite = api("analogWrite", (pin: unknown, value: unknown, o?: { freq?: number }) => {
    const freq = o && typeof o === "object" && typeof o.freq === "number" ? o.freq : undefined;
    host.pins.write(pinOf(pin, "analogWrite"), Number(value), freq);
  });
  const digitalPulse = api("digitalPulse", (pin: unknown, value: unknown, time: unknown) => {
    const times = Array.isArray(time) || ArrayBuffer.isView(time) ? Array.from(time as ArrayLike<number>, Number) : [Number(time)];
    host.pins.pulse(pinOf(pin, "digitalPulse"), value ? 1 : 0, times);
  });

  // ---- timers
  const setTimeoutFw = api("setTimeout", (fn: unknown, ms?: unknown, ...args: unknown[]) => {
    const cb = toCallback(fn);
    return host.clock.setTimeout((...a: unknown[]) => host.call(cb, undefined, a), Number(ms), ...args);
  });
  const setIntervalFw = api("setInterval", (fn: unknown, ms?: unknown, ...args: unknown[]) => {
    const cb = toCallback(fn);
    return host.clock.setInterval((...a: unknown[]) => host.call(cb, undefined, a), Number(ms), ...args);
  });
  const clearTimer = (kind: "Timeout" | "Interval") =>
    api(`clear${kind}`, (...args: unknown[]) => {
      if (args.length === 0) {
        host.clock.clearAll();
        return;
      }
      if (!host.clock.clear(Number(args[0]))) throw new Error(`Unknown ${kind}`);
    });

  // ---- Storage
  const storage = object({
    write: api("Storage.write", (name: unknown, data: unknown, offset?: unknown, size?: unknown) =>
      host.flash.write(String(name), data as never, offset as number, size as number),
    ),
    writeJSON: api("Storage.writeJSON", (name: unknown, data: unknown) => host.flash.writeJSON(String(name), data)),
    read: api("Storage.read", (name: unknown, offset?: unknown, length?: unknown) =>
      host.flash.read(String(name), offset as number, length as number),
    ),
    readJSON: api("Storage.readJSON", (name: unknown, noExceptions?: unknown) => {
      const s = host.flash.read(String(name));
      if (s === undefined) return undefined;
      try {
        return ctxJsonParse(s); // parsed into firmware-realm objects
      } catch (e) {
        if (noExceptions) return undefined;
        throw e;
      }
    }),
    readArrayBuffer: api("Storage.readArrayBuffer", (name: unknown) => {
      const b = host.flash.readBytes(String(name));
      return b === undefined ? undefined : arrayBuffer(b);
    }),
    erase: api("Storage.erase", (name: unknown) => host.flash.erase(String(name))),
    list: api("Storage.list", (regex?: unknown) => array(host.flash.list(regex as RegExp | undefined))),
    compact: api("Storage.compact", () => host.flash.compact()),
    getFree: api("Storage.getFree", () => host.flash.getFree()),
    getStats: api("Storage.getStats", () => object({ ...host.flash.getStats() })),
    eraseAll: api("Storage.eraseAll", () => host.flash.eraseAll()),
    open: api("Storage.open", () => {
      throw new Error("Storage.open (StorageFile) is not modelled by the virtual device");
    }),
  });

  // ---- E
  const E = object();
  Object.assign(E, {
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
    hwRand: api("E.hwRand", () => Math.floor(host.random() * 0x100000000) | 0),
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
  if (board.battery === "E") E.getBattery = api("E.getBattery", () => host.batteryPercent());

  // ---- NRF (firmware face of VirtualNrf)
  const nrf = host.nrf;
  const NRF = object({
    setServices: api("NRF.setServices", (s: unknown, o?: unknown) => nrf.setServices(s as never, (o ?? {}) as { uart?: boolean })),
    updateServices: api("NRF.updateServices", (u: unknown) => nrf.updateServices(u as never)),
    setAdvertising: api("NRF.setAdvertising", (d: unknown, o?: unknown) => nrf.setAdvertising(d, (o ?? {}) as Record<string, unknown>)),
    setSecurity: api("NRF.setSecurity", (o: unknown) => nrf.setSecurity((o ?? {}) as Record<string, unknown>)),
    getSecurityStatus: api("NRF.getSecurityStatus", () => object(nrf.getSecurityStatus())),
    disconnect: api("NRF.disconnect", () => nrf.disconnect()),
    getBattery: api("NRF.getBattery", () => nrf.getBattery()),
    setConnectionInterval: api("NRF.setConnectionInterval", (v: unknown) => nrf.setConnectionInterval(v)),
    getAddress: api("NRF.getAddress", () => nrf.getAddress()),
    setTxPower: api("NRF.setTxPower", (v: unknown) => nrf.setTxPower(Number(v))),
    sleep: api("NRF.sleep", () => nrf.sleep()),
    wake: api("NRF.wake", () => nrf.wake()),
    restart: api("NRF.restart", (cb?: unknown) => {
      nrf.restart();
      if (typeof cb === "function") host.post(() => host.call(cb, undefined, []));
    }),
  });

  const Bluetooth = object({
    write: api("Bluetooth.write", (...args: unknown[]) => nrf.consoleOutput(args.map((a) => (typeof a === "string" ? a : format(a))).join(""))),
    print: api("Bluetooth.print", (...args: unknown[]) => nrf.consoleOutput(args.map(format).join(""))),
    println: api("Bluetooth.println", (...args: unknown[]) => nrf.consoleOutput(`${args.map(format).join("")}\r\n`)),
    setConsole: api("Bluetooth.setConsole", () => host.setConsole("Bluetooth", undefined)),
  });

  const consoleObj = object({ log: print, info: print, warn: print, error: print, debug: print, trace: print });

  const processObj = object({
    env: object({ BOARD: board.id, VERSION: "2v29", CONSOLE: "Bluetooth", MODULES: "" }),
    version: "2v29",
    memory: api("process.memory", () => {
      const m = memory();
      return object({ free: m.free, usage: m.usage, total: m.total, history: 0, gc: 0, gctime: 0, blocksize: 14 });
    }),
  });

  Object.assign(g, defs, {
    global: g,
    print: api("print", print),
    console: consoleObj,
    require: api("require", (name: unknown) => {
      if (name === "Storage") return storage;
      throw new Error(`Module ${String(name)} not found`);
    }),
    process: processObj,
    E,
    NRF,
    Bluetooth,
    setTimeout: setTimeoutFw,
    setInterval: setIntervalFw,
    clearTimeout: clearTimer("Timeout"),
    clearInterval: clearTimer("Interval"),
    changeInterval: api("changeInterval", (id: unknown, ms: unknown) => {
      if (!host.clock.changeInterval(Number(id), Number(ms))) throw new Error("Unknown Interval");
    }),
    setWatch: api("setWatch", (fn: unknown, pin: unknown, o?: unknown) => {
      const p = pinOf(pin, "setWatch");
      const cb = toCallback(fn);
      if (typeof cb !== "function") throw new Error("Function or String not supplied!");
      return host.pins.setWatch(cb, p, o as WatchOptions | boolean | undefined, p === board.buttonPin);
    }),
    clearWatch: api("clearWatch", (...args: unknown[]) => {
      // Espruino: clearWatch() and clearWatch(undefined) both remove every watch.
      if (args.length === 0 || args[0] === undefined) {
        host.pins.clearAllWatches();
        return;
      }
      if (!host.pins.clearWatch(Number(args[0]))) throw new Error("Unknown Watch");
    }),
    digitalWrite,
    digitalRead,
    digitalPulse,
    analogWrite,
    analogRead: api("analogRead", (pin: unknown) => host.pins.level(pinOf(pin, "analogRead"))),
    pinMode: api("pinMode", (pin: unknown, mode?: unknown) => host.pins.setMode(pinOf(pin, "pinMode"), String(mode ?? "auto"))),
    getPinMode: api("getPinMode", (pin: unknown) => host.pins.getMode(pinOf(pin, "getPinMode"))),
    getTime: api("getTime", () => host.getTime()),
    setTime: api("setTime", (s: unknown) => host.setTime(Number(s))),
    getSerial: api("getSerial", () => nrf.getAddress().slice(0, 17).replace(/:/g, "").padStart(16, "0").replace(/(.{8})/, "$1-")),
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
  });

  // Names present before the firmware runs: not counted as firmware memory.
  const builtinNames = new Set(Object.getOwnPropertyNames(g));
  const memory = () => {
    const own = Object.getOwnPropertyNames(g).filter((k) => !builtinNames.has(k));
    const usage = 120 + own.length + estimateVars(own.map((k) => g[k]));
    return { free: Math.max(0, board.vars - usage), usage, total: board.vars };
  };

  vm.runInContext(STRIP, context)(array([...ESPRUINO_MISSING_GLOBALS]), array([...ESPRUINO_MISSING_MEMBERS]));

  return {
    context,
    global: g,
    E,
    NRF,
    Bluetooth,
    invoke,
    run,
    fire: (target, event, args) => realm.fire(target, event, args),
    object,
    array,
    uint8,
    arrayBuffer,
    error: realmError,
    memory,
    compile,
  };
}

// ------------------------------------------------------------------ helpers

/** Espruino-like console formatting: strings as they are, values roughly as Espruino prints them. */
export function formatValue(v: unknown): string {
  if (typeof v === "string") return v;
  if (v === undefined) return "undefined";
  if (typeof v === "function") return "function () { ... }";
  if (typeof v !== "object" || v === null) return String(v);
  if (ArrayBuffer.isView(v)) {
    const name = Object.prototype.toString.call(v).slice(8, -1);
    return `new ${name}([${Array.prototype.join.call(v as unknown as ArrayLike<number>, ", ")}])`;
  }
  if (Object.prototype.toString.call(v) === "[object Error]") {
    const e = v as Error;
    return `${e.name ?? "Error"}: ${e.message}`;
  }
  try {
    return JSON.stringify(v, (_k, x) => (ArrayBuffer.isView(x) ? Array.from(x as unknown as ArrayLike<number>) : x)) ?? String(v);
  } catch {
    return String(v);
  }
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

/**
 * A ROUGH count of Espruino JsVars (about 14 bytes each) that the given values would occupy:
 * objects and arrays 1 + 1 per property, strings about 1 per 12 characters, typed arrays about
 * 1 per 12 bytes, functions 2 (their code stays in flash). Good enough to notice a memory leak
 * or a buffer that will not fit in 2630 variables, not a measurement.
 */
export function estimateVars(roots: unknown[], limit = 200000): number {
  const seen = new Set<object>();
  let vars = 0;
  const stack = [...roots];
  while (stack.length > 0 && seen.size < limit) {
    const v = stack.pop();
    if (typeof v === "string") {
      vars += v.length <= 4 ? 0 : Math.ceil((v.length - 4) / 12);
      continue;
    }
    if (v === null || (typeof v !== "object" && typeof v !== "function")) continue;
    if (seen.has(v as object)) continue;
    seen.add(v as object);
    if (typeof v === "function") {
      vars += 2;
      continue;
    }
    if (ArrayBuffer.isView(v)) {
      vars += 2 + Math.ceil(v.byteLength / 12);
      continue;
    }
    if (Object.prototype.toString.call(v) === "[object ArrayBuffer]") {
      vars += 1 + Math.ceil((v as ArrayBuffer).byteLength / 12);
      continue;
    }
    vars += 1;
    for (const k of Object.keys(v as object)) {
      vars += 1;
      stack.push((v as Record<string, unknown>)[k]);
    }
  }
  return vars;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** Standard CRC-32 (what Espruino's E.CRC32 returns). */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

function base64Encode(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    s += B64[(n >> 18) & 63] + B64[(n >> 12) & 63];
    s += i + 1 < bytes.length ? B64[(n >> 6) & 63] : "=";
    s += i + 2 < bytes.length ? B64[n & 63] : "=";
  }
  return s;
}

function base64Decode(s: string): Uint8Array {
  const clean = s.replace(/[^A-Za-z0-9+/]/g, "");
  const out: number[] = [];
  for (let i = 0; i < clean.length; i += 4) {
    const c = [0, 1, 2, 3].map((j) => (i + j < clean.length ? B64.indexOf(clean[i + j]) : -1));
    const n = (c[0] << 18) | (c[1] << 12) | (Math.max(0, c[2]) << 6) | Math.max(0, c[3]);
    out.push((n >> 16) & 0xff);
    if (c[2] >= 0) out.push((n >> 8) & 0xff);
    if (c[3] >= 0) out.push(n & 0xff);
  }
  return Uint8Array.from(out);
}
