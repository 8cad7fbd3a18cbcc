import { MIN_PAYLOAD } from "../../../shared/limits";
import { NAME_PREFIX, NOTIFY_CHAR_UUID, REQUEST_CHAR_UUID, SERVICE_UUID } from "../../../shared/uuids";
import { MessageLink, type MessageLinkOptions } from "../../device/message-link";
import { sleep, withTimeout } from "../../device/timeout";
import { LinkError, LinkLostError, TimeoutError, actionOf } from "../../errors";
import {
  type Bluetooth, type BluetoothDevice, type BluetoothRemoteGATTCharacteristic, type RequestDeviceOptions, WRITE_MAX_BYTES,
} from "./api";

/**
 * A link to a massager over Web Bluetooth: the same protocol engine as the CLI's noble link
 * (device/message-link.ts), over a BluetoothDevice the person chose. What a page cannot do shapes it:
 *  - it cannot learn the ATT MTU, so it announces 20-byte payloads in INFO (the device answers with
 *    packets no larger than that, and its INFO says which it uses);
 *  - writeValueWithoutResponse may fail while the browser's queue is busy: writes go one at a time
 *    and such a failure is tried again after a short wait, while the link is up;
 *  - `gattserverdisconnected` is the only sign of a lost link; the next request reconnects
 *    (gatt.connect needs no user gesture, only requestDevice does) and discovers the service anew.
 */
export interface WebLinkOptions extends MessageLinkOptions {
  /** The payload announced in INFO (default 20: the page cannot know more is possible). */
  announcePayload?: number;
  connectTimeoutMs?: number;
  /** Service and characteristic discovery, subscribing, and each write. */
  gattTimeoutMs?: number;
  /** Tries of a write that failed while the link was up (the browser's queue busy). */
  busyTries?: number;
}

/** The chooser's filters: the name the firmware advertises, or the service on firmware that advertises it. */
const CHOOSER: RequestDeviceOptions = {
  filters: [{ namePrefix: NAME_PREFIX }, { services: [SERVICE_UUID] }],
  optionalServices: [SERVICE_UUID],
};

/** Asks the person to choose a massager (call it from a click). Null when they cancel the chooser. */
export async function chooseDevice(bluetooth: Bluetooth): Promise<BluetoothDevice | null> {
  try {
    return await bluetooth.requestDevice(CHOOSER);
  } catch (err) {
    const name = (err as DOMException).name;
    if (name === "NotFoundError") return null;
    if (name === "SecurityError") throw new LinkError("the browser shows its device chooser only after a click on Connect; click it again");
    throw new LinkError(`the browser could not look for massagers (${(err as Error).message}); check that Bluetooth is on`);
  }
}

