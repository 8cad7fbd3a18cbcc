/** The timer globals (setTimeout, setInterval, clear…, changeInterval) on the VirtualClock. */
import type { GlobalsKit } from "./api.js";

export function timerApi({ host, api, toCallback }: GlobalsKit) {
  const clearTimer = (kind: "Timeout" | "Interval") =>
    api(`clear${kind}`, (...args: unknown[]) => {
      if (args.length === 0) {
        host.clock.clearAll();
        return;
      }
      if (args[0] === undefined) throw new Error(`clear${kind}(undefined) not allowed. Use clear${kind}() instead`);
      if (!host.clock.clear(Number(args[0]))) throw new Error(`Unknown ${kind}`);
    });
  return {
    setTimeout: api("setTimeout", (fn: unknown, ms?: unknown, ...args: unknown[]) => {
      const cb = toCallback(fn);
      return host.clock.setTimeout((...a: unknown[]) => host.call(cb, undefined, a), Number(ms), ...args);
    }),
    setInterval: api("setInterval", (fn: unknown, ms?: unknown, ...args: unknown[]) => {
      const cb = toCallback(fn);
      return host.clock.setInterval((...a: unknown[]) => host.call(cb, undefined, a), Number(ms), ...args);
    }),
    clearTimeout: clearTimer("Timeout"),
    clearInterval: clearTimer("Interval"),
    changeInterval: api("changeInterval", (id: unknown, ms: unknown) => {
      if (!host.clock.changeInterval(Number(id), Number(ms))) throw new Error("Unknown Interval");
    }),
  };
}
