/**
 * How other commands find a running `massager sim`: while it runs it keeps `<data dir>/sim.json`
 * (SIM_LOCK_FILE) with its process id and ports, and removes it when it stops. A lock file whose
 * process is gone is stale and ignored.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const SIM_LOCK_FILE = "sim.json";

/** What `massager sim` writes to <data dir>/sim.json while it runs. */
export interface SimLock {
  pid: number;
  host: string;
  /** The JSON-lines control port. */
  port: number;
  /** The Espruino console (espruino-tools: -p tcp://host:consolePort). */
  consolePort: number;
  board: string;
  speed: number;
  startedAt: string;
  flashFile: string;
  protocol: number;
}

export function simLockPath(dataDir: string): string {
  return join(dataDir, SIM_LOCK_FILE);
}

/** The lock file's contents, or null when there is none or it cannot be read. */
export function readSimLock(dataDir: string): SimLock | null {
  const p = simLockPath(dataDir);
  if (!existsSync(p)) return null;
  try {
    const v = JSON.parse(readFileSync(p, "utf8")) as SimLock;
    return typeof v.pid === "number" && typeof v.port === "number" ? v : null;
  } catch {
    return null;
  }
}

/** Whether a process with this id runs (EPERM: it runs, as another user). */
function processAlive(pid: number): boolean {
  if (!(pid > 0)) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === "EPERM";
  }
}

/** The running simulator's lock, or null when none runs for this data dir (a lock whose process is gone is ignored). */
export function runningSim(dataDir: string): SimLock | null {
  const lock = readSimLock(dataDir);
  return lock && processAlive(lock.pid) ? lock : null;
}
