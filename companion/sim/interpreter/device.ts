/**
 * InterpreterDevice: the built firmware bundle booted from flash on the real Espruino interpreter
 * (a Linux build with a Puck.js pool), as a test or a benchmark holds it.
 *
 * Boot is a board's: `.boot0` (boot0.ts: the shims for what the Linux build lacks, and the
 * driver's hooks), then `.bootcde` (the bundle), from ./espruino.flash in a fresh temporary
 * folder (flash-image.ts), in an interactive run that stays open until `close()`. Time is a clock
 * this driver advances (`advance`), or the interpreter's own real time (`clock: "real"`).
 * Everything the firmware does to the outside comes back as marker lines: pin writes (timelines
 * here, in ms since boot), notifications (`onNotify`), uncaught exceptions (`errors`).
 */
import { BOARDS, type BoardProfile } from "../../../shared/boards";
import { batteryPercentAt } from "../board/profile";
import { boot0Source } from "./boot0";
import { COMMAND_MAX, EspruinoProcess } from "./espruino-process";
import { type FlashFile, flashFolder, startWithRetry } from "./flash-image";
import { rmSync } from "node:fs";
import { type NotifiedPattern, type Step, advanceStep, countStep, inputStep, packLines, untilStep } from "./steps";

export interface InterpreterOptions {
  /** The interpreter (locate.ts espruinoBin()). */
  bin: string;
  /** The bundle to boot (`.bootcde`): the built firmware, or a trivial one for a baseline. */
  bundle: string;
  /** Board id the firmware sees in process.env.BOARD (default PUCKJS: the pool is a Puck.js's). */
  board?: string;
  /** "driven" (default): timers run when `advance` says; "real": the interpreter's own timers. */
  clock?: "driven" | "real";
  /** More Storage files, written before boot (a virtual device's flash, say). */
  files?: FlashFile[];
  /** Supply voltage (NRF.getBattery; E.getBattery's percent on boards that have it). Default 2.9. */
  volts?: number;
  /** Longest wait for one command (ms of real time; default 60000). */
  commandTimeoutMs?: number;
}

/** NRF.getAddress() on the interpreter (the firmware names itself by its last bytes). */
const ADDRESS = "c7:3a:10:55:1a:2b";

export interface PinSample {
  t: number;
  v: number;
}

export interface MemoryFigures {
  /** Variables in use now (after a garbage collection). */
  usage: number;
  /** The highest usage sampled since the last reset (every firmware callback the harness runs, notification, pin write). */
  peak: number;
  total: number;
}

export class InterpreterDevice {
  readonly board: BoardProfile;
  readonly clock: "driven" | "real";
  /** Milliseconds since boot on the driven clock (real mode: the last time the driver looked). */
  now = 0;
  /** Names the firmware advertised. */
  readonly advertised: string[] = [];
  private readonly opts: InterpreterOptions;
  private proc: EspruinoProcess;
  private readonly dir: string;
  private readonly timeout: number;
  private readonly pins = new Map<number, PinSample[]>();
  private readonly notifyListeners = new Set<(p: Uint8Array) => void>();
  private readonly disconnectListeners = new Set<(reason: number) => void>();
  /** The device's BLE address. */
  readonly address = ADDRESS;
  private readonly values: string[] = [];
  private memo?: MemoryFigures;
  private readonly fwErrors: string[] = [];
  private started = Date.now();
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(o: InterpreterOptions, dir: string, board: BoardProfile, proc: EspruinoProcess) {
    this.opts = o;
    this.board = board;
    this.clock = o.clock ?? "driven";
    this.dir = dir;
    this.timeout = o.commandTimeoutMs ?? 60_000;
    this.proc = proc;
    proc.onMarker((m) => this.onMarker(m));
  }

  /** Links a run of the interpreter in `dir` (which boots from its espruino.flash) to a driver. */
  private static start(bin: string, dir: string): Promise<EspruinoProcess> {
    return EspruinoProcess.start(bin, dir, (port) => `echo(0);__h.l(${port})`);
  }

