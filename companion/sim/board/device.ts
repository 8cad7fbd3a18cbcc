/**
 * VirtualDevice: a scalp massager you can hold in a test.
 *
 * Why: the firmware is tested as the very bundle that is flashed to the board, never as its
 * TypeScript sources run in Node. This class plays the board: it keeps the flash (with `.bootcde`) across
 * reboots and power cuts, boots the code in a fresh Espruino-like vm context, lets a test press
 * the button and read the motor's timeline, connects a virtual central through VirtualNrf, and
 * runs it all on a VirtualClock that the test (or `massager sim`) advances.
 *
 * Life cycle (state): "off" → boot() → "running" → (powerCut() | PowerLossError | watchdog |
 * reboot()) → … A hung callback (only detected with `hangTimeoutMs`) leaves the device "hung":
 * nothing runs, the motor keeps its level, and an enabled watchdog resets it.
 * - `reboot()`: E 'kill' listeners run, then a reset and a boot (like `load()`).
 * - `powerCut()`: no 'kill', the device stays off until `boot()`.
 * - every reset: firmware timers, watches and pulses stop, every output falls to 0 (recorded on
 *   the timelines), the BLE link drops, the watchdog stops, and `getTime()` restarts from 0
 *   (the setTime offset is lost: the board has no battery-backed clock).
 * Firmware exceptions never reach the host: they go to `errors` ("ReferenceError: Map is not
 * defined") and the console ("Uncaught ReferenceError: …").
 *
 * Time: `clock.now()` (ms) is world time and only moves forward; timelines use it. The device's
 * `getTime()` is seconds since its last boot plus the `setTime` offset.
 *
 * Events (EventEmitter): 'console' (line), 'output' (raw console text, for a TCP/UART console),
 * 'uncaught' (message, error), 'boot' (bootCount), 'powerLoss' (reason), 'watchdog' (),
 * 'hang' ().
 */
import { EventEmitter } from "node:events";
import { readFileSync } from "node:fs";
import { VirtualClock } from "./clock.js";
import { advertisedName, batteryPercentAt, batteryRange, globalsBoard, resolveBoard } from "./profile.js";
import { VirtualBattery } from "./battery.js";
import { espruinoCheck } from "./bundle-check.js";
import { detokenise } from "../../../scripts/build/pretokenise.mjs";
import { describeError } from "./describe-error.js";
import { ReplInput } from "./repl-input.js";
import { Watchdog } from "./watchdog.js";
import { Flash, PowerLossError } from "./flash.js";
import { DISCONNECT_REASON, type NrfHost, VirtualNrf } from "./nrf.js";
import { type PinSample, PinBank } from "./pins.js";
import { type Random, seededRandom } from "./prng.js";
import { createFirmwareRealm, type FirmwareRealm } from "./realm/create.js";
import { formatValue } from "./realm/format.js";
import type { EspruinoHost } from "./realm/host.js";
import type { BoardProfile } from "../../../shared/boards.js";

export type { BoardProfile };

export type DeviceState = "off" | "running" | "hung";

export interface VirtualDeviceOptions {
  /** Board id from shared/boards.ts (MDBT42Q, PUCKJS, BANGLEJS2), or a profile (default "MDBT42Q"). */
  board?: string | BoardProfile;
  /** Flash to use (default: a new, erased one of the board's size). It outlives the device. */
  flash?: Flash;
  /** Bundle source to install into `.bootcde` at construction. */
  bundle?: string;
  /** Path of a bundle file to install at construction (e.g. dist/firmware.js). */
  bundlePath?: string;
  /**
   * Called with the source before it is installed (a throw refuses the install) and before boot
   * code from flash runs (a throw is recorded in `errors` and that file is skipped). Default: the
   * Espruino syntax-tree check (scripts/espruino-check.mjs), so the device runs only what a board
   * would; `false` only for the simulator's own tests of hand-written snippets.
   */
  checkBundle?: ((src: string) => void) | false;
  /** World time at construction in ms; the first boot happened at 0, so getTime() starts here. */
  startUptimeMs?: number;
  /** BLE transmit queue size in packets (default 8). */
  txQueue?: number;
  /** Random notification drop rate (0..0.3) for fault tests. */
  dropRate?: number;
  /** Seed for every random choice (address, torn writes, drops, Math.random; E.hwRand is truly random). */
  seed?: number;
  /** The board's BLE address ("aa:bb:cc:dd:ee:ff"; default: one from the seed). Another board under the same address, say. */
  address?: string;
  /** True if the button reads 0 when pressed (default false: Espruino boards read 1 when pressed). */
  buttonActiveLow?: boolean;
  /** Stop a firmware callback running longer than this many ms of real time (0 = off, the default: costs ~80 µs per callback). */
  hangTimeoutMs?: number;
  /** Real-time limit for running boot code (default 10000 ms). */
  bootTimeoutMs?: number;
  /** The cell's open-circuit voltage at the start (default: full; battery.ts models it from there). */
  batteryVolts?: number;
  /** The cell's charge at the start, percent (wins over batteryVolts). */
  batteryPercent?: number;
  /** Noise on every battery reading, ± volts (default 0). */
  batteryNoiseVolts?: number;
  /** A bench supply instead of the cell model: readings stay at batteryVolts. */
  batterySteady?: boolean;
  /** Also write console lines to the host (true = console.log) or to a function. */
  echo?: boolean | ((line: string) => void);
  /** Console lines kept in `console` (default 10000; older lines are dropped). */
  consoleLimit?: number;
  /** Boot at construction even without a bundle (default true). */
  autoBoot?: boolean;
}

