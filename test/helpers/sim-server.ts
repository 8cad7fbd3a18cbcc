/**
 * `massager sim` in a test: SimServer instances on temporary data folders (closed and removed after
 * each test), and the CLI run in this process against whichever simulator runs for a folder
 * (`--device sim` goes through the remote backend and noble's own classes).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { connectRunningSim } from "../../companion/sim/link/remote-backend";
import { SimServer } from "../../companion/sim/service/server";
import { type CliRun, runCli } from "./cli";
import { firmwareBundle } from "./firmware";

const dirs: string[] = [];
const servers: SimServer[] = [];

afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A data folder removed after the test. */
export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "massager-sim-test-"));
  dirs.push(d);
  return d;
}

/** A simulator on `dataDir` running the test bundle (closed after the test, unless `stopSim` did it). */
export async function startSim(dataDir: string, opts: { speed?: number } = {}): Promise<SimServer> {
  const s = await SimServer.start({ dataDir, bundle: await firmwareBundle(), consolePort: 0, speed: opts.speed ?? 1, saveDelayMs: 20 });
  servers.push(s);
  return s;
}

/** Closes a simulator before the test ends (a restart, say). */
export async function stopSim(s: SimServer): Promise<void> {
  await s.close();
  const i = servers.indexOf(s);
  if (i >= 0) servers.splice(i, 1);
}

/** `massager ARGS` in this process; `--device sim` goes to the running simulator. */
export function massager(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return runCli(args, {
    env: { ...process.env, NO_COLOR: "1", ...env },
    simBackend: async (dir) => {
      const b = await connectRunningSim(dir);
      if (!b) throw new Error(`no massager sim runs for ${dir}`);
      return b;
    },
  });
}
