/**
 * `massager sim`: the virtual massager as a long-running service.
 *
 * Why: a person (or a script, or espruino-tools) should be able to use the virtual device like a
 * board on the desk — press its button, watch it run a session in real time, sync it, push to it,
 * flash it — across many `massager` invocations. So one process keeps one VirtualDevice running:
 * - the same firmware bundle as the board (dist/firmware.js, installed into `.bootcde` at start),
 *   its virtual clock driven by the wall clock (× `speed`) — but a bundle flashed into it since
 *   (`massager flash --device sim`) is kept: what was flashed stays, as on a board, until `reinstall`;
 * - its flash in <data dir>/sim-flash.bin, saved shortly after every change and on close, so the
 *   log and programs survive restarts (the file is replaced atomically: never half-written);
 * - a control socket speaking the JSON-lines protocol of link/remote-backend.ts, through which
 *   `--device sim` reaches it with noble's own classes (one central at a time, like the board);
 * - the Espruino console on a TCP port (console.ts), honouring the firmware's console lock;
 * - <data dir>/sim.json (link/lock.ts), so other commands find it; removed on close.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createServer, type Server, type Socket } from "node:net";
import { LocalSimBackend } from "../link/local-backend";
import { MassagerError } from "../../errors";
import { simFlashPath } from "../../history/paths";
import { crc32 } from "../../../shared/crc";
import { BOARDS } from "../../../shared/boards";
import { ConsoleServer } from "./console";
import { VirtualDevice } from "../board/device";
import { type SimLock, readSimLock, runningSim, simLockPath } from "../link/lock";
import { readSavedFlash } from "../link/open";
import { type PressKind, SIM_PROTOCOL_VERSION, type SimHello, type SimStatus, simAnswers } from "../link/remote-backend";

/** The console port people and espruino-tools can rely on (Espruino's telnet console is 23). */
export const DEFAULT_CONSOLE_PORT = 2323;

/** How long each press kind holds the button (virtual ms). */
const PRESS_MS = { short: 100, long: 2000, hold: 5500 } as const;
/** Between queued presses: longer than the firmware's double-press window (350 ms), so two shorts stay two. */
const PRESS_GAP_MS = 500;
/** Beside the flash: the CRC of the bundle the simulator itself installed (any other was flashed). */
const INSTALLED_FILE = "sim-installed.json";

export interface SimServerOptions {
  dataDir: string;
  /** Board id (MDBT42Q, PUCKJS, BANGLEJS2; default MDBT42Q). */
  board?: string;
  /** Virtual ms per real ms (default 1). */
  speed?: number;
  /** Control port (default 0: any free port; other commands read it from sim.json). */
  port?: number;
  /** Console port (default DEFAULT_CONSOLE_PORT, or any free port when that one is taken). */
  consolePort?: number;
  /** Firmware bundle source to install at start (the caller reads dist/firmware.js). */
  bundle?: string;
  /** Boot whatever `.bootcde` the saved flash holds instead of installing `bundle`. */
  keepFirmware?: boolean;
  /** Install `bundle` even over a bundle flashed into the saved flash (by default that one is kept). */
  reinstall?: boolean;
  /** Save the flash this long after a change (default 100 ms). */
  saveDelayMs?: number;
  /** Run the virtual clock from the wall clock (default true). */
  realtime?: boolean;
  /** One line per event (boots, console lines, connections). */
  log?: (line: string) => void;
  seed?: number;
  /** The cell's charge at the start, percent (default: full). */
  batteryPercent?: number;
}

export class SimServer {
  readonly device: VirtualDevice;
  readonly dataDir: string;
  readonly flashFile: string;
  readonly speed: number;
  readonly console: ConsoleServer;
  port = 0;
  consolePort = 0;
  private readonly backend: LocalSimBackend;
  private control?: Server;
  private readonly clients = new Set<Socket>();
  private owner?: Socket;
  private saveTimer?: ReturnType<typeof setTimeout>;
  private closed = false;
  private readonly opts: SimServerOptions;
  private readonly startMs: number;
  /** Virtual ms when the button is up again after the presses queued so far. */
  private pressFree = 0;
  /** The bundle it boots: dist's (installed now), or one flashed into its saved flash earlier. */
  readonly firmware: "installed" | "flashed" | "kept";
  /** Resolves when the server has closed (q, a signal, or close()). */
  readonly finished: Promise<void>;
  private finish!: () => void;

