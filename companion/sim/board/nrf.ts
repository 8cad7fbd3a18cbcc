/**
 * VirtualNrf: the nRF52 radio as the firmware's `NRF` object sees it, plus the central's side.
 *
 * Why: the companion must talk to the virtual device through the same GATT rules that bite on
 * the board, chiefly: a notification is only sent while a central is connected and subscribed;
 * it goes into a small transmit queue that empties a few packets per connection interval; when
 * that queue is full the notification is DROPPED WITHOUT ERROR; one write carries at most
 * MTU-3 bytes; a service change while connected applies only after disconnecting. Everything
 * runs in the clock's virtual time, so a sync of a year of logs is reproducible and fast.
 *
 * Two faces:
 * - firmware face (wrapped into the `NRF` global by realm/nrf-api.ts): `setServices`,
 *   `updateServices`, `setAdvertising`, `setSecurity`, `getSecurityStatus`, `disconnect`,
 *   `getBattery`, `setConnectionInterval`, `getAddress`, `setTxPower`, `sleep`, `wake`, `restart`;
 *   the firmware's `NRF.on('connect'|'disconnect')` events are raised through `NrfHost.emit`;
 * - central face (for tests and the noble bindings): `centralConnect`, `centralDisconnect`,
 *   `centralSubscribe`, `centralWrite`, `centralRead`, `onNotify`/'notify' event, `uartWrite`.
 *
 * UUIDs are normalized noble-style everywhere: lower case, no dashes, no "0x" ("180f",
 * "6e400001b5a3f393e0a9e50e24dcca9e"); any spelling is accepted as input.
 *
 * Host events (EventEmitter): 'notify' (svc, chr, data: Uint8Array), 'connect' (ConnectionInfo),
 * 'disconnect' (reason: number), 'uart' (text the device printed to its BLE console),
 * 'servicesChanged' (), 'advertising' (AdvertisingState).
 */
import { EventEmitter } from "node:events";
import type { HostTimer, VirtualClock } from "./clock.js";
import { toBytes } from "./flash.js";
import { Random, randomInt, seededRandom } from "./prng.js";
import { UART_RX_CHAR_UUID, UART_SERVICE_UUID, UART_TX_CHAR_UUID } from "../../../shared/uuids.js";

/** Nordic UART service (Espruino's console): shared/uuids.ts's UART_* in the radio's spelling. */
export const NUS_SERVICE = normalizeUuid(UART_SERVICE_UUID);
/** NUS RX: the central writes console input here. */
export const NUS_RX = normalizeUuid(UART_RX_CHAR_UUID);
/** NUS TX: the device notifies console output here. */
export const NUS_TX = normalizeUuid(UART_TX_CHAR_UUID);

/** HCI disconnect reasons the simulation uses. */
export const DISCONNECT_REASON = {
  /** The link dropped (power loss, out of range). */
  SUPERVISION_TIMEOUT: 0x08,
  /** The central ended the connection. */
  REMOTE_USER_TERMINATED: 0x13,
  /** The device ended it (`NRF.disconnect()`). */
  LOCAL_HOST_TERMINATED: 0x16,
} as const;

/** Normalize a UUID to noble's spelling ("0x180F" → "180f"; dashes removed). */
function normalizeUuid(uuid: string | number): string {
  if (typeof uuid === "number") return uuid.toString(16).padStart(4, "0");
  return String(uuid).trim().toLowerCase().replace(/^0x/, "").replace(/-/g, "");
}

/** One characteristic of the GATT table. */
export interface CharacteristicState {
  service: string;
  uuid: string;
  value: Uint8Array;
  maxLen: number;
  readable: boolean;
  writable: boolean;
  notify: boolean;
  indicate: boolean;
  description?: string;
  /** The firmware's onWrite function (opaque to the host). */
  onWrite?: unknown;
}

/** service uuid → characteristic uuid → state. */
export type GattTable = Map<string, Map<string, CharacteristicState>>;

export interface CentralConnectOptions {
  /** Central address as the firmware sees it in 'connect' (default "c0:ff:ee:c0:ff:ee random"). */
  address?: string;
  /** MTU the central requests; the link uses min(this, board MTU). Default 23. */
  mtu?: number;
  /** Connection interval in ms (default 7.5). */
  interval?: number;
  /** Packets the radio sends per connection interval (default 4). */
  packetsPerInterval?: number;
}

