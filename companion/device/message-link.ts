import { MESSAGE_MAX_BYTES, MIN_PAYLOAD } from "../../shared/limits";
import { OP_NAMES, Op, Status } from "../../shared/codes";
import { DONE, Reassembler, creditPacket, decodeMessage, encodeMessage, isStreamPacket, packetize } from "../../shared/frame";
import { INFO_PROTECTED, type Info, type SessionStatus, decodeInfo, decodeStatus } from "../../shared/messages";
import { LinkError, LinkLostError, TimeoutError, actionOf } from "../errors";
import { type DeviceLink, type LinkStats, type Reply, type RequestOptions, statusError } from "./link";
import type { OwnerSession } from "./owner";
import { withTimeout } from "./timeout";

/**
 * The protocol half of a link, whatever carries the packets (noble in companion/ble/link.ts, Web
 * Bluetooth in companion/web/): after the transport is open, INFO with the payload, AUTH when the
 * device is protected and this side holds a key; then request/reply messages (shared/frame.ts) with
 * ids, timeouts and resends, each signed afresh once AUTH passed. Stream packets (log records) go to
 * the stream listener, EVT_STATUS events to event listeners. When the link drops, the next request
 * reconnects once (and sends INFO again, as every connection must).
 *
 * A transport implements three steps: open the connection, open the service (discover, subscribe,
 * set `payload` to what it can carry), write one packet; and calls `received` for every
 * notification and `dropped` when the link is lost.
 */
export interface MessageLinkOptions {
  /** Time to wait for one reply before resending the request with the same id. */
  requestTimeoutMs?: number;
  /** Resends after a timeout (or a garbled request) before giving up. */
  retries?: number;
  /** Reconnect once when a request finds the link down (default true). */
  reconnect?: boolean;
  /** A line of debug output per event. */
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

export abstract class MessageLink implements DeviceLink {
  abstract readonly name: string;
  abstract readonly peripheral: { readonly address: string; readonly id: string };
  /** Packet payload both sides use: what the transport carries, and no more than the device's. */
  payload: number = MIN_PAYLOAD;
  /** The INFO reply of the current connection (the owner's, once AUTH passed). */
  info: Info | null = null;
  /** This side's key for the device, if it is one of its owners. */
  owner: OwnerSession | null = null;
  /** The device is protected and refused this side's key (or it has none). */
  ownerRefused = false;
  readonly stats: LinkStats = { requests: 0, retries: 0, packetsOut: 0, packetsIn: 0, reconnects: 0 };

  protected readonly linkOpts: { requestTimeoutMs: number; retries: number; reconnect: boolean; debug?: (line: string) => void };
  private connected = false;
  private everConnected = false;
  private readonly reassembler = new Reassembler(MESSAGE_MAX_BYTES);
  private nextId = 0;
  private pending: Pending | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private streamListener: ((packet: Uint8Array) => void) | null = null;
  private readonly eventListeners = new Set<(s: SessionStatus) => void>();
  private readonly dropListeners = new Set<(reason: string) => void>();

  constructor(opts: MessageLinkOptions = {}) {
    this.linkOpts = { requestTimeoutMs: 3000, retries: 3, reconnect: true, ...opts };
  }

  /** Connects the transport (nothing to undo when it fails). */
  protected abstract openConnection(): Promise<void>;
  /** Finds the service, subscribes to its notifications and sets `payload` to what the transport carries. */
  protected abstract openService(): Promise<void>;
  /** Writes one packet to the request characteristic (without response). */
  protected abstract writePacket(p: Uint8Array, what: string): Promise<void>;
  /** Ends the connection from this side (best effort, bounded). */
  protected abstract disconnect(): Promise<void>;

  get isConnected(): boolean {
    return this.connected;
  }

  /** Connects (or reconnects), opens the service, sends INFO, and AUTH when the device is protected and this side holds a key. */
  async connect(): Promise<Info> {
    if (this.everConnected) this.stats.reconnects++;
    await this.openConnection();
    this.connected = true;
    this.everConnected = true;
    this.reassembler.active = false;
    try {
      await this.openService();
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
      this.log(`connected ${this.describe()} fw=${decoded.firmware}`);
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
        if (!this.linkOpts.reconnect || !this.everConnected) throw new LinkLostError(OP_NAMES[op] ?? "a request");
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

  /**
   * Credits a flow-controlled log stream: stream packets up to counter `seen` − 1 have arrived (or
   * are given up on). Written without response and without waiting: a lost credit only slows the
   * stream until the next one.
   */
  credit(seen: number): void {
    if (!this.connected) return;
    this.stats.packetsOut++;
    this.writePacket(creditPacket(seen), "stream credit").catch(() => undefined);
  }

  /** Drops the connection from this side (used by close, by a failed connect, and by tests). */
  async hangUp(): Promise<void> {
    await this.disconnect();
    this.dropped("closed");
  }

  /** No more reconnects (the link is being closed). */
  protected stopReconnecting(): void {
    this.linkOpts.reconnect = false;
  }

  /** What the debug line says of the transport once connected. */
  protected describe(): string {
    return `payload=${this.payload}`;
  }

  // ------------------------------------------------------------------ internals

  private async send(op: number, body: Uint8Array, opts: RequestOptions): Promise<Reply> {
    const what = OP_NAMES[op] ?? `op 0x${op.toString(16)}`;
    const timeoutMs = opts.timeoutMs ?? this.linkOpts.requestTimeoutMs;
    const retries = opts.retries ?? this.linkOpts.retries;
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
        for (const p of packets) {
          if (!this.connected) throw new LinkLostError(what);
          this.stats.packetsOut++;
          await this.writePacket(p, what);
        }
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

  /** One notification from the device: a stream packet, a reply's packet, or an event's. */
  protected received(pkt: Uint8Array): void {
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

  /** The link is lost: the request in flight fails with LinkLostError, and the next one reconnects. */
  protected dropped(reason: string): void {
    if (!this.connected) return;
    this.connected = false;
    this.log(`link dropped: ${reason}`);
    const p = this.pending;
    if (p) p.settle(new LinkLostError(OP_NAMES[p.op] ?? "a request"));
    for (const fn of this.dropListeners) fn(reason);
  }

  protected log(line: string): void {
    this.linkOpts.debug?.(`[link ${this.name}] ${line}`);
  }
}