  private constructor(opts: SimServerOptions, device: VirtualDevice, firmware: SimServer["firmware"]) {
    this.opts = opts;
    this.firmware = firmware;
    this.dataDir = opts.dataDir;
    this.flashFile = simFlashPath(opts.dataDir);
    this.speed = opts.speed && opts.speed > 0 ? opts.speed : 1;
    this.device = device;
    this.startMs = device.clock.now();
    this.backend = new LocalSimBackend(device, { pump: false });
    this.console = new ConsoleServer(device, { log: opts.log });
    this.finished = new Promise((r) => (this.finish = r));
  }

  /** Loads the flash, boots the device, opens both ports and writes sim.json. */
  static async start(opts: SimServerOptions): Promise<SimServer> {
    const board = BOARDS.find((b) => b.id === (opts.board ?? "MDBT42Q"));
    if (!board) throw new MassagerError(`unknown board "${opts.board}"; use one of ${BOARDS.map((b) => b.id).join(", ")}`, 2);
    const other = runningSim(opts.dataDir);
    if (other && (await simAnswers(other)))
      throw new MassagerError(
        `a virtual massager already runs for ${opts.dataDir} (process ${other.pid}, console on port ${other.consolePort}); use it with --device sim, or stop it first (q in its window)`,
      );
    const flash = readSavedFlash(opts.dataDir, opts.seed);
    if (flash && flash.size !== board.flashBytes)
      throw new MassagerError(
        `${simFlashPath(opts.dataDir)} holds the flash of another board (${flash.size} bytes, ${board.id} has ${board.flashBytes}); use --board for that board, or another --data-dir`,
        2,
      );
    const code = flash?.readBytes(".bootcde");
    const flashed = !!code && crc32(code, 0, code.length, 0) !== installedCrc(opts.dataDir);
    const keep = !!code && (opts.keepFirmware || (flashed && !opts.reinstall));
    if (!keep && opts.bundle === undefined) throw new MassagerError("the virtual massager needs the firmware bundle dist/firmware.js; run `npm run build` first");
    const device = new VirtualDevice({ board: board.id, flash, bundle: keep ? undefined : opts.bundle, seed: opts.seed, batteryPercent: opts.batteryPercent });
    if (!keep) recordInstalled(opts.dataDir, device);
    const server = new SimServer(opts, device, keep ? (flashed ? "flashed" : "kept") : "installed");
    await server.open();
    return server;
  }

  private async open(): Promise<void> {
    const d = this.device;
    const log = this.opts.log;
    d.flash.onChange = () => this.scheduleSave();
    this.saveNow();
    if (log) {
      d.on("console", (line: string) => log(`device: ${line}`));
      d.on("boot", (n: number) => log(`device: booted (boot ${n})`));
      d.on("watchdog", () => log("device: the watchdog restarted the firmware"));
      d.on("powerLoss", (why: string) => log(`device: lost power (${why})`));
      d.nrf.on("connect", (c: { address: string; mtu: number }) => log(`bluetooth: central connected (MTU ${c.mtu})`));
      d.nrf.on("disconnect", (reason: number) => log(`bluetooth: central disconnected (reason 0x${reason.toString(16)})`));
    }
    this.backend.onNotify((service, characteristic, data) => {
      if (this.owner) send(this.owner, { event: "notify", service, characteristic, data: Buffer.from(data).toString("base64") });
    });
    this.backend.onDisconnect((reason) => {
      const o = this.owner;
      this.owner = undefined;
      if (o) send(o, { event: "disconnect", reason });
    });

    this.control = createServer((s) => this.accept(s));
    this.port = await listen(this.control, this.opts.port ?? 0);
    const wanted = this.opts.consolePort ?? DEFAULT_CONSOLE_PORT;
    try {
      this.consolePort = await this.console.listen(wanted);
    } catch (err) {
      if (this.opts.consolePort !== undefined || (err as { code?: string }).code !== "EADDRINUSE") {
        await this.close();
        throw new MassagerError(`cannot open the console on port ${wanted} (${(err as { code?: string }).code ?? (err as Error).message}); choose another with --console-port`, 2);
      }
      this.consolePort = await this.console.listen(0);
    }
    if (this.opts.realtime !== false) d.clock.startRealtime(this.speed);
    this.writeLock();
  }

