/**
 * The firmware's world: a Node `vm` context whose globals are Espruino's, and nothing more.
 *
 * Why: the bundle that is flashed to the board must be tested as it is, in a scope that offers
 * what Espruino 2v29 offers (pins, PWM, setWatch, timers on the virtual clock, `E`, `NRF`,
 * `require("Storage")`, `process`, Espruino's `Date`, `Object.prototype.on/emit` with queued
 * emit) and LACKS what Espruino lacks (missing.ts), so that a call to a missing built-in fails
 * in a test exactly as on the board.
 *
 * Everything the firmware gets back is created in the firmware's own realm (values.ts);
 * firmware callbacks run through `invoke` (run.ts).
 *
 * The device logic (time, console, reboot, watchdog) stays in VirtualDevice: this folder only
 * wires `EspruinoHost` into globals, one group of globals per file.
 */
import vm from "node:vm";
import { apiWrapper, type GlobalsKit } from "./api.js";
import { eObject } from "./e-api.js";
import { installEvents } from "./events.js";
import type { EspruinoHost } from "./host.js";
import { removeWhatEspruinoLacks } from "./missing.js";
import { bluetoothObject, nrfObject } from "./nrf-api.js";
import { pinApi, pinNames } from "./pin-api.js";
import { createRunner, type FirmwareRunner } from "./run.js";
import { storageModule } from "./storage-api.js";
import { printApi, processObject, requireFunction, systemApi } from "./system-api.js";
import { installDate, timeApi } from "./time.js";
import { timerApi } from "./timer-api.js";
import { realmValues, type RealmValues } from "./values.js";

export interface RealmOptions {
  /** Stop a firmware callback that runs longer than this (ms of real time); 0/undefined = never. */
  hangTimeoutMs?: number;
}

/** The firmware's context and the helpers the device uses to talk to it. */
export interface FirmwareRealm extends FirmwareRunner, Omit<RealmValues, "isRealmError" | "parseJson"> {
  readonly context: vm.Context;
  /** The context's global object (`global` inside). */
  readonly global: Record<string, unknown>;
  /** The `E` and `NRF` objects given to the firmware (for raising their events). */
  readonly E: object;
  readonly NRF: object;
  readonly Bluetooth: object;
  /** Run the listeners of `event` on a firmware object now (each through the device's `call`). */
  fire(target: object, event: string, args: unknown[]): void;
}

/** Build the firmware's context for one boot of the device. */
export function createFirmwareRealm(host: EspruinoHost, opts: RealmOptions = {}): FirmwareRealm {
  const sandbox: Record<string, unknown> = {};
  const context = vm.createContext(sandbox, {
    name: `espruino ${host.board.id}`,
    microtaskMode: "afterEvaluate",
    codeGeneration: { strings: true, wasm: false },
  });
  const timeout = opts.hangTimeoutMs && opts.hangTimeoutMs > 0 ? opts.hangTimeoutMs : undefined;
  const values = realmValues(context);
  const runner = createRunner(sandbox, context, timeout, values.error);

  // Preludes: they run before the missing built-ins are removed, and capture what they need.
  const fire = installEvents(context, {
    emit: (target, event, args) => host.post(() => fire(target, event, args)),
    call: (fn, thisArg, args) => host.call(fn, thisArg, args),
  });
  installDate(context, { nowMs: () => host.getTime() * 1000, tzMs: () => host.timeZoneMs() });
  const g = vm.runInContext("globalThis", context) as Record<string, unknown>;
  (g.Math as { random: () => number }).random = () => host.random(); // seeded, so a run repeats

  const kit: GlobalsKit = {
    host,
    api: apiWrapper(host, values),
    values,
    toCallback: (fn) => (typeof fn === "string" ? runner.compile(fn) : fn),
  };
  const E = eObject(kit);
  const NRF = nrfObject(kit);
  const Bluetooth = bluetoothObject(kit);
  Object.assign(g, pinNames(host.board), {
    global: g,
    ...printApi(kit),
    require: requireFunction(kit, storageModule(kit)),
    process: processObject(kit),
    E,
    NRF,
    Bluetooth,
    ...timerApi(kit),
    ...pinApi(kit),
    ...timeApi(kit),
    ...systemApi(kit),
  });

  removeWhatEspruinoLacks(context, values.array);

  return {
    context,
    global: g,
    E,
    NRF,
    Bluetooth,
    ...runner,
    fire,
    object: values.object,
    array: values.array,
    uint8: values.uint8,
    arrayBuffer: values.arrayBuffer,
    error: values.error,
  };
}
