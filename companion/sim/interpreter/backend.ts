/**
 * The real interpreter behind the companion's own seam for the virtual device (a SimBackend under
 * noble's classes: companion/ble/sim-bindings.ts), so `massager sync` or `push` — noble's
 * Peripheral and Characteristic, the Link, the DeviceClient — can run against the firmware on the
 * real interpreter. The device should run on the interpreter's own timers (`clock: "real"`): the
 * companion waits in real time. No link model sits between them: every notification the firmware
 * sends arrives, at once.
 */
import type { SimAdvertisement, SimBackend, SimLinkModel, SimServiceInfo } from "../link/backend";
import type { InterpreterDevice } from "./device";
import { writeStep } from "./steps";

/** A characteristic as the firmware declared it to NRF.setServices (functions dropped). */
interface Declared {
  readable?: boolean;
  writable?: boolean;
  notify?: boolean;
  indicate?: boolean;
}

export class InterpreterBackend implements SimBackend {
  readonly dev: InterpreterDevice;
  private connected = false;
  private declared?: Record<string, Record<string, Declared>>;
  private notifyCbs: Array<(service: string, characteristic: string, data: Uint8Array) => void> = [];
  private disconnectCbs: Array<(reason: string) => void> = [];
  private readonly unlisten: Array<() => void> = [];
  private readonly keepDevice: boolean;

  /** `keepDevice`: close() only ends this client's link (one backend per CLI command, say), the device lives on. */
  constructor(dev: InterpreterDevice, opts: { keepDevice?: boolean } = {}) {
    this.dev = dev;
    this.keepDevice = !!opts.keepDevice;
    this.unlisten.push(
      dev.onNotify((p) => {
        const [s, c] = this.find((d) => !!(d.notify || d.indicate));
        for (const cb of this.notifyCbs) cb(s, c, p);
      }),
      dev.onDisconnect((reason) => {
        this.connected = false;
        for (const cb of this.disconnectCbs) cb(`0x${reason.toString(16)}`);
      }),
    );
  }

  async advertise(): Promise<SimAdvertisement[]> {
    if (this.connected || !this.dev.advertised.length) return [];
    const name = this.dev.advertised[this.dev.advertised.length - 1];
    return [{ address: this.dev.address, localName: name, rssi: -40, connectable: true, serviceUuids: [] }];
  }

  async connect(model: SimLinkModel): Promise<{ mtu: number }> {
    this.declared = await this.dev.eval<Record<string, Record<string, Declared>>>("services");
    const payload = await this.dev.connect({
      mtu: model.mtu ?? 23, target: this.find((d) => !!d.writable),
    });
    this.connected = true;
    return { mtu: payload + 3 };
  }

  async disconnect(): Promise<void> {
    if (!this.connected) return;
    this.connected = false;
    await this.dev.disconnect();
  }

  async services(): Promise<SimServiceInfo[]> {
    return Object.entries(this.declared ?? {}).map(([uuid, chars]) => ({
      uuid,
      characteristics: Object.entries(chars).map(([c, d]) => ({
        uuid: c,
        properties: [...(d.readable ? ["read"] : []), ...(d.writable ? ["writeWithoutResponse", "write"] : []), ...(d.notify ? ["notify"] : []), ...(d.indicate ? ["indicate"] : [])],
      })),
    }));
  }

  async write(service: string, characteristic: string, data: Uint8Array): Promise<void> {
    const [s, c] = this.find((d) => !!d.writable);
    if (service.toLowerCase() !== s.toLowerCase() || characteristic.toLowerCase() !== c.toLowerCase())
      throw new Error(`the interpreter backend writes only to ${c} (the firmware's request characteristic), not to ${characteristic}`);
    await this.dev.run(writeStep(data));
  }

  async centralConnected(): Promise<boolean> {
    return this.connected;
  }

  async subscribe(): Promise<void> {
    // the harness's central is subscribed from the moment it connects (boot0/nrf.js)
  }

  onNotify(cb: (service: string, characteristic: string, data: Uint8Array) => void): void {
    this.notifyCbs.push(cb);
  }

  onDisconnect(cb: (reason: string) => void): void {
    this.disconnectCbs.push(cb);
  }

  async close(): Promise<void> {
    await this.disconnect();
    for (const off of this.unlisten.splice(0)) off();
    if (!this.keepDevice) await this.dev.close();
  }

  /** The first declared characteristic that `is` accepts, as [service, characteristic]. */
  private find(is: (d: Declared) => boolean): [string, string] {
    for (const [s, chars] of Object.entries(this.declared ?? {})) for (const [c, d] of Object.entries(chars)) if (is(d)) return [s, c];
    return ["", ""];
  }
}
