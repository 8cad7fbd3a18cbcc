/**
 * The real firmware bundle in the virtual device: built once per test process (scripts/build.mjs,
 * no file written) and booted; and what every firmware test checks after each test.
 */
import { afterEach, expect } from "vitest";
import { buildFirmware } from "../../scripts/build.mjs";
import { VirtualDevice, type VirtualDeviceOptions } from "../../companion/sim/board/device";
import { MOTOR_DUTY_MAX } from "../../shared/limits";

/** The version the test bundle reports (INFO, `massager info`). */
export const TEST_FIRMWARE_VERSION = "9.9.9-test";

let built: Promise<string> | undefined;

/**
 * The firmware bundle, built as `npm run build` builds dist/firmware.js (same esbuild and terser
 * options, Espruino check, pretokenised bytes as a latin1 string) but in memory, once per test
 * process: never a stale file. The flash budget is the build's business, not the tests'.
 */
export function firmwareBundle(): Promise<string> {
  built ??= buildFirmware({ outfile: null, version: TEST_FIRMWARE_VERSION }).then((r) => {
    if (r.violations.length)
      throw new Error(`the firmware bundle breaks Espruino rules: ${r.violations.map((v: { message: string }) => v.message).join("; ")}`);
    return r.flashed;
  });
  return built;
}

/** A device running the bundle, booted, with a fixed battery so records are comparable. */
export async function bootDevice(opts: Omit<VirtualDeviceOptions, "bundle" | "bundlePath"> = {}): Promise<VirtualDevice> {
  const dev = new VirtualDevice({ batteryVolts: 2.9, ...opts, bundle: await firmwareBundle() });
  dev.advance(0);
  return dev;
}

/** Every motor sample stays within [0, the duty cap]. */
export function expectMotorWithinCap(dev: VirtualDevice): void {
  let max = 0;
  let min = 0;
  for (const s of dev.motorTimeline()) {
    if (s.v > max) max = s.v;
    if (s.v < min) min = s.v;
  }
  expect(max).toBeLessThanOrEqual(MOTOR_DUTY_MAX);
  expect(min).toBeGreaterThanOrEqual(0);
}

/**
 * bootDevice for one test file whose devices are all checked after each test: whatever the test
 * did, the motor never went above its cap and the firmware raised nothing. Call it at the top level.
 */
export function checkedDevices(): typeof bootDevice {
  const devices: VirtualDevice[] = [];
  afterEach(() => {
    for (const d of devices.splice(0)) {
      expectMotorWithinCap(d);
      expect(d.errors).toEqual([]);
    }
  });
  return async (opts) => {
    const d = await bootDevice(opts);
    devices.push(d);
    return d;
  };
}
