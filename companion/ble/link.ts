import { MAX_PAYLOAD, MESSAGE_MAX_BYTES, MIN_PAYLOAD } from "../../shared/limits";
import { OP_NAMES, Op, Status } from "../../shared/codes";
import { DONE, Reassembler, creditPacket, decodeMessage, encodeMessage, isStreamPacket, packetize } from "../../shared/frame";
import { INFO_PROTECTED, type Info, type SessionStatus, decodeInfo, decodeStatus } from "../../shared/messages";
import { NOTIFY_CHAR_UUID, REQUEST_CHAR_UUID, SERVICE_UUID } from "../../shared/uuids";
import { type DeviceLink, type LinkStats, type Reply, type RequestOptions, statusError } from "../device/link";
import type { OwnerSession } from "../device/owner";
import { LinkError, LinkLostError, TimeoutError, actionOf } from "../errors";
import { type NobleCharacteristic, type NoblePeripheral, type NobleService, nobleUuid } from "./noble-types";
import { fromCallback, sleep, withTimeout } from "./timeout";

/**
 * One connection to a massager over a noble Peripheral: connect, find the service, subscribe, learn
 * the MTU, and exchange request/reply messages (shared/frame.ts) with ids, timeouts and retries.
 * Stream packets (log records) go to the stream listener; EVT_STATUS events to event listeners.
 * When the link drops, the next request reconnects once (and sends INFO again, as every connection must).
 * With an owner key (`owner`), a protected device is answered AUTH after every INFO, and every request
 * after it is signed (device/owner.ts), each resend with a counter of its own.
 */
export interface LinkOptions {
  connectTimeoutMs?: number;
  /** Service/characteristic discovery and subscribe, each. */
  gattTimeoutMs?: number;
  /** Time to wait for one reply before resending the request with the same id. */
  requestTimeoutMs?: number;
  /** Resends after a timeout (or a garbled request) before giving up. */
  retries?: number;
  /** How long to wait for noble to learn the MTU after connecting (hci sets `peripheral.mtu` late). */
  mtuWaitMs?: number;
  /** Reconnect once when a request finds the link down (default true). */
  reconnect?: boolean;
  /** A line of debug output per event (MASSAGER_DEBUG). */
  debug?: (line: string) => void;
}


interface Pending {
  op: number;
  id: number;
  settle: (reply: Reply | Error) => void;
  onReply?: (r: Reply) => void;
  /** A reply that says our request arrived garbled: resend now rather than wait. */
  garbled: () => void;
}

const DEFAULTS = {
  connectTimeoutMs: 10000,
  gattTimeoutMs: 5000,
  requestTimeoutMs: 3000,
  retries: 3,
  mtuWaitMs: 500,
  reconnect: true,
};

export class Link implements DeviceLink {
  readonly peripheral: NoblePeripheral;
  private readonly opts: Required<Omit<LinkOptions, "debug">> & { debug?: (line: string) => void };
  /** ATT MTU of the link (23 until noble learns a larger one). */
  mtu = 23;
  /** Packet payload both sides use: min(mtu − 3, the device's payload, MAX_PAYLOAD). */
  payload: number = MIN_PAYLOAD;
  /** The INFO reply of the current connection (the owner's, once AUTH passed). */
  info: Info | null = null;
  /** This computer's key for the device, if it is one of its owners. */
  owner: OwnerSession | null = null;
  /** The device is protected and refused this computer's key (or it has none). */
  ownerRefused = false;
  readonly stats: LinkStats = { requests: 0, retries: 0, packetsOut: 0, packetsIn: 0, reconnects: 0 };

  private connected = false;
  private everConnected = false;
  private requestChar: NobleCharacteristic | null = null;
  private notifyChar: NobleCharacteristic | null = null;
  private readonly reassembler = new Reassembler(MESSAGE_MAX_BYTES);
  private nextId = 0;
  private pending: Pending | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private streamListener: ((packet: Uint8Array) => void) | null = null;
  private readonly eventListeners = new Set<(s: SessionStatus) => void>();
  private readonly dropListeners = new Set<(reason: string) => void>();
  private readonly onData = (data: Uint8Array, isNotification?: boolean) => this.received(data, isNotification);
  private readonly onDisconnect = (reason?: unknown) => this.dropped(String(reason ?? "remote"));

