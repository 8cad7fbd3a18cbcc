/**
 * Builds the real firmware bundle once per test file (scripts/build.mjs, no file written) and boots
 * it in the virtual device.
 */
import { buildFirmware } from "../../scripts/build.mjs";
import { VirtualDevice, type VirtualDeviceOptions } from "../../companion/sim/board/device";

let built: Promise<{ code: string; bytes: number; violations: unknown[] }> | undefined;

export function firmwareBundle(): Promise<{ code: string; bytes: number; violations: unknown[] }> {
  if (!built) built = buildFirmware({ outfile: null, version: "9.9.9-test" });
  return built;
}

/** A device running the bundle, with a fixed battery so records are comparable. */
export async function bootDevice(opts: VirtualDeviceOptions = {}): Promise<VirtualDevice> {
  const fw = await firmwareBundle();
  const dev = new VirtualDevice({ bundle: fw.code, batteryVolts: 2.9, ...opts });
  dev.advance(0);
  return dev;
}
