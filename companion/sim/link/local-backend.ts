import type { VirtualClock } from "../board/clock";
import type { VirtualNrf } from "../board/nrf";
import type { SimAdvertisement, SimBackend, SimLinkModel, SimServiceInfo } from "./backend";

/**
 * A SimBackend over a virtual device in this process (its VirtualNrf's central face).
 *
 * Virtual time: the companion awaits in real time while the device lives in virtual time. After
 * every write, subscribe or connect, a pump runs on setImmediate: while something is due soon —
 * a queued notification (the radio drains it at the next connection event), a posted event, a
 * firmware timer within `horizonMs` (the TX pacer's 7.5 ms tick) — it advances the clock to that
 * moment, then yields so noble and the companion see the notifications and can write again.
 * Nothing due soon (an idle device, or a running session whose next step is further off) ends the
 * pump, and each kick may advance at most `budgetMs`: a program session only runs when a test
 * advances the clock itself (or the long-running simulator drives it in real time: `pump: false`).
 */
export interface SimDeviceLike {
  clock: VirtualClock;
  nrf: VirtualNrf;
}

export interface LocalBackendOptions {
  /** Drive virtual time during exchanges (default true; false when the clock runs in real time). */
  pump?: boolean;
  /** Run firmware timers due within this many ms of now (default 50, at least two connection intervals). */
  horizonMs?: number;
  /** Most virtual ms one kick may advance (default 10 000). */
  budgetMs?: number;
  /** Called by close() (e.g. to save the flash and stop the device). */
  onClose?: () => void | Promise<void>;
  /** The device ends with this backend (backend.ts SimBackend.ephemeral). */
  ephemeral?: boolean;
}

export class LocalSimBackend implements SimBackend {
  readonly device: SimDeviceLike;
  private readonly opts: Required<Omit<LocalBackendOptions, "onClose" | "ephemeral">> & Pick<LocalBackendOptions, "onClose">;
  readonly ephemeral: boolean;
  private pumping = false;
  /** The last exception that escaped the clock while pumping (for tests and MASSAGER_DEBUG). */
  lastError: unknown;
  private budget = 0;
  private closed = false;
  private interval = 7.5;
  private baseDropRate: number;

  constructor(device: SimDeviceLike, opts: LocalBackendOptions = {}) {
    this.device = device;
    this.opts = { pump: true, horizonMs: 50, budgetMs: 10000, ...opts };
    this.ephemeral = opts.ephemeral === true;
    this.baseDropRate = device.nrf.dropRate;
  }

  async advertise(): Promise<SimAdvertisement[]> {
    const nrf = this.device.nrf;
    if (!nrf.isPowered || !nrf.advertising.active) return [];
    const name = String(nrf.advertising.options.name ?? "");
    return [
      {
        address: nrf.address.split(" ")[0],
        localName: name,
        rssi: -42,
        connectable: nrf.advertising.options.connectable !== false,
        serviceUuids: [],
      },
    ];
  }

  async connect(model: SimLinkModel): Promise<{ mtu: number }> {
    const nrf = this.device.nrf;
    nrf.dropRate = model.dropRate ?? this.baseDropRate;
    const c = nrf.centralConnect({
      mtu: model.mtu ?? 23, interval: model.intervalMs, packetsPerInterval: model.packetsPerInterval,
    });
    this.interval = c.interval;
    this.kick();
    return { mtu: c.mtu };
  }

  async disconnect(): Promise<void> {
    this.device.nrf.centralDisconnect();
    this.kick();
  }

  async services(): Promise<SimServiceInfo[]> {
    return this.device.nrf.discover().map((s) => ({
      uuid: s.uuid,
      characteristics: s.characteristics.map((c) => ({
        uuid: c.uuid,
        properties: [
          ...(c.readable ? ["read"] : []),
          ...(c.writable ? ["writeWithoutResponse", "write"] : []),
          ...(c.notify ? ["notify"] : []),
          ...(c.indicate ? ["indicate"] : []),
        ],
      })),
    }));
  }

  async write(service: string, characteristic: string, data: Uint8Array): Promise<void> {
    this.device.nrf.centralWrite(service, characteristic, data);
    this.kick();
  }

  async subscribe(service: string, characteristic: string, on: boolean): Promise<void> {
    this.device.nrf.centralSubscribe(service, characteristic, on);
    this.kick();
  }

  onNotify(cb: (service: string, characteristic: string, data: Uint8Array) => void): void {
    this.device.nrf.on("notify", cb);
  }

  onDisconnect(cb: (reason: string) => void): void {
    this.device.nrf.on("disconnect", (reason: number) => cb(`0x${Number(reason).toString(16)}`));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.device.nrf.connected) this.device.nrf.centralDisconnect();
    await this.opts.onClose?.();
  }

  async centralConnected(): Promise<boolean> {
    return this.device.nrf.connected;
  }

  /**
   * A handle for one more client of the same device (e.g. each in-process `main()` of a test):
   * closing it disconnects that client and drops its listeners; the device and this backend live on.
   */
  share(): SimBackend {
    const nrf = this.device.nrf;
    const listeners: [string, (...a: any[]) => void][] = [];
    const listen = (event: string, fn: (...a: any[]) => void) => {
      listeners.push([event, fn]);
      nrf.on(event, fn);
    };
    let mine = false; // this client holds the connection
    listen("disconnect", () => (mine = false));
    return {
      advertise: () => this.advertise(),
      connect: async (m) => {
        const r = await this.connect(m);
        mine = true;
        return r;
      },
      disconnect: async () => {
        if (mine) await this.disconnect();
        mine = false;
      },
      services: () => this.services(),
      write: (s, c, d) => this.write(s, c, d),
      subscribe: (s, c, on) => this.subscribe(s, c, on),
      onNotify: (cb) => listen("notify", cb),
      onDisconnect: (cb) => listen("disconnect", (reason: number) => cb(`0x${Number(reason).toString(16)}`)),
      centralConnected: () => this.centralConnected(),
      close: async () => {
        if (mine && nrf.connected) nrf.centralDisconnect();
        mine = false;
        for (const [e, fn] of listeners.splice(0)) nrf.off(e, fn);
        await this.settle();
      },
    };
  }

  /** Whether the pump is advancing virtual time right now (tests wait for it to settle). */
  get busy(): boolean {
    return this.pumping;
  }

  /** Resolves once the pump has nothing left to do. */
  async settle(): Promise<void> {
    while (this.pumping) await new Promise((r) => setImmediate(r));
  }

  private kick(): void {
    if (!this.opts.pump || this.closed) return;
    this.budget = this.opts.budgetMs;
    if (this.pumping) return;
    this.pumping = true;
    setImmediate(() => this.step());
  }

  private step(): void {
    const clock = this.device.clock;
    if (this.closed || clock.busy) {
      this.pumping = false;
      return;
    }
    const now = clock.now();
    const next = clock.nextDue();
    const horizon = Math.max(this.opts.horizonMs, 2 * this.interval);
    const queued = this.device.nrf.queuedNotifications > 0;
    if (next === undefined || this.budget <= 0 || (!queued && next - now > horizon)) {
      this.pumping = false;
      return;
    }
    const dt = Math.max(0, next - now);
    this.budget -= Math.max(dt, 0.01);
    try {
      clock.advance(dt);
    } catch (err) {
      // the device reports its own failures; a pump that threw must not take the process down
      this.lastError = err;
      this.pumping = false;
      return;
    }
    setImmediate(() => this.step());
  }
}
