/**
 * Shared pieces of the benchmarks: where things are, the link model and where its numbers come
 * from, the figure record every suite reports, medians, and a virtual massager reached through
 * noble's own classes (the same path `massager sync` takes with `--device sim`).
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Link, LinkOptions } from "../../companion/ble/link";
import type { SimLinkModel } from "../../companion/sim/link/backend";
import { connectSim } from "../../companion/sim/link/connect";
import { LocalSimBackend } from "../../companion/sim/link/local-backend";
import { DeviceClient } from "../../companion/device/client";
import { VirtualDevice, type VirtualDeviceOptions } from "../../companion/sim/board/device";

/** The repository root (this file is bundled to bench/.out/<suite>.mjs). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const OUT = resolve(ROOT, "bench/.out");
export const FIRMWARE = resolve(ROOT, "dist/firmware.js");

export function firmwareSource(): string {
  return readFileSync(FIRMWARE, "latin1"); // pretokenised: a byte string
}

// ------------------------------------------------------------------ the link model

/** ATT payloads (MTU − 3) and connection intervals the issue asks for. */
export const PAYLOADS = [20, 50, 128];
export const INTERVALS = [7.5, 15, 30];

/**
 * Notifications (or writes) an nRF52 running Espruino gets through per connection interval.
 * MDBT42Q and Puck.js (nRF52832) run Espruino on Nordic SDK 12 / S132: ble_stack_init() takes the
 * SoftDevice's default configuration (softdevice_enable_get_default_config) and changes neither the
 * bandwidth nor the event length; it only enables connection-event-length extension and a longer
 * LL PDU when the MTU is above 23. The S132 SoftDevice specification gives the default event
 * length as 3.75 ms, "sufficient for three packet pairs in a connection event". Three packets per
 * interval at 7.5 ms and 20-byte payloads is 8 KB/s, in line with the few KB/s people see from
 * Puck.js consoles. The virtual radio's own default (companion/sim/board/nrf.ts) is 4.
 */
export const PACKETS_PER_INTERVAL = 3;
const PPI_SOURCES = [
  "https://github.com/espruino/Espruino/blob/master/targets/nrf5x/bluetooth.c (ble_stack_init: SDK 12 path uses softdevice_enable_get_default_config; only BLE_COMMON_OPT_CONN_EVT_EXT and a longer PDU are set when the MTU exceeds 23)",
  "https://github.com/espruino/Espruino/blob/master/targets/nrf5x/app_config.h (nRF52832 boards build on NRF5X_SDK_12)",
  "http://infocenter.nordicsemi.com/topic/com.nordic.infocenter.s132.sds/dita/softdevices/s130/ble_protocol_stack/role_configuration.html (S132 SDS: default event length 3.75 ms, sufficient for three packet pairs per connection event)",
];
/** Per packet on air beyond its ATT payload: 3 B ATT header (opcode + handle) + 4 B L2CAP header. */
const ATT_HEADER = 3;
const L2CAP_HEADER = 4;
export const PACKET_OVERHEAD = ATT_HEADER + L2CAP_HEADER;

export const LINK_MODEL = {
  packetsPerInterval: PACKETS_PER_INTERVAL,
  packetsPerIntervalSources: PPI_SOURCES,
  payloads: PAYLOADS,
  intervalsMs: INTERVALS,
  bytesPerPacketBeyondPayload: PACKET_OVERHEAD,
  bytesOnAir: "ATT payload + 3 B ATT header (opcode, handle) + 4 B L2CAP header per packet, both directions; link-layer header, MIC and CRC not counted",
  notifyQueuePackets: 8,
  notifyQueueNote: "companion/sim/board/nrf.ts: a notification that finds the queue full is dropped without error, as Espruino's NRF.updateServices ignores NRF_ERROR_RESOURCES / BLE_ERROR_NO_TX_PACKETS (libs/bluetooth/jswrap_bluetooth.c)",
};

export function onAir(packets: number, payloadBytes: number): number {
  return payloadBytes + packets * PACKET_OVERHEAD;
}

/** Connection intervals to carry n packets in one direction, ppi per interval. */
export function intervalsFor(n: number, ppi = PACKETS_PER_INTERVAL): number {
  return Math.ceil(n / ppi);
}

