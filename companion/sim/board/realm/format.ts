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
