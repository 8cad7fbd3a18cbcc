import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Flash } from "../sim/flash";
import { VirtualDevice } from "../sim/device";
import { MassagerError } from "../errors";
import { simFlashPath } from "../history/paths";
import { LocalSimBackend } from "./local-backend";
import type { SimBackend } from "./sim-backend";
import { connectRunningSim as connectRemoteSim } from "../sim/remote-backend";

/**
 * `--device sim`: the SimBackend to talk to. THE SEAM: a long-running `massager sim` (its clock in
 * real time, reachable over a local socket) is preferred when one is running; otherwise the virtual
 * device runs in this process, booting the built firmware bundle from the flash image kept in
 * <data dir>/sim-flash.bin, so programs and logs persist between invocations.
 */
export async function openSimBackend(dataDir: string): Promise<SimBackend> {
  return (await connectRunningSim(dataDir)) ?? openLocalSim(dataDir);
}

/** The running `massager sim` for this data dir (over its local socket, see sim/remote-backend.ts), or null. */
export async function connectRunningSim(dataDir: string): Promise<SimBackend | null> {
  return connectRemoteSim(dataDir);
}

/** The in-process virtual device: firmware bundle + persisted flash, pumped during exchanges. */
export function openLocalSim(dataDir: string, opts: { bundle?: string; seed?: number } = {}): LocalSimBackend {
  const source = opts.bundle ?? readFileSync(firmwareBundlePath(), "utf8");
  const flashFile = simFlashPath(dataDir);
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (err) {
    throw new MassagerError(`cannot create the data folder ${dataDir} (${(err as { code?: string }).code}); set --data-dir or MASSAGER_HOME to a folder you can write`);
  }
  let flash: Flash | undefined;
  if (existsSync(flashFile)) {
    try {
      flash = Flash.loadFrom(flashFile, { seed: opts.seed });
    } catch (err) {
      throw new MassagerError(`the virtual massager's flash ${flashFile} is damaged (${(err as Error).message}); delete it to start the virtual massager afresh`);
    }
  }
  const device = new VirtualDevice({ bundle: source, flash, seed: opts.seed });
  const save = () => device.flash.saveTo(flashFile);
  device.flash.onChange = save;
  save();
  return new LocalSimBackend(device, { onClose: save });
}

/** dist/firmware.js: beside the companion bundle (dist/massager.js), or under the repo when run from source. */
export function firmwareBundlePath(): string {
  const candidates = [new URL("./firmware.js", import.meta.url), new URL("../../dist/firmware.js", import.meta.url)];
  for (const c of candidates) {
    const p = fileURLToPath(c);
    if (existsSync(p)) return p;
  }
  throw new MassagerError("the virtual massager needs the firmware bundle dist/firmware.js; run `npm run build` first");
}