export interface ConnectionInfo {
  address: string;
  mtu: number;
  /** Largest payload of one write or notification: mtu - 3. */
  payload: number;
  interval: number;
  packetsPerInterval: number;
  startedAt: number;
}

export interface LinkStats {
  /** Notifications (and UART output packets) delivered to the central, and their bytes. */
  txPackets: number;
  txBytes: number;
  /** Writes received from the central, and their bytes. */
  rxPackets: number;
  rxBytes: number;
  reads: number;
  /** Notifications dropped because the queue was full or by `dropRate` (random drops included). */
  droppedNotifications: number;
  randomDrops: number;
  /** Notifications longer than MTU-3 that the radio cut short. */
  truncatedNotifications: number;
  /** Packets still queued when a connection ended. */
  lostOnDisconnect: number;
  connections: number;
}

export interface AdvertisingState {
  data: unknown;
  options: Record<string, unknown>;
  active: boolean;
}

/** What the device gives the radio to reach the firmware. */
export interface NrfHost {
  /** Raise an event on the firmware's NRF object (queued, like Espruino's emit). */
  emit(event: string, args: unknown[]): void;
  /** Queue a call of a firmware callback (onWrite) with an event object built from `bytes`. */
  deliverWrite(fn: unknown, bytes: Uint8Array): void;
  /** Console input that arrived over the Nordic UART. */
  consoleInput(text: string): void;
}

export interface VirtualNrfOptions {
  clock: VirtualClock;
  /** Largest MTU this board answers (53 MDBT42Q/Puck.js, 131 Bangle.js 2, else 23). */
  boardMtu?: number;
  /** Transmit queue size in packets (default 8). */
  txQueue?: number;
  /** Fraction (0..0.3) of notifications dropped at random, for fault tests. */
  dropRate?: number;
  seed?: number;
  /** The board's address (default: one from the seed). */
  address?: string;
  /** Device name used in the default advertising ("MDBT42Q" → "MDBT42Q 1a2b"). */
  boardName?: string;
  /** What NRF.getBattery() reads: the supply voltage now (the device's battery model). */
  readBattery?: () => number;
}

interface Queued {
  service: string;
  characteristic: string;
  data: Uint8Array;
}

export class VirtualNrf extends EventEmitter {
  readonly clock: VirtualClock;
  readonly boardMtu: number;
  readonly txQueueSize: number;
  dropRate: number;
  /** The supply voltage NRF.getBattery() reads (the device's battery model). */
  readBattery: () => number;
  readonly address: string;
  /** Active GATT table (what a central sees). */
  services: GattTable = new Map();
  /** Services set while connected, applied at disconnect. */
  pendingServices?: { table: GattTable; uart: boolean };
  uartEnabled = true;
  advertising: AdvertisingState = { data: undefined, options: {}, active: false };
  security: Record<string, unknown> = {};
  txPower = 0;
  /** Last value given to setConnectionInterval ("auto" by default). */
  requestedInterval: unknown = "auto";
  readonly stats: LinkStats = emptyStats();
  private host?: NrfHost;
  private conn?: ConnectionInfo;
  private subscribed = new Set<string>();
  private queue: Queued[] = [];
  private uartQueue: Uint8Array[] = [];
  private drainTimer?: HostTimer;
  private rnd: Random;
  private readonly boardName: string;
  private powered = false;

  constructor(opts: VirtualNrfOptions) {
    super();
    this.clock = opts.clock;
    this.boardMtu = opts.boardMtu ?? 23;
    this.txQueueSize = opts.txQueue ?? 8;
    this.dropRate = Math.min(0.3, Math.max(0, opts.dropRate ?? 0));
    this.readBattery = opts.readBattery ?? (() => 3.0);
    this.rnd = seededRandom((opts.seed ?? 1) ^ 0x9e3779b9);
    const a = Array.from({ length: 6 }, () => randomInt(this.rnd, 256));
    a[0] |= 0xc0; // static random address
    this.address = opts.address ? `${opts.address.toLowerCase()} random` : `${a.map((b) => b.toString(16).padStart(2, "0")).join(":")} random`;
    this.boardName = opts.boardName ?? "Espruino";
  }