  /** Writes the files into a fresh flash, boots it, and links it to this driver. */
  static async boot(o: InterpreterOptions): Promise<InterpreterDevice> {
    const board = BOARDS.find((b) => b.id === (o.board ?? "PUCKJS"));
    if (!board) throw new Error(`unknown board "${o.board}" (known: ${BOARDS.map((b) => b.id).join(", ")})`);
    const volts = o.volts ?? 2.9;
    const boot0 = boot0Source({
      board: board.id,
      driven: (o.clock ?? "driven") === "driven",
      volts,
      percent: board.battery === "E" ? batteryPercentAt(board, volts) : undefined,
      address: `${ADDRESS} random`,
    });
    // the bundle is a byte string (pretokenised code holds bytes ≥ 0x80), so latin1 keeps it byte for byte
    const files: FlashFile[] = [
      ...(o.files ?? []),
      { name: ".boot0", bytes: new TextEncoder().encode(boot0) },
      { name: ".bootcde", bytes: Buffer.from(o.bundle, "latin1") },
    ];
    let dir = "";
    // a boot that dies before it links (the console race) starts again from a fresh copy of the flash
    const proc = await startWithRetry(async () => {
      if (dir) rmSync(dir, { recursive: true, force: true });
      dir = await flashFolder(o.bin, files);
      return InterpreterDevice.start(o.bin, dir);
    });
    return new InterpreterDevice(o, dir, board, proc);
  }

  /** Console lines that are not markers. */
  get console(): readonly string[] {
    return this.proc.console;
  }

  /** Uncaught firmware exceptions (@@E) and interpreter errors (OUT OF MEMORY, …). */
  get errors(): string[] {
    return [...this.fwErrors, ...this.proc.errors];
  }

  /** Runs one line of JavaScript on the interpreter and waits until it is done (lines queue: one runs at a time). */
  command(line: string, timeoutMs = this.timeout): Promise<void> {
    const run = this.queue.then(() => this.proc.command(line, timeoutMs));
    this.queue = run.catch(() => {});
    return run;
  }

  /** The value of an expression on the interpreter (through JSON). */
  async eval<T = unknown>(expr: string): Promise<T> {
    const before = this.values.length;
    await this.command(`print("@@R"+JSON.stringify(${expr}))`);
    if (this.values.length === before) throw new Error(`\`${expr}\` gave no value; last output:\n${this.proc.tail()}`);
    const v = this.values.pop() as string;
    return (v === "undefined" || v === "" ? undefined : JSON.parse(v)) as T;
  }

  /** Runs steps (steps.ts), several to a command line; time moves as they say. */
  async run(...steps: Step[]): Promise<void> {
    if (this.clock === "real") {
      for (const s of steps) {
        if (s.js.startsWith("__h.u(") || s.js.startsWith("__h.k(")) throw new Error("countStep and untilStep need the driven clock");
        if (s.ms === undefined) await this.command(s.js);
        else await this.sleep(s.ms);
      }
      return;
    }
    for (const line of packLines(steps, COMMAND_MAX)) {
      await this.command(line.map((s) => s.js).join(";"));
      for (const s of line) if (s.ms !== undefined) this.now += s.ms;
    }
  }

  /** Moves time on by `ms`: due timers run on the driven clock; real time passes on the real one. */
  async advance(ms: number): Promise<void> {
    await this.run(advanceStep(ms));
  }

  /**
   * Runs `before` (writes, say), then moves time on until `w.count` notifications of a kind went
   * out or `w.maxMs` passed: one round trip on the driven clock.
   */
  async untilNotified(w: NotifiedPattern, ...before: Step[]): Promise<void> {
    if (this.clock === "driven") {
      await this.run(countStep(w), ...before, untilStep(w));
      return;
    }
    let n = 0;
    const off = this.onNotify((p) => {
      if ((p[0] & w.mask) === w.value) n++;
    });
    try {
      await this.run(...before);
      for (let waited = 0; n < w.count && waited < w.maxMs; waited += w.stepMs) await this.sleep(w.stepMs);
    } finally {
      off();
    }
  }

  /** Drives an input pin (setWatch sees the edge after its debounce). */
  async setInput(pin: number, level: number): Promise<void> {
    await this.run(inputStep(pin, level));
  }

  async buttonDown(): Promise<void> {
    await this.setInput(this.board.buttonPin, 1);
  }

  async buttonUp(): Promise<void> {
    await this.setInput(this.board.buttonPin, 0);
  }

  /** The steps of a press of the button for `ms`. */
  pressSteps(ms = 100): Step[] {
    return [inputStep(this.board.buttonPin, 1), advanceStep(ms), inputStep(this.board.buttonPin, 0)];
  }

  /** Presses the button for `ms`. */
  async press(ms = 100): Promise<void> {
    await this.run(...this.pressSteps(ms));
  }

  /** Recorded changes of an output pin, ms since boot (equal neighbours merged, the last write of an instant kept). */
  timeline(pin: number): PinSample[] {
    return (this.pins.get(pin) ?? []).map((s) => ({ ...s }));
  }

  motorTimeline(): PinSample[] {
    return this.timeline(this.board.motorPin);
  }

