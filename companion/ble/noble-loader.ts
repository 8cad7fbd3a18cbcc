import { createRequire } from "node:module";
import { BluetoothPermissionError, NoAdapterError } from "../errors";
import type { NobleLike } from "./noble-types";

/**
 * noble is loaded only when a real adapter is needed: on a machine without Bluetooth its hci-socket
 * binding throws at `require` time (EAFNOSUPPORT on Linux without a Bluetooth kernel module, "No
 * compatible USB Bluetooth 4.0 device found" elsewhere). Every such failure, and an adapter that is
 * off or cannot do LE, becomes the one-sentence NoAdapterError pointing at `--device sim`.
 */
const require = createRequire(import.meta.url);

/** States in which no scan or connection can ever succeed. */
const NO_ADAPTER_STATES = ["poweredOff", "unsupported"];

/** Loads `@abandonware/noble` with its platform bindings and waits until the adapter is powered on. */
export async function loadHardwareNoble(opts: { waitMs?: number; load?: () => unknown } = {}): Promise<NobleLike> {
  let noble: NobleLike;
  try {
    noble = (opts.load ?? (() => require("@abandonware/noble")))() as NobleLike;
  } catch (err) {
    throw adapterError(err);
  }
  return waitPoweredOn(noble, opts.waitMs ?? 4000);
}

/** noble over custom bindings (the virtual device): same Noble class, our bindings object. */
export function nobleWithBindings(bindings: unknown): NobleLike {
  const make = require("@abandonware/noble/with-bindings") as (b: unknown) => NobleLike;
  return make(bindings);
}

/** Resolves once noble reports 'poweredOn'; NoAdapterError when it reports a dead state or never answers. */
export function waitPoweredOn(noble: NobleLike, waitMs: number): Promise<NobleLike> {
  return new Promise<NobleLike>((resolve, reject) => {
    const warnings: string[] = [];
    const onWarning = (m: string) => warnings.push(m);
    const done = (err: Error | null) => {
      clearTimeout(timer);
      noble.removeListener("stateChange", onState);
      noble.removeListener("warning", onWarning);
      if (err) reject(err);
      else resolve(noble);
    };
    const onState = (state: string) => {
      if (state === "poweredOn") done(null);
      else if (NO_ADAPTER_STATES.includes(state)) done(new NoAdapterError(`adapter state ${state}`));
      else if (state === "unauthorized") done(new BluetoothPermissionError(process.platform));
    };
    const timer = setTimeout(() => done(new NoAdapterError(warnings.join("; ") || "adapter never powered on")), waitMs);
    noble.on("warning", onWarning);
    noble.on("stateChange", onState);
    let state: string;
    try {
      state = noble.state; // starts the bindings when nothing else has
    } catch (err) {
      done(adapterError(err));
      return;
    }
    if (state !== "unknown") onState(state);
  });
}

/** A failure to open the adapter: no permission (EPERM/EACCES on the HCI socket), or no adapter at all. */
function adapterError(err: unknown): Error {
  const e = err as { code?: string; message?: string };
  if (e?.code === "EPERM" || e?.code === "EACCES" || /operation not permitted|permission denied/i.test(e?.message ?? "")) return new BluetoothPermissionError(process.platform);
  return new NoAdapterError(describe(err));
}

function describe(err: unknown): string {
  const e = err as { code?: string; message?: string };
  return [e?.code, e?.message].filter(Boolean).join(": ");
}