  // ------------------------------------------------------------------ lifecycle (device)

  /** The chip booted: default services (UART) and default advertising, firmware reachable via `host`. */
  powerUp(host: NrfHost): void {
    this.host = host;
    this.powered = true;
    this.uartEnabled = true;
    this.services = buildTable({}, true);
    this.pendingServices = undefined;
    this.security = {};
    this.requestedInterval = "auto";
    const suffix = this.address.slice(12, 17).replace(":", "");
    this.advertising = { data: undefined, options: { name: `${this.boardName} ${suffix}` }, active: !this.conn };
    this.emit("servicesChanged");
  }

  /**
   * The chip lost power or reset: the link drops (the central sees a supervision timeout, or
   * `reason`), nothing is advertised, the firmware is gone.
   */
  powerDown(reason: number = DISCONNECT_REASON.SUPERVISION_TIMEOUT): void {
    this.host = undefined;
    this.powered = false;
    if (this.conn) this.endConnection(reason, false);
    this.services = new Map();
    this.pendingServices = undefined;
    this.advertising = { ...this.advertising, active: false };
    this.emit("servicesChanged");
  }

  /** Whether the device's radio is on (the device is running). */
  get isPowered(): boolean {
    return this.powered;
  }

  // ------------------------------------------------------------------ firmware face

  /** `NRF.setServices(services, {uart})`. While connected, applies after disconnect (like Espruino). */
  setServices(services: Record<string, Record<string, Record<string, unknown>>> | undefined, opts: { uart?: boolean } = {}): void {
    const uart = opts?.uart !== false;
    const table = buildTable(services ?? {}, uart);
    if (this.conn) {
      this.pendingServices = { table, uart };
      return;
    }
    this.applyServices(table, uart);
  }

  /**
   * `NRF.updateServices({svc: {chr: {value, notify}}})`: updates values; a notification goes
   * into the transmit queue only when connected and subscribed, and is dropped silently when
   * the queue is full.
   */
  updateServices(update: Record<string, Record<string, Record<string, unknown>>>): void {
    for (const [svcKey, chars] of Object.entries(update ?? {})) {
      const svc = normalizeUuid(svcKey);
      const table = this.services.get(svc) ?? this.pendingServices?.table.get(svc);
      if (!table) throw new Error(`Service ${svcKey} not found (call NRF.setServices first)`);
      for (const [chrKey, change] of Object.entries(chars ?? {})) {
        const uuid = normalizeUuid(chrKey);
        const c = table.get(uuid);
        if (!c) throw new Error(`Characteristic ${chrKey} not found in service ${svcKey}`);
        if (change.value !== undefined) {
          const bytes = toBytes(change.value);
          if (bytes.length > c.maxLen) throw new Error(`Value of ${bytes.length} bytes is longer than maxLen ${c.maxLen} of characteristic ${chrKey}`);
          c.value = bytes;
        }
        if ((change.notify || change.indicate) && this.conn && this.subscribed.has(key(svc, uuid))) {
          this.enqueueNotification(svc, uuid, c.value);
        }
      }
    }
  }

  /** `NRF.setAdvertising(data, options)`: recorded. */
  setAdvertising(data: unknown, options: Record<string, unknown> = {}): void {
    this.advertising = { data, options: { ...this.advertising.options, ...options }, active: this.advertising.active };
    this.emit("advertising", this.advertising);
  }

  /** `NRF.setSecurity(options)`: recorded (passkey, mitm, display, bond…). */
  setSecurity(options: Record<string, unknown>): void {
    this.security = { ...options };
  }

  /** `NRF.getSecurityStatus()`. */
  getSecurityStatus(): Record<string, unknown> {
    const c = this.conn;
    const status: Record<string, unknown> = {
      advertising: this.advertising.active,
      connected: !!c,
      // the firmware never asks a central to pair (its owners prove a key instead), and a link is
      // encrypted or bonded only when the peripheral demands it: so never here
      encrypted: false,
      mitm_protected: false,
      bonded: false,
    };
    if (c) status.connected_addr = c.address;
    return status;
  }

