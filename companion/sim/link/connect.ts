import { Link, type LinkOptions } from "../../ble/link";
import { nobleWithBindings, waitPoweredOn } from "../../ble/noble-loader";
import type { NobleLike, NoblePeripheral } from "../../ble/noble-types";
import { findPeripheral } from "../../ble/scan";
import type { SimBackend, SimLinkModel } from "./backend";
import { SimBindings } from "./bindings";

/**
 * A virtual massager reached the way the companion reaches a board: noble's own Noble, Peripheral,
 * Service and Characteristic classes, over SimBindings, over a SimBackend (in this process or a
 * running `massager sim`). The one wiring of "the virtual device through noble": the CLI's
 * `--device sim` (and so the demo), the tests and the benchmarks all come through here.
 */
export interface SimConnection {
  backend: SimBackend;
  bindings: SimBindings;
  /** noble, powered on, over the bindings. */
  noble: NobleLike;
  /** The virtual massager's noble Peripheral (scanned for once, then kept). */
  peripheral(): Promise<NoblePeripheral>;
  /** A new Link to it, connected (INFO sent); closed again when connecting fails. */
  link(opts?: LinkOptions): Promise<Link>;
}

export interface ConnectSimOptions {
  /** The link the central asks for (MTU, interval, packets per interval, drops…); MTU 247 unless given. */
  model?: SimLinkModel;
  /** How long a scan looks for the virtual massager (default 3 s). */
  scanMs?: number;
}

/** The central's MTU when none is given: what phones and laptops ask for. */
const DEFAULT_MTU = 247;

export async function connectSim(backend: SimBackend, opts: ConnectSimOptions = {}): Promise<SimConnection> {
  const bindings = new SimBindings(backend, { mtu: DEFAULT_MTU, ...opts.model });
  const noble = await waitPoweredOn(nobleWithBindings(bindings), 3000);
  let found: NoblePeripheral | undefined;
  const peripheral = async () => (found ??= await findPeripheral(noble, undefined, opts.scanMs ?? 3000));
  return {
    backend,
    bindings,
    noble,
    peripheral,
    async link(linkOpts?: LinkOptions) {
      const link = new Link(await peripheral(), linkOpts);
      try {
        await link.connect();
      } catch (err) {
        await link.close();
        throw err;
      }
      return link;
    },
  };
}
