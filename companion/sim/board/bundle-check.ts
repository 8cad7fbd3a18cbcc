/** The default bundle check: the build's Espruino syntax-tree check (scripts/espruino-check.mjs). */
import { assertEspruinoSafe } from "../../../scripts/espruino-check.mjs";

/** Sources that passed the Espruino check (parsing a bundle costs ~20 ms: once per process). */
const passed = new Set<string>();

export function espruinoCheck(src: string): void {
  if (passed.has(src)) return;
  assertEspruinoSafe(src, "bundle");
  passed.add(src);
}