  /** `NRF.disconnect()`: the device ends the link. */
  disconnect(): void {
    if (this.conn) this.endConnection(DISCONNECT_REASON.LOCAL_HOST_TERMINATED, true);
  }

  /** `NRF.getBattery()`: supply voltage. */
  getBattery(): number {
    return this.readBattery();
  }

  /** `NRF.setConnectionInterval(ms | "auto" | {minInterval, maxInterval})`. */
  setConnectionInterval(v: unknown): void {
    this.requestedInterval = v;
    if (!this.conn) return;
    const ms = typeof v === "number" ? v : v && typeof v === "object" ? Number((v as { minInterval?: number }).minInterval) : NaN;
    if (ms >= 7.5 && ms <= 4000) this.conn.interval = ms;
  }

  /** `NRF.getAddress()`. */
  getAddress(): string {
    return this.address;
  }

  /** `NRF.setTxPower(dBm)`: recorded. */
  setTxPower(dbm: number): void {
    this.txPower = Number(dbm);
  }

  /** `NRF.sleep()`: disconnect and stop advertising. */
  sleep(): void {
    this.disconnect();
    this.advertising = { ...this.advertising, active: false };
  }

  /** `NRF.wake()`: advertise again. */
  wake(): void {
    this.advertising = { ...this.advertising, active: !this.conn };
  }

  /** `NRF.restart()`: drop any connection and apply pending services now. */
  restart(): void {
    this.disconnect();
    if (this.pendingServices) this.applyServices(this.pendingServices.table, this.pendingServices.uart);
  }

  /** Console output of the device: sent over the UART TX when a central listens (never dropped). */
  consoleOutput(text: string): void {
    if (!text) return;
    this.emit("uart", text);
    if (!this.conn || !this.uartEnabled || !this.subscribed.has(key(NUS_SERVICE, NUS_TX))) return;
    const bytes = toBytes(text);
    for (let i = 0; i < bytes.length; i += this.conn.payload) this.uartQueue.push(bytes.slice(i, i + this.conn.payload));
    this.scheduleDrain();
  }

  // ------------------------------------------------------------------ central face

  /** Current connection, if any. */
  get connection(): ConnectionInfo | undefined {
    return this.conn ? { ...this.conn } : undefined;
  }

  /** Whether a central is connected. */
  get connected(): boolean {
    return this.conn !== undefined;
  }

  /** Packets waiting in the transmit queue. */
  get queuedNotifications(): number {
    return this.queue.length;
  }

  /** Connect a central. Throws when the device is off or already connected. */
  centralConnect(opts: CentralConnectOptions = {}): ConnectionInfo {
    if (!this.powered || !this.host) throw new Error("device is not advertising (powered off)");
    if (this.conn) throw new Error("a central is already connected");
    if (!this.advertising.active) throw new Error("device is not advertising");
    if (this.advertising.options.connectable === false) throw new Error("device is not connectable");
    const mtu = Math.max(23, Math.min(opts.mtu ?? 23, this.boardMtu));
    this.conn = {
      address: opts.address ?? "c0:ff:ee:c0:ff:ee random",
      mtu,
      payload: mtu - 3,
      interval: opts.interval ?? 7.5,
      packetsPerInterval: Math.max(1, opts.packetsPerInterval ?? 4),
      startedAt: this.clock.now(),
    };
    this.stats.connections++;
    this.subscribed.clear();
    this.advertising = { ...this.advertising, active: false };
    this.host.emit("connect", [this.conn.address]);
    this.emit("connect", { ...this.conn });
    this.kick();
    return { ...this.conn };
  }

  /** The central ends the link (default reason 0x13, remote user terminated). */
  centralDisconnect(reason: number = DISCONNECT_REASON.REMOTE_USER_TERMINATED): void {
    if (this.conn) this.endConnection(reason, true);
  }

  /** Enable or disable notifications (writes the CCCD). */
  centralSubscribe(service: string, characteristic: string, on: boolean): void {
    const c = this.char(service, characteristic);
    if (!c.notify && !c.indicate) throw new Error(`characteristic ${c.uuid} does not notify`);
    const k = key(c.service, c.uuid);
    if (on) this.subscribed.add(k);
    else this.subscribed.delete(k);
  }

