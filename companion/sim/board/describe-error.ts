/** "Name: message" for an exception from either realm (or a thrown non-Error value). */
export function describeError(e: unknown): string {
  if (e !== null && typeof e === "object" && "message" in e) {
    const err = e as { name?: unknown; message?: unknown };
    const name = typeof err.name === "string" && err.name ? err.name : "Error";
    return `${name}: ${String(err.message)}`;
  }
  return typeof e === "string" ? JSON.stringify(e) : String(e);
}
