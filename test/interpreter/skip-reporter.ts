/**
 * Vitest reporter: without ESPRUINO_BIN the interpreter suites (test/interpreter/) are skipped, and
 * this says so once, in one line, for a run that includes them. (A set but unusable ESPRUINO_BIN
 * fails those files with its reason: test/helpers/interpreter.ts.)
 */
import type { Reporter, TestSpecification } from "vitest/node";
import { ESPRUINO_BIN_ENV, ESPRUINO_BIN_HINT } from "../../companion/sim/interpreter/locate";

export default class InterpreterSkipReporter implements Reporter {
  onTestRunStart(specifications: ReadonlyArray<TestSpecification>): void {
    if (process.env[ESPRUINO_BIN_ENV]) return;
    if (specifications.some((s) => s.moduleId.split("\\").join("/").includes("/test/interpreter/")))
      process.stdout.write(`test/interpreter skipped: ${ESPRUINO_BIN_HINT}\n`);
  }
}
