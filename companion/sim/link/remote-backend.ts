/**
 * The client side of a running `massager sim`: a SimBackend whose calls go over a local socket,
 * so `--device sim` reaches the long-running virtual massager through noble's own classes
 * (bindings.ts) exactly as it reaches the in-process one.
 *
 * Finding it: through its lock file (lock.ts). A live process that does not answer is an error (two
 * devices must never share one flash file), not a silent fallback.
 *
 * The protocol (one JSON object per line, UTF-8, over TCP on 127.0.0.1):
 *   request   {"id": 7, "op": "write", "service": "…", "characteristic": "…", "data": "<base64>"}
 *   reply     {"id": 7, "ok": true, "result": …}   or   {"id": 7, "ok": false, "error": "sentence"}
 *   event     {"event": "notify", "service": "…", "characteristic": "…", "data": "<base64>"}
 *             {"event": "disconnect", "reason": "0x13"}
 * ops: hello → SimHello; advertise → SimAdvertisement[]; connect {model} → {mtu}; disconnect;
 *      services → SimServiceInfo[]; write {service, characteristic, data}; subscribe {service,
 *      characteristic, on}; press {kind: short|long|double|hold, ms?}; advance {ms}; status → SimStatus.
 * Events go only to the client that holds the Bluetooth connection (one central at a time, as on
 * the board); when that client's socket closes, the device sees the central disconnect.
 */
import { connect as netConnect, type Socket } from "node:net";
import type { SimAdvertisement, SimBackend, SimLinkModel, SimServiceInfo } from "./backend";
import { MassagerError } from "../../errors";
import { type SimLock, runningSim, simLockPath } from "./lock";

export const SIM_PROTOCOL_VERSION = 1;

/** The hello reply. */
export interface SimHello {
  name: "massager-sim";
  protocol: number;
  board: string;
  address: string;
  consolePort: number;
  speed: number;
}

/** What `status` returns: enough for tools and tests to see the device from outside. */
export interface SimStatus {
  board: string;
  address: string;
  state: string;
  bootCount: number;
  /** Virtual time in ms since the simulator started. */
  virtualMs: number;
  speed: number;
  /** Motor PWM level 0..1 and the LED levels. */
  motor: number;
  led: number[];
  /** CRC-32 and size of `.bootcde` (the installed bundle), or null without one. */
  firmwareCrc: number | null;
  firmwareBytes: number;
  /** Whether the Nordic UART console is on (off while the console is locked). */
  uartEnabled: boolean;
  consolePort: number;
  consoleConnected: boolean;
  /** Whether a Bluetooth central (a control client) is connected. */
  centralConnected: boolean;
  errors: string[];
}

export type PressKind = "short" | "long" | "double" | "hold";

/** Whether a simulator answers at this lock's port (a lock whose process id was reused does not). */
export async function simAnswers(lock: SimLock, timeoutMs = 1000): Promise<boolean> {
  try {
    const b = await RemoteSimBackend.connect(lock.port, { host: lock.host, timeoutMs });
    await b.close();
    return true;
  } catch {
    return false;
  }
}

/**
 * The running `massager sim` for this data dir as a SimBackend, or null when none runs. (`--device
 * sim` prefers it to the in-process device: open.ts.)
 */
export async function connectRunningSim(dataDir: string, opts: { timeoutMs?: number } = {}): Promise<RemoteSimBackend | null> {
  const lock = runningSim(dataDir);
  if (!lock) return null;
  try {
    return await RemoteSimBackend.connect(lock.port, { host: lock.host, timeoutMs: opts.timeoutMs });
  } catch (err) {
    throw new MassagerError(
      `${simLockPath(dataDir)} says a virtual massager (\`massager sim\`, process ${lock.pid}) runs, but nothing answers on port ${lock.port} (${(err as Error).message}); ` +
        `restart \`massager sim\`, or delete that file if no simulator runs any more`,
      3,
    );
  }
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout>;
  op: string;
}

/** A SimBackend over a `massager sim` control socket. */
export class RemoteSimBackend implements SimBackend {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly notifyListeners: ((s: string, c: string, d: Uint8Array) => void)[] = [];
  private readonly disconnectListeners: ((reason: string) => void)[] = [];
  private buffer = "";
  private closed = false;
  hello?: SimHello;