export class WebLink extends MessageLink {
  readonly device: BluetoothDevice;
  /** The page has no address: the browser's id for the device stands in (device/link.ts). */
  readonly peripheral: { readonly address: string; readonly id: string };
  private readonly web: Required<Pick<WebLinkOptions, "announcePayload" | "connectTimeoutMs" | "gattTimeoutMs" | "busyTries">>;
  private requestChar: BluetoothRemoteGATTCharacteristic | null = null;
  private notifyChar: BluetoothRemoteGATTCharacteristic | null = null;
  /** Writes in order, one at a time (a second write while one is pending is what makes the queue busy). */
  private writes: Promise<unknown> = Promise.resolve();
  private readonly onValue = (e: Event) => {
    const v = (e.target as BluetoothRemoteGATTCharacteristic).value;
    if (v) this.received(new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength)));
  };
  // (an event that comes after the page connected again is an earlier connection's)
  private readonly onGone = () => !this.device.gatt?.connected && this.dropped("gattserverdisconnected");

  constructor(device: BluetoothDevice, opts: WebLinkOptions = {}) {
    super(opts);
    this.device = device;
    this.peripheral = { address: "", id: device.id };
    this.web = {
      announcePayload: opts.announcePayload ?? MIN_PAYLOAD,
      connectTimeoutMs: opts.connectTimeoutMs ?? 10000,
      gattTimeoutMs: opts.gattTimeoutMs ?? 5000,
      busyTries: opts.busyTries ?? 8,
    };
    device.addEventListener("gattserverdisconnected", this.onGone);
  }

  get name(): string {
    return this.device.name || "the massager";
  }

  /** Disconnects and forgets the listeners. */
  async close(): Promise<void> {
    this.stopReconnecting();
    await this.hangUp();
    this.notifyChar?.removeEventListener("characteristicvaluechanged", this.onValue);
    this.device.removeEventListener("gattserverdisconnected", this.onGone);
  }

  protected async openConnection(): Promise<void> {
    const gatt = this.device.gatt;
    if (!gatt) throw new LinkError(`${this.name} cannot be reached over Bluetooth from this page; choose it again with Connect`);
    try {
      await withTimeout(gatt.connect(), this.web.connectTimeoutMs, `connecting to ${this.name}`, () => gatt.disconnect());
    } catch (err) {
      if (err instanceof TimeoutError) throw err;
      throw new LinkError(`could not connect to ${this.name} (${(err as Error).message}); wake it with a button press and try again`);
    }
  }

  protected async openService(): Promise<void> {
    const gatt = this.device.gatt!;
    const t = this.web.gattTimeoutMs;
    let request: BluetoothRemoteGATTCharacteristic;
    let notify: BluetoothRemoteGATTCharacteristic;
    try {
      const service = await withTimeout(gatt.getPrimaryService(SERVICE_UUID), t, `finding the massager service on ${this.name}`);
      request = await withTimeout(service.getCharacteristic(REQUEST_CHAR_UUID), t, `finding the massager characteristics on ${this.name}`);
      notify = await withTimeout(service.getCharacteristic(NOTIFY_CHAR_UUID), t, `finding the massager characteristics on ${this.name}`);
    } catch (err) {
      if (err instanceof TimeoutError) throw err;
      if (!gatt.connected) throw this.lost("connecting");
      throw new LinkError(`${this.name} does not offer the massager service (${(err as Error).message}); is it running the massager firmware? (\`massager flash\` installs it)`);
    }
    // objects of an earlier connection are dead: listen on this one's
    this.notifyChar?.removeEventListener("characteristicvaluechanged", this.onValue);
    this.requestChar = request;
    this.notifyChar = notify;
    notify.addEventListener("characteristicvaluechanged", this.onValue);
    await withTimeout(notify.startNotifications(), t, `subscribing to ${this.name}`);
    this.payload = Math.max(MIN_PAYLOAD, this.web.announcePayload);
  }

  protected writePacket(p: Uint8Array, what: string): Promise<void> {
    const next = this.writes.then(() => this.writeNow(p, what));
    this.writes = next.catch(() => undefined);
    return next;
  }

  protected async disconnect(): Promise<void> {
    const gatt = this.device.gatt;
    if (gatt?.connected) gatt.disconnect();
  }

  /** The browser says the link is down before its event arrives: the link is lost now (the next request reconnects). */
  private lost(what: string): LinkLostError {
    this.dropped("gatt disconnected");
    return new LinkLostError(what);
  }

  private async writeNow(p: Uint8Array, what: string): Promise<void> {
    if (p.length > WRITE_MAX_BYTES) throw new LinkError(`${what}: a packet of ${p.length} bytes is more than a page may write (${WRITE_MAX_BYTES})`);
    for (let attempt = 1; ; attempt++) {
      const c = this.requestChar;
      if (!c || !this.isConnected || !this.device.gatt?.connected) throw this.lost(what);
      try {
        await withTimeout(c.writeValueWithoutResponse(p.slice()), this.web.gattTimeoutMs, `${actionOf(what)} on ${this.name} (sending)`);
        return;
      } catch (err) {
        if (err instanceof TimeoutError) throw err;
        if (!this.device.gatt?.connected) throw this.lost(what);
        if (attempt >= this.web.busyTries) throw new LinkError(`${what}: the browser kept refusing to send (${(err as Error).message}); move closer and try again`);
        // the browser's queue was busy: wait a little longer each time, as long as the link holds
        await sleep(5 * attempt);
      }
    }
  }
}