  /** Press the button: short (starts/pauses), long (stops), double (next program), hold (console window). */
  /** Sets the cell's charge (percent, at rest), as swapping in a weaker or fresher cell would. */
  setBattery(percent: number): void {
    this.device.battery.setPercent(percent, this.device.clock.now());
  }

  /** Presses queue: one that comes while the button is still held by the last waits for it (and a gap). */
  press(kind: PressKind, ms?: number): void {
    const d = this.device;
    const clock = d.clock;
    const at = Math.max(0, this.pressFree > 0 ? this.pressFree + PRESS_GAP_MS - clock.now() : 0);
    const hold = (from: number, len: number) => {
      clock.hostTimeout(() => d.buttonDown(), at + from);
      clock.hostTimeout(() => d.buttonUp(), at + from + len);
      this.pressFree = clock.now() + at + from + len;
    };
    if (kind === "double") {
      hold(0, 100);
      hold(250, 100);
    } else hold(0, ms ?? PRESS_MS[kind]);
    if (!clock.busy) clock.advance(0);
  }

  /** Jump virtual time forward (the wall-clock driver goes on from there). */
  advance(ms: number): void {
    const clock = this.device.clock;
    const rt = clock.isRealtime;
    clock.stopRealtime();
    clock.advance(Math.max(0, ms));
    if (rt) clock.startRealtime(this.speed);
  }

  status(): SimStatus {
    const d = this.device;
    const code = d.flash.readBytes(".bootcde");
    return {
      board: d.board.id,
      address: d.nrf.address.split(" ")[0],
      state: d.state,
      bootCount: d.bootCount,
      virtualMs: d.clock.now() - this.startMs,
      speed: this.speed,
      motor: d.motor,
      led: d.led,
      firmwareCrc: code ? crc32(code, 0, code.length, 0) : null,
      firmwareBytes: code ? code.length : 0,
      uartEnabled: d.nrf.isPowered && d.nrf.uartEnabled,
      consolePort: this.consolePort,
      consoleConnected: this.console.connected,
      centralConnected: d.nrf.connected,
      errors: d.errors.slice(-10),
    };
  }

