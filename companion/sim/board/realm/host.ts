/** What the VirtualDevice gives the firmware's realm: the board facts and the device behind the globals. */
import type { VirtualClock } from "../clock.js";
import type { Flash } from "../flash.js";
import type { VirtualNrf } from "../nrf.js";
import type { PinBank } from "../pins.js";
import type { Random } from "../prng.js";

/** The board facts the globals need. */
export interface GlobalsBoard {
  id: string;
  name: string;
  ledPins: number[];
  buttonPin: number;
  /** Where the battery level comes from: only "E" boards have `E.getBattery()`. */
  battery: "nrf" | "E";
  /** JsVars the interpreter has (process.memory().total). */
  vars: number;
  /** Highest valid pin number (31 on nRF52832, 47 on nRF52840). */
  maxPin?: number;
}

/** What the VirtualDevice provides to the globals. */
export interface EspruinoHost {
  board: GlobalsBoard;
  clock: VirtualClock;
  flash: Flash;
  nrf: VirtualNrf;
  pins: PinBank;
  random: Random;
  /** False once the device lost power or hung: every API call then throws. */
  isAlive(): boolean;
  /** Device time in seconds (uptime + setTime offset). */
  getTime(): number;
  setTime(seconds: number): void;
  /** Time zone offset in ms (E.setTimeZone). */
  timeZoneMs(): number;
  setTimeZone(hours: number): void;
  /** Print one console line. */
  print(text: string): void;
  /** Run a firmware callback safely now (exceptions are recorded by the device). */
  call(fn: unknown, thisArg: unknown, args: unknown[]): void;
  /** Queue work in the device's event loop (dropped if the device restarts first). */
  post(fn: () => void): void;
  enableWatchdog(seconds: number, auto: boolean): void;
  kickWatchdog(): void;
  /** E.reboot()/load(): restart and run boot code; reset(): restart without boot code. */
  requestRestart(kind: "reboot" | "load" | "reset"): void;
  /** Battery percentage for boards with E.getBattery(). */
  batteryPercent(): number;
  setConsole(device: unknown, options: unknown): void;
}