  private constructor(
    private readonly socket: Socket,
    private readonly timeoutMs: number,
  ) {
    socket.setNoDelay(true);
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => this.received(chunk));
    socket.on("error", () => undefined);
    socket.on("close", () => this.lost());
  }

  /** Connects and says hello; rejects when nothing answers within `timeoutMs` (default 2 s). */
  static connect(port: number, opts: { host?: string; timeoutMs?: number } = {}): Promise<RemoteSimBackend> {
    const timeoutMs = opts.timeoutMs ?? 2000;
    return new Promise((resolve, reject) => {
      const socket = netConnect(port, opts.host ?? "127.0.0.1");
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`no answer in ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once("error", (err) => {
        clearTimeout(timer);
        reject(err);
      });
      socket.once("connect", () => {
        clearTimeout(timer);
        const b = new RemoteSimBackend(socket, Math.max(timeoutMs, 5000));
        b.call<SimHello>("hello").then(
          (h) => {
            if (h?.name !== "massager-sim") {
              b.closeSocket();
              reject(new Error("the port does not belong to a massager sim"));
              return;
            }
            b.hello = h;
            resolve(b);
          },
          (err) => {
            b.closeSocket();
            reject(err);
          },
        );
      });
    });
  }

  // ------------------------------------------------------------------ SimBackend

  advertise(): Promise<SimAdvertisement[]> {
    return this.call("advertise");
  }

  connect(model: SimLinkModel): Promise<{ mtu: number }> {
    return this.call("connect", { model });
  }

  async disconnect(): Promise<void> {
    await this.call("disconnect");
  }

  services(): Promise<SimServiceInfo[]> {
    return this.call("services");
  }

  async write(service: string, characteristic: string, data: Uint8Array): Promise<void> {
    await this.call("write", { service, characteristic, data: Buffer.from(data).toString("base64") });
  }

  async subscribe(service: string, characteristic: string, on: boolean): Promise<void> {
    await this.call("subscribe", { service, characteristic, on });
  }

  onNotify(cb: (service: string, characteristic: string, data: Uint8Array) => void): void {
    this.notifyListeners.push(cb);
  }

  onDisconnect(cb: (reason: string) => void): void {
    this.disconnectListeners.push(cb);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closeSocket();
  }

  async centralConnected(): Promise<boolean> {
    return (await this.status()).centralConnected;
  }

  // ------------------------------------------------------------------ the simulator's extras

  /** Press the virtual button (short, long 2 s, double, or hold `ms`, default 5.5 s: the console window). */
  async press(kind: PressKind, ms?: number): Promise<void> {
    await this.call("press", { kind, ms });
  }

  /** Jump virtual time forward by `ms` at once. */
  async advance(ms: number): Promise<void> {
    await this.call("advance", { ms });
  }

  status(): Promise<SimStatus> {
    return this.call("status");
  }

  // ------------------------------------------------------------------ internals

  call<T>(op: string, args: Record<string, unknown> = {}): Promise<T> {
    if (this.closed) return Promise.reject(new Error("the connection to the virtual massager is closed"));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`the virtual massager did not answer "${op}" in ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer, op });
      this.socket.write(JSON.stringify({ id, op, ...args }) + "\n");
    });
  }

  private received(chunk: string): void {
    this.buffer += chunk;
    for (;;) {
      const nl = this.buffer.indexOf("\n");
      if (nl < 0) return;
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      if (line.trim()) this.message(line);
    }
  }

  private message(line: string): void {
    let m: { id?: number; ok?: boolean; result?: unknown; error?: string; event?: string; [k: string]: unknown };
    try {
      m = JSON.parse(line);
    } catch {
      return;
    }
    if (m.event === "notify") {
      const data = new Uint8Array(Buffer.from(String(m.data ?? ""), "base64"));
      for (const fn of this.notifyListeners) fn(String(m.service), String(m.characteristic), data);
      return;
    }
    if (m.event === "disconnect") {
      for (const fn of this.disconnectListeners) fn(String(m.reason ?? "remote"));
      return;
    }
    if (typeof m.id !== "number") return;
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    clearTimeout(p.timer);
    if (m.ok) p.resolve(m.result);
    else p.reject(new Error(m.error ?? `"${p.op}" failed`));
  }

  private lost(): void {
    const wasOpen = !this.closed;
    this.closed = true;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new Error("the virtual massager went away (its `massager sim` stopped)"));
      this.pending.delete(id);
    }
    if (wasOpen) for (const fn of this.disconnectListeners) fn("simulator closed");
  }

  private closeSocket(): void {
    this.closed = true;
    this.socket.end();
    this.socket.destroy();
  }
}