export class VirtualDevice extends EventEmitter {
  readonly board: BoardProfile;
  readonly clock: VirtualClock;
  readonly flash: Flash;
  readonly nrf: VirtualNrf;
  readonly pins: PinBank;
  /** The cell (battery.ts): drains with the motor, recovers at rest; tests and `massager sim` set it. */
  readonly battery: VirtualBattery;
  /** Console lines, oldest first. */
  readonly console: string[] = [];
  /** Uncaught firmware exceptions, as "Name: message". */
  readonly errors: string[] = [];
  /** Why the device lost power, one entry per power loss (injected or powerCut()). */
  readonly powerLosses: string[] = [];
  state: DeviceState = "off";
  bootCount = 0;
  watchdogResets = 0;
  hangs = 0;

  private readonly opts: VirtualDeviceOptions;
  private readonly random: Random;
  private realm?: FirmwareRealm;
  private gen = 0;
  private bootAt = 0;
  private timeOffset = 0;
  private tzMs = 0;
  private wd?: Watchdog;
  private checked = new Set<string>();
  private readonly repl = new ReplInput();
  private consoleDevice: unknown = "Bluetooth";

  constructor(opts: VirtualDeviceOptions = {}) {
    super();
    this.opts = opts;
    const profile = resolveBoard(opts.board ?? "MDBT42Q");
    this.board = profile;
    const seed = opts.seed ?? 1;
    this.random = seededRandom(seed);
    this.clock = new VirtualClock({ startMs: opts.startUptimeMs ?? 0 });
    this.flash = opts.flash ?? new Flash({ size: profile.flashBytes, seed });
    this.flash.onPowerLoss = (err) => this.powerLoss(err);
    this.nrf = new VirtualNrf({
      clock: this.clock,
      boardMtu: profile.mtu,
      txQueue: opts.txQueue,
      dropRate: opts.dropRate,
      seed,
      address: opts.address,
      boardName: advertisedName(profile),
      readBattery: () => this.battery.read(this.clock.now(), this.pins.since(this.board.motorPin, this.battery.since)),
    });
    this.battery = new VirtualBattery(batteryRange(profile), {
      volts: opts.batteryVolts, percent: opts.batteryPercent, noiseVolts: opts.batteryNoiseVolts, steady: opts.batterySteady,
    }, seededRandom(seed ^ 0x5eed));
    this.pins = new PinBank({
      clock: this.clock,
      secondsAt: (t) => this.secondsAt(t),
      deliver: (fn, event) => this.call(fn, undefined, [this.realm ? this.realm.object({ ...event }) : event]),
    });
    this.pins.drive(profile.buttonPin, this.releasedLevel());

    const src = opts.bundle ?? (opts.bundlePath ? readFileSync(opts.bundlePath, "utf8") : undefined);
    if (src !== undefined) this.install(src);
    else if (opts.autoBoot !== false) this.boot();
  }

  // ------------------------------------------------------------------ code and power

