/** Rough JsVar accounting for E.getSizeOf (process.memory() is not answered: system-api.ts). */

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
