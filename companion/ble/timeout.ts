/** A node-style callback call as a promise: `callback((err, value) => …)` (noble's API). */
export function fromCallback<T>(start: (done: (err?: unknown, value?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    start((err, value) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(value as T)));
  });
}