  /**
   * Write a bundle into `.bootcde` (like espruino-tools' save to flash) and reboot into it.
   * `chunkSize` writes it as espruino-tools does (file created at full size, then filled by
   * offset), so a power cut can tear the upload.
   */
  install(source: string, opts: { chunkSize?: number } = {}): void {
    this.check(detokenise(source));
    // a pretokenised bundle is bytes (one char a byte); plain source with wider characters is UTF-8
    const bytes = /^[\x00-\xff]*$/.test(source) ? new Uint8Array(Buffer.from(source, "latin1")) : new TextEncoder().encode(source);
    const chunk = opts.chunkSize && opts.chunkSize > 0 ? opts.chunkSize : bytes.length;
    this.flash.write(".bootcde", bytes.subarray(0, chunk), 0, bytes.length);
    for (let off = chunk; off < bytes.length; off += chunk) this.flash.write(".bootcde", bytes.subarray(off, off + chunk), off);
    if (this.state === "off") this.boot();
    else this.reboot();
  }

  /**
   * Power on: a fresh context, `.boot0`…`.boot3` then `.bootrst` or `.bootcde` from flash, then
   * E 'init'. On a running device it is a hardware reset (no 'kill').
   */
  boot(): void {
    if (this.state !== "off") this.teardown();
    this.gen++;
    const gen = this.gen;
    this.bootCount++;
    this.bootAt = this.bootCount === 1 ? 0 : this.clock.now();
    this.timeOffset = 0;
    this.tzMs = 0;
    this.consoleDevice = "Bluetooth";
    this.state = "running";
    this.realm = createFirmwareRealm(this.espruinoHost(gen), { hangTimeoutMs: this.opts.hangTimeoutMs });
    this.nrf.powerUp(this.nrfHost(gen));
    for (const name of [".boot0", ".boot1", ".boot2", ".boot3", this.flash.exists(".bootrst") ? ".bootrst" : ".bootcde"]) {
      if (gen !== this.gen || this.state !== "running") return;
      const bytes = this.flash.readBytes(name);
      if (!bytes) continue;
      // what Espruino's lexer reads: bytes, a byte from 138 on a token (scripts/build/pretokenise.mjs)
      const src = detokenise(Buffer.from(bytes).toString("latin1"));
      try {
        this.check(src);
      } catch (e) {
        // Code that reached flash some other way (console upload) and fails the check: the
        // board would run it, but a test should see the refusal, so it is recorded and skipped.
        this.errors.push(`checkBundle refused ${name}: ${describeError(e)}`);
        continue;
      }
      this.runBootCode(src, name, gen);
    }
    if (gen !== this.gen || this.state !== "running") return;
    const realm = this.realm;
    this.post(gen, () => realm.fire(realm.E, "init", []));
    if (!this.clock.busy) this.clock.runPending();
    this.emit("boot", this.bootCount);
  }

  /** Soft restart: E 'kill' listeners run, then the device resets and boots again. */
  reboot(): void {
    this.runKill();
    this.boot();
  }

  /** Cut the power: no 'kill', everything stops, the device stays off until `boot()`. */
  powerCut(reason = "powerCut()"): void {
    if (this.state === "off") return;
    this.powerLosses.push(reason);
    this.teardown();
    this.emit("powerLoss", reason);
  }

  /** Clear RAM and restart without running boot code (Espruino's `reset()`). */
  resetWithoutBootCode(): void {
    this.runKill();
    this.teardown();
    this.gen++;
    const gen = this.gen;
    this.bootAt = this.clock.now();
    this.timeOffset = 0;
    this.state = "running";
    this.realm = createFirmwareRealm(this.espruinoHost(gen), { hangTimeoutMs: this.opts.hangTimeoutMs });
    this.nrf.powerUp(this.nrfHost(gen));
  }

  // ------------------------------------------------------------------ the outside world

  /** Press the button for `ms` (down, advance ms, up). Advance further to see a debounced release. */
  pressButton(ms = 100): void {
    this.buttonDown();
    this.advance(ms);
    this.buttonUp();
  }

  buttonDown(): void {
    this.setInput(this.board.buttonPin, this.releasedLevel() ? 0 : 1);
  }

  buttonUp(): void {
    this.setInput(this.board.buttonPin, this.releasedLevel());
  }

  /** Whether the button is held down. */
  get buttonPressed(): boolean {
    return this.pins.level(this.board.buttonPin) !== this.releasedLevel();
  }

  /** Drive any input pin (edges reach setWatch as on the board). */
  setInput(pin: number, level: number): void {
    this.pins.drive(pin, level);
    if (!this.clock.busy) this.clock.runPending();
  }

  /** Advance virtual time (see VirtualClock.advance). */
  advance(ms: number): void {
    this.clock.advance(ms);
  }