  /** Whether the central is subscribed to a characteristic. */
  isSubscribed(service: string, characteristic: string): boolean {
    return this.subscribed.has(key(normalizeUuid(service), normalizeUuid(characteristic)));
  }

  /**
   * Write from the central. The firmware's `onWrite({data: ArrayBuffer})` runs from the event
   * queue, like Espruino's. Throws (for the bindings to report) when not connected, when the
   * characteristic is not writable, or when the data is longer than MTU-3 (no long writes).
   */
  centralWrite(service: string, characteristic: string, data: Uint8Array): void {
    const c = this.char(service, characteristic);
    const conn = this.conn!;
    if (!c.writable) throw new Error(`characteristic ${c.uuid} is not writable`);
    if (data.length > conn.payload) throw new Error(`write of ${data.length} bytes exceeds MTU-3 (${conn.payload} bytes); long writes are not supported`);
    if (data.length > c.maxLen) throw new Error(`write of ${data.length} bytes exceeds maxLen ${c.maxLen} of characteristic ${c.uuid}`);
    const bytes = new Uint8Array(data);
    this.stats.rxPackets++;
    this.stats.rxBytes += bytes.length;
    c.value = bytes.slice();
    if (c.service === NUS_SERVICE && c.uuid === NUS_RX) {
      const text = String.fromCharCode(...bytes);
      const host = this.host!;
      this.clock.post(() => host.consoleInput(text));
    } else if (c.onWrite !== undefined) {
      this.host!.deliverWrite(c.onWrite, bytes);
    }
    this.kick();
  }

  /** Read a characteristic's value (a copy). */
  centralRead(service: string, characteristic: string): Uint8Array {
    const c = this.char(service, characteristic);
    if (!c.readable) throw new Error(`characteristic ${c.uuid} is not readable`);
    this.stats.reads++;
    return c.value.slice(0, this.conn!.payload);
  }

  /** Type console input into the device's Nordic UART (split into MTU-3 writes). */
  uartWrite(text: string): void {
    const bytes = toBytes(text);
    const n = this.conn?.payload ?? 20;
    for (let i = 0; i < bytes.length; i += n) this.centralWrite(NUS_SERVICE, NUS_RX, bytes.subarray(i, i + n));
  }

  /** Listen to notifications; returns a function that stops listening. */
  onNotify(cb: (service: string, characteristic: string, data: Uint8Array) => void): () => void {
    this.on("notify", cb);
    return () => this.off("notify", cb);
  }

  /** Snapshot of the GATT table for a central's discovery. */
  discover(): Array<{ uuid: string; characteristics: Array<Omit<CharacteristicState, "onWrite" | "value"> & { value: Uint8Array }> }> {
    return [...this.services.entries()].map(([uuid, chars]) => ({
      uuid,
      characteristics: [...chars.values()].map(({ onWrite: _w, ...c }) => ({ ...c, value: c.value.slice() })),
    }));
  }

  /** Reset the link statistics. */
  resetStats(): void {
    Object.assign(this.stats, emptyStats());
  }

  // ------------------------------------------------------------------ internals

  private char(service: string, characteristic: string): CharacteristicState {
    if (!this.conn) throw new Error("not connected");
    const svc = normalizeUuid(service);
    const uuid = normalizeUuid(characteristic);
    const c = this.services.get(svc)?.get(uuid);
    if (!c) throw new Error(`characteristic ${uuid} not found in service ${svc}`);
    return c;
  }

  private applyServices(table: GattTable, uart: boolean): void {
    this.services = table;
    this.uartEnabled = uart;
    this.pendingServices = undefined;
    this.emit("servicesChanged");
  }

  private enqueueNotification(service: string, characteristic: string, value: Uint8Array): void {
    const conn = this.conn!;
    if (this.queue.length >= this.txQueueSize) {
      this.stats.droppedNotifications++;
      return;
    }
    if (this.dropRate > 0 && this.rnd() < this.dropRate) {
      this.stats.droppedNotifications++;
      this.stats.randomDrops++;
      return;
    }
    let data = value.slice();
    if (data.length > conn.payload) {
      data = data.slice(0, conn.payload);
      this.stats.truncatedNotifications++;
    }
    this.queue.push({ service, characteristic, data });
    this.scheduleDrain();
  }

