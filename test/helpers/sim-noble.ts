import type { Link, LinkOptions } from "../../companion/ble/link";
import type { NobleLike, NoblePeripheral } from "../../companion/ble/noble-types";
import { DeviceClient } from "../../companion/device/client";
import type { SimLinkModel } from "../../companion/sim/link/backend";
import type { SimBindings } from "../../companion/sim/link/bindings";
import { connectSim } from "../../companion/sim/link/connect";
import { LocalSimBackend, type LocalBackendOptions } from "../../companion/sim/link/local-backend";
import type { Flash } from "../../companion/sim/board/flash";
import { VirtualDevice, type VirtualDeviceOptions } from "../../companion/sim/board/device";
import { type CliRun, runCli } from "./cli";
import { firmwareBundle } from "./firmware";

/**
 * A virtual massager running the built firmware bundle (firmware.ts), reached through noble's real
 * classes over the sim bindings (connectSim, as `--device sim` reaches it): what the companion tests
 * drive. Virtual time moves during exchanges (the backend's pump); a session only runs when the test
 * advances `device` itself.
 */
export interface SimNobleOptions {
  device?: Omit<VirtualDeviceOptions, "bundle" | "bundlePath">;
  flash?: Flash;
  /** Link model the central asks for (MTU, interval, packets per interval, drop rate). */
  link?: SimLinkModel;
  linkOptions?: LinkOptions;
  backend?: LocalBackendOptions;
}

export interface SimNoble {
  device: VirtualDevice;
  backend: LocalSimBackend;
  bindings: SimBindings;
  noble: NobleLike;
  /** Scan and return the virtual massager's noble Peripheral. */
  peripheral(): Promise<NoblePeripheral>;
  /** A connected Link (INFO sent) and a DeviceClient over it. */
  connect(opts?: LinkOptions): Promise<{ link: Link; client: DeviceClient<Link>; peripheral: NoblePeripheral }>;
  /** Packets the central has written so far (the "nothing sent" check). */
  writes(): number;
  /** Runs `massager ARGV --device sim` in-process against this device; returns exit code and output. */
  cli(argv: string[], opts?: { dataDir?: string; env?: Record<string, string>; now?: () => number }): Promise<CliRun>;
  close(): Promise<void>;
}

export async function simNoble(opts: SimNobleOptions = {}): Promise<SimNoble> {
  const device = new VirtualDevice({ ...opts.device, flash: opts.flash ?? opts.device?.flash, bundle: await firmwareBundle() });
  const backend = new LocalSimBackend(device, opts.backend);
  const sim = await connectSim(backend, { model: opts.link, scanMs: 2000 });
  const links: Link[] = [];
  return {
    device,
    backend,
    bindings: sim.bindings,
    noble: sim.noble,
    peripheral: sim.peripheral,
    async connect(linkOpts?: LinkOptions) {
      const link = await sim.link({ requestTimeoutMs: 500, connectTimeoutMs: 2000, ...opts.linkOptions, ...linkOpts });
      links.push(link);
      return { link, client: new DeviceClient(link), peripheral: link.peripheral };
    },
    writes: () => sim.bindings.writeCount(),
    cli(argv, o = {}) {
      return runCli([...argv, "--device", "sim", ...(o.dataDir ? ["--data-dir", o.dataDir] : [])], {
        env: o.env,
        simBackend: async () => backend.share(),
        linkOptions: { requestTimeoutMs: 500, connectTimeoutMs: 2000 },
        now: o.now,
      });
    },
    async close() {
      for (const l of links) await l.close();
      await backend.close();
    },
  };
}
