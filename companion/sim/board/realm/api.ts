/** How a host function becomes a firmware API function, and what every group of globals is built from. */
import { PowerLossError } from "../flash.js";
import type { EspruinoHost } from "./host.js";
import type { RealmValues } from "./values.js";

export type Api = <A extends unknown[], R>(name: string, impl: (...args: A) => R) => (this: unknown, ...args: A) => R;

/** What each group of globals (pins, timers, E, …) is built from. */
export interface GlobalsKit {
  host: EspruinoHost;
  api: Api;
  values: RealmValues;
  /** setTimeout("code") & co: a string callback is compiled in the context. */
  toCallback(fn: unknown): unknown;
}

/**
 * Wrap a host implementation as a firmware API function: refuses to run once the device is
 * off, and turns host exceptions into firmware-realm Errors with the same message.
 */
export function apiWrapper(host: EspruinoHost, values: RealmValues): Api {
  return (name, impl) =>
    function (this: unknown, ...args) {
      if (!host.isAlive()) throw values.error(`${name}: the device has no power`, "Error");
      try {
        return impl(...args);
      } catch (e) {
        if (e instanceof PowerLossError) throw values.error(e.message, "PowerLossError");
        if (e !== null && typeof e === "object" && "message" in e) {
          const err = e as Error;
          if (values.isRealmError(err)) throw err;
          throw values.error(err.message, err.name === "Error" || !err.name ? "Error" : err.name);
        }
        throw e;
      }
    };
}
