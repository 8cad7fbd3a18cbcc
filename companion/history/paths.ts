import { homedir } from "node:os";
import { join } from "node:path";

/**
 * Where the companion keeps its data (the history database, the virtual device's flash):
 * `--data-dir` wins, then $MASSAGER_HOME, then the platform's data directory:
 *   Linux and others  $XDG_DATA_HOME/massager, else ~/.local/share/massager
 *   macOS             ~/Library/Application Support/massager
 *   Windows           %APPDATA%\massager
 */
export function dataDir(opts: { flag?: string; env?: Record<string, string | undefined>; platform?: string; home?: string } = {}): string {
  const env = opts.env ?? process.env;
  if (opts.flag) return opts.flag;
  if (env.MASSAGER_HOME) return env.MASSAGER_HOME;
  const platform = opts.platform ?? process.platform;
  const home = opts.home ?? homedir();
  if (platform === "darwin") return join(home, "Library", "Application Support", "massager");
  if (platform === "win32") return join(env.APPDATA || join(home, "AppData", "Roaming"), "massager");
  return join(env.XDG_DATA_HOME || join(home, ".local", "share"), "massager");
}

const HISTORY_FILE = "history.sqlite";
const SIM_FLASH_FILE = "sim-flash.bin";

export function historyPath(dir: string): string {
  return join(dir, HISTORY_FILE);
}

export function simFlashPath(dir: string): string {
  return join(dir, SIM_FLASH_FILE);
}
