/**
 * Where the project's own files are, for commands that need more than the companion bundle:
 * the firmware build script (scripts/build.mjs) and the built bundle (dist/firmware.js).
 * The companion runs from dist/massager.js or, under the tests, from its sources; both sit in the
 * package whose package.json names it, so the root is found by walking up to that file.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { MassagerError } from "../errors";

const PACKAGE_NAME = "scalp-massager";

export function projectRoot(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg)) {
      try {
        if (JSON.parse(readFileSync(pkg, "utf8")).name === PACKAGE_NAME) return dir;
      } catch {
        // not ours; keep walking
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new MassagerError(`cannot find the ${PACKAGE_NAME} package around ${from}; run massager from its folder (npx massager …)`);
    dir = up;
  }
}

export interface BuiltFirmware {
  code: string;
  flashed: string;
  bytes: number;
  violations: { message: string; line?: number }[];
  budget: number;
  overBudget: boolean;
}

export interface BuildScript {
  buildFirmware(opts: { outfile?: string | null; board?: string; version?: string; define?: Record<string, string>; root?: string }): Promise<BuiltFirmware>;
}

/** scripts/build.mjs, loaded at run time (never bundled into the companion: it needs esbuild). */
export async function loadBuildScript(root = projectRoot()): Promise<BuildScript> {
  const file = join(root, "scripts", "build.mjs");
  if (!existsSync(file)) throw new MassagerError(`the firmware build script ${file} is missing; run massager from a full checkout of the project`);
  const url = pathToFileURL(file).href;
  try {
    return (await import(/* @vite-ignore */ url)) as BuildScript;
  } catch (err) {
    throw new MassagerError(
      `the firmware build script could not load (${(err as Error).message.split("\n")[0]}); run \`npm install\` (it installs esbuild, which builds the firmware)`,
    );
  }
}

/** dist/firmware.js of the project. */
export function firmwarePath(root = projectRoot()): string {
  return join(root, "dist", "firmware.js");
}

/** The version in package.json (what the firmware reports unless MASSAGER_FW_VERSION says otherwise). */
export function packageVersion(root = projectRoot()): string {
  try {
    return String(JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version ?? "0.0.0");
  } catch {
    return "0.0.0";
  }
}

/** The built firmware bundle (dist/firmware.js), or the one sentence saying how to build it. */
export function readFirmwareBundle(root = projectRoot()): string {
  const file = firmwarePath(root);
  try {
    return readFileSync(file, "latin1");
  } catch {
    throw new MassagerError(`the virtual massager runs the firmware bundle ${file}, which is not built yet; run \`npm run build\` (npm install does it too)`);
  }
}
