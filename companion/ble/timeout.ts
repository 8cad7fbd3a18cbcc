import { TimeoutError } from "../errors";

/**
 * noble's calls have no timeouts (a connect to a board that went to sleep waits forever), so every
 * one is wrapped: `withTimeout(p, ms, "connecting to Massager-1a2b")` rejects with a TimeoutError
 * naming the operation. `onTimeout` runs first (e.g. to cancel the connect).
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

/** A node-style callback call as a promise: `callback((err, value) => …)`. */
export function fromCallback<T>(start: (done: (err?: unknown, value?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    start((err, value) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(value as T)));
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
