import { existsSync, mkdirSync } from "node:fs";
import { MassagerError } from "../../errors";
import { readFirmwareBundle } from "../../flash/project";
import { simFlashPath } from "../../history/paths";
import { VirtualDevice } from "../board/device";
import { Flash } from "../board/flash";
import type { SimBackend } from "./backend";
import { LocalSimBackend } from "./local-backend";
import { connectRunningSim } from "./remote-backend";

/**
 * The virtual massager a data dir holds, for `--device sim`: a long-running `massager sim` (its
 * clock in real time, reachable over a local socket) when one runs for that data dir; otherwise the
 * virtual device runs in this process, booting the built firmware bundle from the flash image kept
 * in <data dir>/sim-flash.bin, so programs and logs persist between invocations (but not its clock,
 * nor a session: that backend is `ephemeral`, and the CLI says so).
 */
export async function openSimBackend(dataDir: string): Promise<SimBackend> {
  return (await connectRunningSim(dataDir)) ?? openLocalSim(dataDir);
}

/** The in-process virtual device: firmware bundle + persisted flash, pumped during exchanges. */
function openLocalSim(dataDir: string, opts: { bundle?: string; seed?: number } = {}): LocalSimBackend {
  const source = opts.bundle ?? readFirmwareBundle();
  const flash = readSavedFlash(dataDir, opts.seed);
  const device = new VirtualDevice({ bundle: source, flash, seed: opts.seed });
  const flashFile = simFlashPath(dataDir);
  const save = () => device.flash.saveTo(flashFile);
  device.flash.onChange = save;
  save();
  return new LocalSimBackend(device, { onClose: save, ephemeral: true });
}

/**
 * The virtual massager's flash saved in `dataDir` (created when missing), or undefined when there is
 * none yet: a fresh board. Shared by the in-process device and `massager sim` (service/server.ts).
 */
export function readSavedFlash(dataDir: string, seed?: number): Flash | undefined {
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (err) {
    throw new MassagerError(`cannot create the data folder ${dataDir} (${(err as { code?: string }).code}); set --data-dir or MASSAGER_HOME to a folder you can write`);
  }
  const file = simFlashPath(dataDir);
  if (!existsSync(file)) return undefined;
  try {
    return Flash.loadFrom(file, { seed });
  } catch (err) {
    throw new MassagerError(`the virtual massager's flash ${file} is damaged (${(err as Error).message}); delete it to start the virtual massager afresh`);
  }
}
