/**
 * Running firmware code from the host. Callbacks go through `invoke`, which runs them inside
 * `Script.runInContext` so that the context's microtasks (Promise reactions) drain right after
 * each callback (Espruino runs them before the next event), and so that an optional timeout
 * can stop a hung callback.
 */
import vm from "node:vm";
import { guardTypedIndex, installTypedIndexGuard } from "./typed-index.js";
import { installSubarrayGuard } from "./typed-subarray.js";

export interface FirmwareRunner {
  /** Call a firmware function; microtasks drain afterwards; throws what it throws. */
  invoke(fn: unknown, thisArg: unknown, args: unknown[]): unknown;
  /** Run source code in the context (boot code, console input). */
  run(source: string, filename: string, timeoutMs?: number): unknown;
  /** Compile a string callback (setTimeout("code")) into a function. */
  compile(code: string): unknown;
}

const INVOKE = "__sim$invoke";

/** `sandbox` is the object the context was made from; `timeoutMs` stops hung callbacks (undefined = never). */
export function createRunner(
  sandbox: Record<string, unknown>,
  context: vm.Context,
  timeoutMs: number | undefined,
  error: (message: string, name?: string) => Error,
): FirmwareRunner {
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
  installTypedIndexGuard(context, sandbox);
  installSubarrayGuard(context);
  const invokeScript = new vm.Script(`${INVOKE}()`, { filename: "espruino-event" });
  const invoke = (fn: unknown, thisArg: unknown, args: unknown[]): unknown => {
    if (typeof fn !== "function") throw error(`Callback is not a function (${typeof fn})`, "TypeError");
    if (depth > 0) return (fn as (...a: unknown[]) => unknown).apply(thisArg, args); // already inside the context
    slot = { fn, thisArg, args };
    depth++;
    try {
      return invokeScript.runInContext(context, timeoutMs ? { timeout: timeoutMs } : undefined);
    } finally {
      depth--;
      slot = undefined;
    }
  };
  const run = (source: string, filename: string, runTimeoutMs?: number): unknown => {
    const script = new vm.Script(guardTypedIndex(source), { filename });
    const t = runTimeoutMs ?? timeoutMs;
    depth++;
    try {
      return script.runInContext(context, t ? { timeout: t } : undefined);
    } finally {
      depth--;
    }
  };
  const compile = (code: string): unknown => run(`(function(){${code}\n})`, "string-callback");
  return { invoke, run, compile };
}
