import { TimeoutError } from "../errors";

/**
 * Bluetooth calls have no timeouts of their own (a connect to a board that went to sleep waits
 * forever, on noble as in a browser), so every one is wrapped: `withTimeout(p, ms, "connecting to
 * Massager-1a2b")` rejects with a TimeoutError naming the operation. `onTimeout` runs first (e.g. to
 * cancel the connect).
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string, onTimeout?: () => void): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // reject first: onTimeout may fail the operation at once (noble's cancelConnect rejects the
      // connect with "connection canceled!"), and the race must end with the timeout's sentence
      reject(new TimeoutError(what, ms));
      try {
        onTimeout?.();
      } catch {
        // the operation is being abandoned anyway
      }
    }, ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