  /** Stops the clock, saves the flash, closes the ports and removes sim.json. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const d = this.device;
    d.clock.stopRealtime();
    if (d.nrf.connected) d.nrf.centralDisconnect();
    this.saveNow();
    d.flash.onChange = undefined;
    for (const s of this.clients) s.destroy();
    this.clients.clear();
    await this.console.close();
    const c = this.control;
    this.control = undefined;
    if (c) await new Promise<void>((r) => c.close(() => r()));
    this.removeLock();
    this.finish();
  }

  // ------------------------------------------------------------------ the control socket

  private accept(socket: Socket): void {
    this.clients.add(socket);
    socket.setNoDelay(true);
    socket.setEncoding("utf8");
    let buffer = "";
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      for (;;) {
        const nl = buffer.indexOf("\n");
        if (nl < 0) break;
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line.trim()) void this.request(socket, line);
      }
      if (buffer.length > 1 << 20) socket.destroy(); // not a massager client
    });
    socket.on("error", () => undefined);
    socket.on("close", () => {
      this.clients.delete(socket);
      if (this.owner === socket) {
        this.owner = undefined;
        if (this.device.nrf.connected) this.device.nrf.centralDisconnect();
      }
    });
  }

  private async request(socket: Socket, line: string): Promise<void> {
    let m: Record<string, unknown>;
    try {
      m = JSON.parse(line);
    } catch {
      send(socket, { id: null, ok: false, error: "not JSON" });
      return;
    }
    const id = m.id;
    try {
      const result = await this.dispatch(socket, m);
      send(socket, { id, ok: true, result: result ?? null });
    } catch (err) {
      send(socket, { id, ok: false, error: (err as Error).message ?? String(err) });
    }
  }

  private async dispatch(socket: Socket, m: Record<string, unknown>): Promise<unknown> {
    const b = this.backend;
    switch (m.op) {
      case "hello": {
        const h: SimHello = {
          name: "massager-sim",
          protocol: SIM_PROTOCOL_VERSION,
          board: this.device.board.id,
          address: this.device.nrf.address.split(" ")[0],
          consolePort: this.consolePort,
          speed: this.speed,
        };
        return h;
      }
      case "advertise":
        return b.advertise();
      case "connect": {
        if (this.owner && this.owner !== socket) throw new Error("another central is connected to the virtual massager");
        const r = await b.connect((m.model ?? {}) as never);
        this.owner = socket;
        return r;
      }
      case "disconnect":
        if (this.owner === socket) await b.disconnect();
        return null;
      case "services":
        return b.services();
      case "write":
        this.mustOwn(socket);
        return b.write(String(m.service), String(m.characteristic), new Uint8Array(Buffer.from(String(m.data ?? ""), "base64")));
      case "subscribe":
        this.mustOwn(socket);
        return b.subscribe(String(m.service), String(m.characteristic), m.on !== false);
      case "press": {
        const kind = String(m.kind) as PressKind;
        if (!["short", "long", "double", "hold"].includes(kind)) throw new Error(`unknown press "${kind}" (short, long, double, hold)`);
        this.press(kind, typeof m.ms === "number" ? m.ms : undefined);
        return null;
      }
      case "advance":
        this.advance(Number(m.ms) || 0);
        return null;
      case "status":
        return this.status();
      default:
        throw new Error(`unknown op "${String(m.op)}"`);
    }
  }

  private mustOwn(socket: Socket): void {
    if (this.owner !== socket) throw new Error("not connected");
  }

  // ------------------------------------------------------------------ persistence

  private scheduleSave(): void {
    if (this.saveTimer || this.closed) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.saveNow();
    }, this.opts.saveDelayMs ?? 100);
  }

  /** Writes the flash image now (atomically: a temporary file, then a rename). */
  saveNow(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    this.device.flash.saveTo(this.flashFile);
  }

  private writeLock(): void {
    const lock: SimLock = {
      pid: process.pid,
      host: "127.0.0.1",
      port: this.port,
      consolePort: this.consolePort,
      board: this.device.board.id,
      speed: this.speed,
      startedAt: new Date().toISOString(),
      flashFile: this.flashFile,
      protocol: SIM_PROTOCOL_VERSION,
    };
    const p = simLockPath(this.dataDir);
    writeFileSync(`${p}.tmp`, JSON.stringify(lock, null, 2) + "\n");
    renameSync(`${p}.tmp`, p);
  }

  private removeLock(): void {
    const lock = readSimLock(this.dataDir);
    if (lock && lock.pid === process.pid && lock.port === this.port) rmSync(simLockPath(this.dataDir), { force: true });
  }
}

function installedPath(dataDir: string): string {
  return join(dataDir, INSTALLED_FILE);
}

/** The CRC of the bundle the simulator last installed in this data dir, or null. */
function installedCrc(dataDir: string): number | null {
  try {
    const v = JSON.parse(readFileSync(installedPath(dataDir), "utf8")) as { crc?: unknown };
    return typeof v.crc === "number" ? v.crc : null;
  } catch {
    return null;
  }
}

function recordInstalled(dataDir: string, device: VirtualDevice): void {
  const code = device.flash.readBytes(".bootcde");
  if (code) writeFileSync(installedPath(dataDir), JSON.stringify({ crc: crc32(code, 0, code.length, 0) }) + "\n");
}

function send(socket: Socket, msg: unknown): void {
  if (!socket.destroyed) socket.write(JSON.stringify(msg) + "\n");
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      const a = server.address();
      resolve(typeof a === "object" && a ? a.port : 0);
    });
  });
}