  /** The level of an output pin now. */
  level(pin: number): number {
    const tl = this.pins.get(pin);
    return tl && tl.length ? tl[tl.length - 1].v : 0;
  }

  /**
   * A central connects (MTU as it asks), subscribes, and picks the characteristic it writes to
   * (`target`: service and characteristic UUIDs, as setServices named them); returns the payload
   * both sides can carry.
   */
  async connect(opts: { mtu?: number; target?: [string, string] } = {}): Promise<number> {
    const mtu = Math.min(opts.mtu ?? 23, this.board.mtu);
    const t = opts.target ?? ["", ""];
    await this.command(`__h.c(${mtu},${JSON.stringify(t[0])},${JSON.stringify(t[1])})`);
    return mtu - 3;
  }

  /** The cell's voltage from now on (E.getBattery's percent follows on boards that have it). */
  async setBattery(volts: number): Promise<void> {
    const percent = this.board.battery === "E" ? batteryPercentAt(this.board, volts) : undefined;
    await this.command(`__h.v(${volts},${percent === undefined ? "undefined" : percent})`);
  }

  /** The central drops the link (reason: the HCI code the device sees). */
  async disconnect(reason = 19): Promise<void> {
    await this.command(`__h.x(${reason})`);
  }

  /** Notifications as they arrive; returns the unsubscribe. */
  onNotify(fn: (packet: Uint8Array) => void): () => void {
    this.notifyListeners.add(fn);
    return () => this.notifyListeners.delete(fn);
  }

  /** Links that end (either side), with the reason the firmware was given; returns the unsubscribe. */
  onDisconnect(fn: (reason: number) => void): () => void {
    this.disconnectListeners.add(fn);
    return () => this.disconnectListeners.delete(fn);
  }

  /** process.memory() after a garbage collection, and the peak sampled since the last reset. */
  async memory(opts: { resetPeak?: boolean } = {}): Promise<MemoryFigures> {
    this.memo = undefined;
    await this.command(`__h.m(${opts.resetPeak ? 1 : 0})`);
    if (!this.memo) throw new Error(`no memory figures from the interpreter; last output:\n${this.proc.tail()}`);
    return this.memo;
  }

  /**
   * Restarts the interpreter on the same flash (files kept, RAM and the driven clock from zero, as a
   * board after a reset); timelines start again.
   */
  async reboot(): Promise<void> {
    await this.queue;
    await this.proc.close();
    this.fwErrors.push(...this.proc.errors);
    this.pins.clear();
    this.now = 0;
    this.started = Date.now();
    this.proc = await InterpreterDevice.start(this.opts.bin, this.dir);
    this.proc.onMarker((m) => this.onMarker(m));
  }

  async close(): Promise<void> {
    await this.queue;
    await this.proc.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async sleep(ms: number): Promise<void> {
    await new Promise((r) => setTimeout(r, ms));
    await this.command("0");
    this.now = Date.now() - this.started;
  }

  private onMarker(m: string): void {
    const kind = m[0];
    const rest = m.slice(1);
    if (kind === "T") {
      this.now = Number(rest);
    } else if (kind === "P") {
      const [pin, v, t] = rest.split(" ").map(Number);
      this.pinWrite(pin, v, t);
    } else if (kind === "N") {
      const p = new Uint8Array(Buffer.from(rest, "base64"));
      for (const fn of this.notifyListeners) fn(p);
    } else if (kind === "E") {
      this.fwErrors.push(rest);
    } else if (kind === "M") {
      const [usage, peak, total] = rest.split(" ").map(Number);
      this.memo = { usage, peak: Math.max(peak, usage), total };
    } else if (kind === "R") {
      this.values.push(rest);
    } else if (kind === "X") {
      for (const fn of this.disconnectListeners) fn(Number(rest));
    } else if (kind === "A") {
      this.advertised.push(rest);
    } else if (kind === "U") {
      const [pin, v, t, ...ms] = rest.split(/[ ,]/).map(Number);
      let at = t;
      let level = v;
      this.pinWrite(pin, level, at);
      for (const d of ms) {
        at += d;
        level = 1 - level;
        this.pinWrite(pin, level, at);
      }
    }
  }

  private pinWrite(pin: number, v: number, t: number): void {
    let tl = this.pins.get(pin);
    if (!tl) this.pins.set(pin, (tl = []));
    if (tl.length && tl[tl.length - 1].t === t) tl.pop();
    const prev = tl.length ? tl[tl.length - 1].v : 0;
    if (prev !== v) tl.push({ t, v });
  }
}