  /** Advance until `pred()` holds or `maxMs` pass; returns whether it held. */
  advanceUntil(pred: () => boolean, maxMs: number, stepMs?: number): boolean {
    return this.clock.advanceUntil(pred, maxMs, stepMs);
  }

  /** Run queued events now. */
  runPending(): void {
    this.clock.runPending();
  }

  /** Recorded output changes of a pin. */
  timeline(pin: number): PinSample[] {
    return this.pins.timeline(pin);
  }

  /** The motor pin's timeline. */
  motorTimeline(): PinSample[] {
    return this.pins.timeline(this.board.motorPin);
  }

  /** Output level of a pin at virtual time `tMs`. */
  levelAt(pin: number, tMs: number): number {
    return this.pins.levelAt(pin, tMs);
  }

  /** Current level of a pin. */
  level(pin: number): number {
    return this.pins.level(pin);
  }

  /** Current motor level (0..1). */
  get motor(): number {
    return this.pins.level(this.board.motorPin);
  }

  /** Current LED levels, in the board's LED order. */
  get led(): number[] {
    return this.board.ledPins.map((p) => this.pins.level(p));
  }

  /** Timers and intervals the firmware has armed. */
  pendingTimers(): number {
    return this.clock.pendingTimers();
  }

  /** The device's `getTime()` now (seconds). */
  getTime(): number {
    return this.secondsAt(this.clock.now());
  }

  /** The firmware's global object (to peek at its state in tests), if running. */
  get global(): Record<string, unknown> | undefined {
    return this.realm?.global;
  }

  /** The cell's open-circuit voltage (the charge; a reading under the motor sags below it). */
  get batteryVolts(): number {
    return this.battery.empty + ((this.battery.full - this.battery.empty) * this.battery.percent) / 100;
  }

  set batteryVolts(v: number) {
    this.battery.setVolts(v, this.clock.now());
  }

  /**
   * Evaluate code in the firmware's context (for tests). Exceptions are thrown to the caller,
   * not recorded. Queued events run afterwards.
   */
  eval(code: string): unknown {
    if (!this.realm || this.state !== "running") throw new Error(`device is ${this.state}`);
    const r = this.realm.run(code, "eval");
    if (!this.clock.busy) this.clock.runPending();
    return r;
  }

  /** Console input (Nordic UART or a TCP console), run line by line as Espruino's REPL does (see ReplInput). */
  consoleInput(text: string): void {
    this.repl.feed(text, (line, quiet) => this.runConsoleLine(line, quiet));
  }

  // ------------------------------------------------------------------ internals

  private releasedLevel(): number {
    return this.opts.buttonActiveLow ? 1 : 0;
  }

  private secondsAt(tMs: number): number {
    return (tMs - this.bootAt) / 1000 + this.timeOffset;
  }

  private check(src: string): void {
    const check = this.opts.checkBundle === undefined ? espruinoCheck : this.opts.checkBundle;
    if (!check || this.checked.has(src)) return;
    check(src);
    this.checked.add(src);
  }

  private runBootCode(src: string, filename: string, gen: number): void {
    try {
      this.realm!.run(src, filename, this.opts.bootTimeoutMs ?? 10000);
    } catch (e) {
      if (gen === this.gen) this.uncaught(e);
    }
  }

  private runConsoleLine(line: string, quiet: boolean): void {
    if (!this.realm || this.state !== "running") return;
    const gen = this.gen;
    try {
      const r = this.realm.run(line, "console");
      if (!quiet && gen === this.gen) this.output(`=${formatValue(r)}\r\n>`);
    } catch (e) {
      if (gen === this.gen) this.uncaught(e);
    }
  }

  private runKill(): void {
    const realm = this.realm;
    if (realm && this.state === "running") realm.fire(realm.E, "kill", []);
  }

  /** Run a firmware callback; exceptions are recorded, never thrown. */
  private call(fn: unknown, thisArg: unknown, args: unknown[]): void {
    const realm = this.realm;
    if (!realm || this.state !== "running") return;
    const gen = this.gen;
    try {
      realm.invoke(fn, thisArg, args);
    } catch (e) {
      if (gen === this.gen) this.uncaught(e);
    }
  }

  private post(gen: number, fn: () => void): void {
    this.clock.post(() => {
      if (gen === this.gen && this.state === "running") fn();
    });
  }

