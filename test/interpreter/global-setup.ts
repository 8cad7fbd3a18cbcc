/**
 * Vitest global setup: without ESPRUINO_BIN the interpreter suites (test/interpreter/) are skipped,
 * and this says so once, in one line, for a run that includes them. A set but unusable
 * ESPRUINO_BIN fails the run with its reason.
 */
import { ESPRUINO_BIN_HINT, espruinoBin } from "../../companion/sim/interpreter/locate";

export default function setup(): void {
  if (espruinoBin()) return;
  const filters = process.argv.slice(2).filter((a) => !a.startsWith("-") && a !== "run");
  if (!filters.length || filters.some((f) => "test/interpreter/".includes(f) || f.includes("test/interpreter"))) {
    console.log(`test/interpreter skipped: ${ESPRUINO_BIN_HINT}`);
  }
}
