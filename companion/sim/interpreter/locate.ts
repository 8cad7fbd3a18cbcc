/**
 * Where the real Espruino interpreter is: the environment variable ESPRUINO_BIN (CI's `.ci/run`
 * sets it to the copy beside the project). Without it the interpreter suites are skipped, saying
 * how to get one; a path that is set but does not run is an error, never a silent skip.
 */
import { accessSync, constants, statSync } from "node:fs";

export const ESPRUINO_BIN_ENV = "ESPRUINO_BIN";

/** The one line a skipped suite prints. */
export const ESPRUINO_BIN_HINT =
  "real Espruino interpreter not found: set ESPRUINO_BIN to an Espruino 2v29 Linux build with a Puck.js pool " +
  "(`make BOARD=LINUX` in Espruino's source with 'variables': 2630 in the board file; README, \"The real interpreter\")";

/** The interpreter's path, or undefined when ESPRUINO_BIN is not set. Throws when it is set but unusable. */
export function espruinoBin(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const bin = env[ESPRUINO_BIN_ENV];
  if (!bin) return undefined;
  try {
    if (!statSync(bin).isFile()) throw new Error("not a file");
    accessSync(bin, constants.X_OK);
  } catch (e) {
    throw new Error(`${ESPRUINO_BIN_ENV}=${bin} is not an executable file (${(e as Error).message}); unset it to skip the interpreter suites`);
  }
  return bin;
}