  /** Connection events happen on the interval grid from the connection start. */
  private scheduleDrain(): void {
    const conn = this.conn;
    if (!conn || this.drainTimer || (this.queue.length === 0 && this.uartQueue.length === 0)) return;
    const now = this.clock.now();
    const k = Math.floor((now - conn.startedAt) / conn.interval) + 1;
    const at = conn.startedAt + k * conn.interval;
    this.drainTimer = this.clock.hostTimeout(() => this.connectionEvent(conn), at - now);
  }

  private connectionEvent(conn: ConnectionInfo): void {
    this.drainTimer = undefined;
    if (this.conn !== conn) return;
    for (let sent = 0; sent < conn.packetsPerInterval; sent++) {
      const uart = this.uartQueue.shift();
      if (uart) {
        this.deliver(NUS_SERVICE, NUS_TX, uart);
        continue;
      }
      const q = this.queue.shift();
      if (!q) break;
      this.deliver(q.service, q.characteristic, q.data);
      if (this.conn !== conn) return; // a listener disconnected
    }
    this.scheduleDrain();
  }

  private deliver(service: string, characteristic: string, data: Uint8Array): void {
    this.stats.txPackets++;
    this.stats.txBytes += data.length;
    this.emit("notify", service, characteristic, data.slice());
  }

  private endConnection(reason: number, tellFirmware: boolean): void {
    this.drainTimer?.cancel();
    this.drainTimer = undefined;
    this.stats.lostOnDisconnect += this.queue.length + this.uartQueue.length;
    this.queue = [];
    this.uartQueue = [];
    this.subscribed.clear();
    this.conn = undefined;
    if (this.powered) this.advertising = { ...this.advertising, active: true };
    if (this.pendingServices) this.applyServices(this.pendingServices.table, this.pendingServices.uart);
    if (tellFirmware && this.host) this.host.emit("disconnect", [reason]);
    this.emit("disconnect", reason);
    this.kick();
  }

  /** Run queued events now when nobody is running the clock (a call from a test or the bindings). */
  private kick(): void {
    if (!this.clock.busy) this.clock.runPending();
  }
}

function key(svc: string, chr: string): string {
  return `${svc}/${chr}`;
}

function emptyStats(): LinkStats {
  return {
    txPackets: 0,
    txBytes: 0,
    rxPackets: 0,
    rxBytes: 0,
    reads: 0,
    droppedNotifications: 0,
    randomDrops: 0,
    truncatedNotifications: 0,
    lostOnDisconnect: 0,
    connections: 0,
  };
}

/** Build a GATT table from Espruino's setServices object (plus the UART service if asked). */
function buildTable(services: Record<string, Record<string, Record<string, unknown>>>, uart: boolean): GattTable {
  const table: GattTable = new Map();
  if (uart) {
    table.set(
      NUS_SERVICE,
      new Map([
        [NUS_RX, mkChar(NUS_SERVICE, NUS_RX, { writable: true, maxLen: 244 })],
        [NUS_TX, mkChar(NUS_SERVICE, NUS_TX, { notify: true, readable: true, maxLen: 244 })],
      ]),
    );
  }
  for (const [svcKey, chars] of Object.entries(services)) {
    const svc = normalizeUuid(svcKey);
    const m = new Map<string, CharacteristicState>();
    for (const [chrKey, def] of Object.entries(chars ?? {})) {
      const uuid = normalizeUuid(chrKey);
      m.set(uuid, mkChar(svc, uuid, def ?? {}));
    }
    table.set(svc, m);
  }
  return table;
}

function mkChar(service: string, uuid: string, def: Record<string, unknown>): CharacteristicState {
  const value = def.value === undefined ? new Uint8Array(0) : toBytes(def.value);
  const maxLen = Math.min(512, def.maxLen !== undefined ? Number(def.maxLen) : Math.max(1, value.length));
  if (value.length > maxLen) throw new Error(`initial value of characteristic ${uuid} is longer than maxLen ${maxLen}`);
  return {
    service,
    uuid,
    value,
    maxLen,
    readable: !!def.readable,
    writable: !!def.writable,
    notify: !!def.notify,
    indicate: !!def.indicate,
    description: typeof def.description === "string" ? def.description : undefined,
    onWrite: def.onWrite,
  };
}