  constructor(peripheral: NoblePeripheral, opts: LinkOptions = {}) {
    this.peripheral = peripheral;
    this.opts = { ...DEFAULTS, ...opts };
    peripheral.on("disconnect", this.onDisconnect);
  }

  /** The name the device advertises, or its address. */
  get name(): string {
    return this.peripheral.advertisement?.localName || this.peripheral.address || this.peripheral.id;
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /** Connects (or reconnects), discovers, subscribes, learns the MTU and sends INFO. */
  async connect(): Promise<Info> {
    const p = this.peripheral;
    if (this.everConnected) this.stats.reconnects++;
    if (p.state !== "connected") {
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
    this.connected = true;
    this.everConnected = true;
    this.reassembler.active = false;
    try {
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
      const info = await this.send(Op.Info, new Uint8Array([this.payload]), {});
      if (info.status !== Status.Ok) throw statusError(Op.Info, info);
      const decoded = decodeInfo(info.body);
      if (!decoded) throw new LinkError(`${this.name} sent an INFO reply this companion cannot read; update the companion or the firmware`);
      if (decoded.payload >= MIN_PAYLOAD) this.payload = Math.min(this.payload, decoded.payload);
      this.info = decoded;
      this.owner?.reset();
      this.ownerRefused = (decoded.flags & INFO_PROTECTED) !== 0;
      if (this.ownerRefused && this.owner && (await this.owner.authenticate(decoded.nonce, (b) => this.send(Op.Auth, b, {})))) {
        // the owner's INFO: the clock, the log and the selection the first one left out
        this.ownerRefused = false;
        const again = await this.send(Op.Info, new Uint8Array([this.payload]), {});
        this.info = (again.status === Status.Ok && decodeInfo(again.body)) || decoded;
      }
      this.log(`connected mtu=${this.mtu} payload=${this.payload} fw=${decoded.firmware}`);
      return decoded;
    } catch (err) {
      await this.hangUp();
      throw err;
    }
  }

  /** Sends a request and returns the reply body; a non-OK status throws DeviceStatusError. */
  async request(op: number, body?: Uint8Array, opts: RequestOptions = {}): Promise<Uint8Array> {
    const r = await this.requestStatus(op, body, opts);
    if (r.status !== Status.Ok) throw statusError(op, r);
    return r.body;
  }

  /** Sends a request and returns status and body, whatever the status. */
  requestStatus(op: number, body?: Uint8Array, opts: RequestOptions = {}): Promise<Reply> {
    const run = async () => {
      if (!this.connected) {
        if (!this.opts.reconnect || !this.everConnected) throw new LinkLostError(OP_NAMES[op] ?? "a request");
        this.log("reconnecting");
        await this.connect();
      }
      return this.send(op, body ?? new Uint8Array(0), opts);
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Stream packets (header bit 7 set) go here until cleared with null. */
  setStreamListener(fn: ((packet: Uint8Array) => void) | null): void {
    this.streamListener = fn;
  }

  onEvent(fn: (s: SessionStatus) => void): () => void {
    this.eventListeners.add(fn);
    return () => this.eventListeners.delete(fn);
  }

  onDrop(fn: (reason: string) => void): () => void {
    this.dropListeners.add(fn);
    return () => this.dropListeners.delete(fn);
  }

  /** Disconnects (best effort, bounded) and forgets the listeners. */
  async close(): Promise<void> {
    this.opts.reconnect = false;
    await this.hangUp();
    if (this.notifyChar) this.notifyChar.removeListener("data", this.onData);
    this.peripheral.removeListener("disconnect", this.onDisconnect);
  }

  /** Drops the connection from this side (used by close, by a failed connect, and by tests). */
  async hangUp(): Promise<void> {
    const p = this.peripheral;
    // a connect that timed out was cancelled (noble leaves its state at "connecting"): no link to wait for
    if (p.state === "connected" || this.connected) {
      await withTimeout(
        new Promise<void>((resolve) => p.disconnect(() => resolve())),
        2000,
        `disconnecting from ${this.name}`,
      ).catch(() => undefined);
    }
    this.dropped("closed");
  }

  // ------------------------------------------------------------------ internals

  private async learnMtu(): Promise<number> {
    const deadline = Date.now() + this.opts.mtuWaitMs;
    while (!this.peripheral.mtu && Date.now() < deadline) await sleep(5);
    return this.peripheral.mtu || 23;
  }

  private async send(op: number, body: Uint8Array, opts: RequestOptions): Promise<Reply> {
    const what = OP_NAMES[op] ?? `op 0x${op.toString(16)}`;
    const timeoutMs = opts.timeoutMs ?? this.opts.requestTimeoutMs;
    const retries = opts.retries ?? this.opts.retries;
    this.nextId = (this.nextId % 255) + 1;
    const id = this.nextId;
    this.stats.requests++;
    for (let attempt = 0; ; attempt++) {
      if (!this.connected) throw new LinkLostError(what);
      // signed afresh for every send: a resend with a counter already seen would be refused as a replay
      const signed = this.owner ? await this.owner.sign(op, id, body) : { flags: 0, body };
      const packets: Uint8Array[] = [];
      packetize(encodeMessage(op, id, signed.flags, signed.body), this.payload, (p) => packets.push(p));
      let garbled = false;
      const reply = new Promise<Reply | Error>((resolve) => {
        this.pending = {
          op,
          id,
          settle: resolve,
          onReply: opts.onReply,
          garbled: () => {
            garbled = true;
            resolve(new Error("garbled"));
          },
        };
      });
      try {
        for (const p of packets) await this.writePacket(p, what);
        const r = await withTimeout(reply, timeoutMs, `${actionOf(what)} on ${this.name}`);
        if (!(r instanceof Error)) return r;
        if (!garbled) throw r;
        if (attempt >= retries) throw new LinkError(`the massager kept receiving the request garbled while ${actionOf(what)}; move closer and try again`);
      } catch (err) {
        if (!(err instanceof TimeoutError) || attempt >= retries || !this.connected) throw err;
      } finally {
        this.pending = null;
      }
      this.stats.retries++;
      this.log(`retry ${what} id=${id} (${attempt + 1})`);
    }
  }

  /**
   * Credits a flow-controlled log stream: stream packets up to counter `seen` − 1 have arrived (or
   * are given up on). Written without response and without waiting: a lost credit only slows the
   * stream until the next one.
   */
  credit(seen: number): void {
    this.writePacket(creditPacket(seen), "stream credit").catch(() => undefined);
  }

  private async writePacket(p: Uint8Array, what: string): Promise<void> {
    const c = this.requestChar;
    if (!c || !this.connected) throw new LinkLostError(what);
    this.stats.packetsOut++;
    await withTimeout(
      fromCallback<void>((done) => c.write(Buffer.from(p), true, done)),
      this.opts.gattTimeoutMs,
      `${actionOf(what)} on ${this.name} (sending)`,
    );
  }

  private received(data: Uint8Array, isNotification?: boolean): void {
    if (isNotification === false) return; // a read reply, not ours
    const pkt = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    this.stats.packetsIn++;
    if (isStreamPacket(pkt)) {
      this.streamListener?.(pkt.slice());
      return;
    }
    if (this.reassembler.push(pkt) !== DONE) return;
    const m = decodeMessage(this.reassembler.message().slice());
    if (typeof m === "number") {
      this.log(`dropped an undecodable reply (status ${m})`);
      return;
    }
    if (m.op === Op.EvtStatus) {
      const s = decodeStatus(m.body);
      if (s) for (const fn of this.eventListeners) fn(s);
      return;
    }
    const p = this.pending;
    if (!p) return;
    if (m.op === Op.Error && (m.id === p.id || m.id === 0)) {
      if (m.status === Status.Corrupt || m.status === Status.BadRequest) p.garbled();
      else p.settle(statusError(p.op, { status: m.status, body: m.body }));
      return;
    }
    if (m.op === p.op && m.id === p.id) {
      const r = { status: m.status, body: m.body };
      this.pending = null;
      p.onReply?.(r);
      p.settle(r);
    }
  }

  private dropped(reason: string): void {
    if (!this.connected) return;
    this.connected = false;
    this.log(`link dropped: ${reason}`);
    const p = this.pending;
    if (p) p.settle(new LinkLostError(OP_NAMES[p.op] ?? "a request"));
    for (const fn of this.dropListeners) fn(reason);
  }

  private log(line: string): void {
    this.opts.debug?.(`[link ${this.name}] ${line}`);
  }
}