  private uncaught(e: unknown): void {
    if (e instanceof PowerLossError || this.state !== "running") return;
    if (e !== null && typeof e === "object" && (e as { code?: string }).code === "ERR_SCRIPT_EXECUTION_TIMEOUT") {
      this.hang();
      return;
    }
    const msg = describeError(e);
    this.errors.push(msg);
    this.print(`Uncaught ${msg}`);
    this.emit("uncaught", msg, e);
  }

  private hang(): void {
    this.hangs++;
    this.state = "hung";
    this.clock.clearAll();
    this.errors.push(`Hang: a callback ran longer than ${this.opts.hangTimeoutMs} ms`);
    this.emit("hang");
    this.wd?.hung();
  }

  private powerLoss(err: PowerLossError): void {
    this.powerCut(err.message);
  }

  /** Stop everything that belongs to the running firmware. */
  private teardown(): void {
    this.gen++;
    this.state = "off";
    this.clock.clearAll();
    this.clock.discardEvents();
    this.pins.reset();
    this.nrf.powerDown(DISCONNECT_REASON.SUPERVISION_TIMEOUT);
    this.wd?.stop();
    this.wd = undefined;
    this.realm = undefined;
    this.repl.clear();
  }

  private restart(kind: "reboot" | "load" | "reset"): void {
    if (kind === "reset") this.resetWithoutBootCode();
    else if (kind === "load") this.reboot();
    else this.boot(); // E.reboot(): a hardware reset, no 'kill'
  }

  private enableWatchdog(seconds: number, auto: boolean): void {
    this.wd ??= new Watchdog(this.clock, seconds, {
      isRunning: () => this.state === "running",
      isHung: () => this.state === "hung",
      bite: () => {
        this.watchdogResets++;
        this.emit("watchdog");
        this.boot();
      },
    });
    this.wd.enable(auto);
  }

  /** E.getBattery(): the reading, as the board's firmware turns its voltage into a percentage. */
  private batteryPercent(): number {
    return batteryPercentAt(this.board, this.nrf.getBattery());
  }

  /** Console output: recorded, echoed, and sent to the BLE UART if a central listens. */
  private print(line: string): void {
    this.console.push(line);
    const limit = this.opts.consoleLimit ?? 10000;
    if (this.console.length > limit) this.console.splice(0, this.console.length - limit);
    this.emit("console", line);
    const echo = this.opts.echo;
    if (echo === true) console.log(`[${this.board.id}] ${line}`);
    else if (typeof echo === "function") echo(line);
    this.output(`${line}\r\n`);
  }

  private output(text: string): void {
    this.emit("output", text);
    if (this.consoleDevice === "Bluetooth") this.nrf.consoleOutput(text);
  }

  private espruinoHost(gen: number): EspruinoHost {
    const alive = () => gen === this.gen && this.state === "running";
    return {
      board: globalsBoard(this.board),
      clock: this.clock,
      flash: this.flash,
      nrf: this.nrf,
      pins: this.pins,
      random: this.random,
      isAlive: alive,
      getTime: () => this.getTime(),
      setTime: (s) => {
        if (Number.isFinite(s)) this.timeOffset = s - (this.clock.now() - this.bootAt) / 1000;
      },
      timeZoneMs: () => this.tzMs,
      setTimeZone: (h) => {
        this.tzMs = Number.isFinite(h) ? h * 3600000 : 0;
      },
      print: (text) => {
        if (alive()) this.print(text);
      },
      call: (fn, thisArg, args) => {
        if (alive()) this.call(fn, thisArg, args);
      },
      post: (fn) => this.post(gen, fn),
      enableWatchdog: (s, auto) => this.enableWatchdog(s, auto),
      kickWatchdog: () => this.wd?.kick(),
      requestRestart: (kind) => this.post(gen, () => this.restart(kind)),
      batteryPercent: () => this.batteryPercent(),
      setConsole: (device) => {
        this.consoleDevice = device === undefined || device === null ? "Bluetooth" : device;
      },
    };
  }

  private nrfHost(gen: number): NrfHost {
    return {
      emit: (event, args) => this.post(gen, () => this.realm?.fire(this.realm.NRF, event, args)),
      deliverWrite: (fn, bytes) =>
        this.post(gen, () => {
          const realm = this.realm;
          if (realm) this.call(fn, undefined, [realm.object({ data: realm.arrayBuffer(bytes) })]);
        }),
      consoleInput: (text) => {
        if (gen === this.gen && this.state === "running") this.consoleInput(text);
      },
    };
  }
}