// ------------------------------------------------------------------ figures

export type Cmp = "<=" | ">=" | "==";

export interface Figure {
  /** Stable key, e.g. "flash.bundle". */
  id: string;
  /** What is measured, as the table shows it. */
  figure: string;
  value: number;
  unit: string;
  /** Target as text ("≤ 12288 B"), and as a check; none for figures reported without a target. */
  target?: string;
  targetValue?: number;
  cmp?: Cmp;
  met?: boolean | null;
  /** How the value was obtained (measured in the virtual device, analytic, …). */
  how?: string;
  note?: string;
  /** A budget: missing it fails `npm run bench` (run.mjs), naming the figure. */
  hard?: boolean;
}

export function fig(f: Omit<Figure, "met" | "target"> & { target?: string }): Figure {
  let met: boolean | null = null;
  if (f.cmp && f.targetValue !== undefined) {
    met = f.cmp === "<=" ? f.value <= f.targetValue : f.cmp === ">=" ? f.value >= f.targetValue : f.value === f.targetValue;
  }
  const target = f.target ?? (f.cmp && f.targetValue !== undefined ? `${f.cmp === "<=" ? "≤" : f.cmp === ">=" ? "≥" : "="} ${f.targetValue}` : undefined);
  return { ...f, target, met };
}

export interface SuiteResult {
  suite: string;
  figures: Figure[];
  /** The link model the suite used (lifted to the top of results.json). */
  linkModel?: typeof LINK_MODEL;
  assumptions?: string[];
  details?: Record<string, unknown>;
  problems?: string[];
  /** Why the suite did not run (one line; e.g. no interpreter given): not a failure. */
  skipped?: string;
  ms?: number;
}

/** Suites print their result as the last line of stdout, prefixed so run.mjs can find it. */
const RESULT_PREFIX = "@@BENCH_RESULT@@";

export function emit(r: SuiteResult): void {
  process.stdout.write(`\n${RESULT_PREFIX}${JSON.stringify(r)}\n`);
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function round(x: number, digits = 2): number {
  const k = 10 ** digits;
  return Math.round(x * k) / k;
}

// ------------------------------------------------------------------ programs

export { largestProgram } from "../../shared/largest-program";

// ------------------------------------------------------------------ a massager behind noble

export interface SimSetup {
  device: VirtualDevice;
  backend: LocalSimBackend;
  link: Link;
  client: DeviceClient<Link>;
  close(): Promise<void>;
}

/**
 * The built firmware (dist/firmware.js) in a VirtualDevice, reached through noble's Noble /
 * Peripheral / Characteristic classes over the sim bindings (connectSim), connected (INFO sent).
 */
export async function simBehindNoble(
  device: VirtualDevice | VirtualDeviceOptions,
  model: SimLinkModel,
  linkOpts: LinkOptions = {},
): Promise<SimSetup> {
  const dev = device instanceof VirtualDevice ? device : new VirtualDevice({ bundle: firmwareSource(), ...device });
  const backend = new LocalSimBackend(dev);
  const sim = await connectSim(backend, { model, scanMs: 2000 });
  const link = await sim.link({ requestTimeoutMs: 1000, connectTimeoutMs: 3000, ...linkOpts });
  return {
    device: dev,
    backend,
    link,
    client: new DeviceClient(link),
    async close() {
      await link.close();
      await backend.close();
      try {
        sim.noble.stopScanning();
      } catch {
        // nothing to stop
      }
    },
  };
}

/** Runs an async suite body, emits its result, exits (noble keeps handles open). */
export function runSuite(name: string, body: () => Promise<Omit<SuiteResult, "suite" | "ms">>): void {
  const t0 = performance.now();
  body().then(
    (r) => {
      emit({ suite: name, ...r, ms: Math.round(performance.now() - t0) });
      process.exit(0);
    },
    (err) => {
      process.stderr.write(`${name}: ${err instanceof Error ? err.stack : String(err)}\n`);
      emit({ suite: name, figures: [], problems: [`the ${name} suite failed: ${err instanceof Error ? err.message : String(err)}`], ms: Math.round(performance.now() - t0) });
      process.exit(1);
    },
  );
}
