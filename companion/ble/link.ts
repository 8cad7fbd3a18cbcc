import { MAX_PAYLOAD, MIN_PAYLOAD } from "../../shared/limits";
import { NOTIFY_CHAR_UUID, REQUEST_CHAR_UUID, SERVICE_UUID } from "../../shared/uuids";
import { MessageLink, type MessageLinkOptions } from "../device/message-link";
import { sleep, withTimeout } from "../device/timeout";
import { LinkError, LinkLostError, TimeoutError, actionOf } from "../errors";
import { type NobleCharacteristic, type NoblePeripheral, type NobleService, nobleUuid } from "./noble-types";
import { fromCallback } from "./timeout";

/**
 * One connection to a massager over a noble Peripheral: connect, find the service, subscribe, learn
 * the MTU; the protocol on top (INFO, AUTH with an owner key, request/reply messages with ids,
 * timeouts, retries and signatures, the reconnect after a drop) is device/message-link.ts, the same
 * as the browser's link.
 */
export interface LinkOptions extends MessageLinkOptions {
  connectTimeoutMs?: number;
  /** Service/characteristic discovery and subscribe, each. */
  gattTimeoutMs?: number;
  /** How long to wait for noble to learn the MTU after connecting (hci sets `peripheral.mtu` late). */
  mtuWaitMs?: number;
}

const DEFAULTS = {
  connectTimeoutMs: 10000,
  gattTimeoutMs: 5000,
  mtuWaitMs: 500,
};

export class Link extends MessageLink {
  readonly peripheral: NoblePeripheral;
  private readonly opts: typeof DEFAULTS;
  /** ATT MTU of the link (23 until noble learns a larger one). */
  mtu = 23;

  private requestChar: NobleCharacteristic | null = null;
  private notifyChar: NobleCharacteristic | null = null;
  private readonly onData = (data: Uint8Array, isNotification?: boolean) => {
    if (isNotification === false) return; // a read reply, not ours
    this.received(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  };
  private readonly onDisconnect = (reason?: unknown) => this.dropped(String(reason ?? "remote"));

  constructor(peripheral: NoblePeripheral, opts: LinkOptions = {}) {
    super(opts);
    this.peripheral = peripheral;
    this.opts = {
      connectTimeoutMs: opts.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
      gattTimeoutMs: opts.gattTimeoutMs ?? DEFAULTS.gattTimeoutMs,
      mtuWaitMs: opts.mtuWaitMs ?? DEFAULTS.mtuWaitMs,
    };
    peripheral.on("disconnect", this.onDisconnect);
  }

  /** The name the device advertises, or its address. */
  get name(): string {
    return this.peripheral.advertisement?.localName || this.peripheral.address || this.peripheral.id;
  }

  /** Disconnects (best effort, bounded) and forgets the listeners. */
  async close(): Promise<void> {
    this.stopReconnecting();
    await this.hangUp();
    if (this.notifyChar) this.notifyChar.removeListener("data", this.onData);
    this.peripheral.removeListener("disconnect", this.onDisconnect);
  }

  protected async openConnection(): Promise<void> {
    const p = this.peripheral;
    if (p.state === "connected") return;
    try {
      await withTimeout(
        fromCallback<void>((done) => p.connect(undefined, done)),
        this.opts.connectTimeoutMs,
        `connecting to ${this.name}`,
        () => p.cancelConnect(),
      );
    } catch (err) {
      if (err instanceof TimeoutError) throw err;
      throw new LinkError(`could not connect to ${this.name} (${(err as Error).message}); wake it with a button press and try again`);
    }
  }

  protected async openService(): Promise<void> {
    const p = this.peripheral;
    const services = await withTimeout(
      fromCallback<NobleService[]>((done) => p.discoverServices([nobleUuid(SERVICE_UUID)], done)),
      this.opts.gattTimeoutMs,
      `finding the massager service on ${this.name}`,
    );
    const service = services.find((s) => nobleUuid(s.uuid) === nobleUuid(SERVICE_UUID));
    if (!service) throw new LinkError(`${this.name} does not offer the massager service; is it running the massager firmware? (\`massager flash\` installs it)`);
    const chars = await withTimeout(
      fromCallback<NobleCharacteristic[]>((done) =>
        service.discoverCharacteristics([nobleUuid(REQUEST_CHAR_UUID), nobleUuid(NOTIFY_CHAR_UUID)], done),
      ),
      this.opts.gattTimeoutMs,
      `finding the massager characteristics on ${this.name}`,
    );
    const req = chars.find((c) => nobleUuid(c.uuid) === nobleUuid(REQUEST_CHAR_UUID));
    const ntf = chars.find((c) => nobleUuid(c.uuid) === nobleUuid(NOTIFY_CHAR_UUID));
    if (!req || !ntf) throw new LinkError(`${this.name} lacks the massager's request or notify characteristic; update its firmware with \`massager flash\``);
    if (this.notifyChar) this.notifyChar.removeListener("data", this.onData);
    this.requestChar = req;
    this.notifyChar = ntf;
    ntf.on("data", this.onData);
    await withTimeout(fromCallback<void>((done) => ntf.subscribe(done)), this.opts.gattTimeoutMs, `subscribing to ${this.name}`);
    this.mtu = await this.learnMtu();
    this.payload = Math.max(MIN_PAYLOAD, Math.min(this.mtu - 3, MAX_PAYLOAD));
  }

  protected async writePacket(p: Uint8Array, what: string): Promise<void> {
    const c = this.requestChar;
    if (!c) throw new LinkLostError(what);
    await withTimeout(
      fromCallback<void>((done) => c.write(Buffer.from(p), true, done)),
      this.opts.gattTimeoutMs,
      `${actionOf(what)} on ${this.name} (sending)`,
    );
  }

  protected async disconnect(): Promise<void> {
    const p = this.peripheral;
    // a connect that timed out was cancelled (noble leaves its state at "connecting"): no link to wait for
    if (p.state === "connected" || this.isConnected) {
      await withTimeout(
        new Promise<void>((resolve) => p.disconnect(() => resolve())),
        2000,
        `disconnecting from ${this.name}`,
      ).catch(() => undefined);
    }
  }

  protected describe(): string {
    return `mtu=${this.mtu} payload=${this.payload}`;
  }

  private async learnMtu(): Promise<number> {
    const deadline = Date.now() + this.opts.mtuWaitMs;
    while (!this.peripheral.mtu && Date.now() < deadline) await sleep(5);
    return this.peripheral.mtu || 23;
  }
}
