// The Espruino (2v29, nRF52) globals the firmware may use, and nothing of Node or the DOM.
// Only what this project needs, typed as the device behaves (docs/ESPRUINO.md).
// Note that lib ES2017 still declares Map, Set, Symbol, Array.from, ... which the device lacks:
// the build's Espruino check (scripts/espruino-check.mjs) rejects those.

/** A pin. The firmware uses numeric pin indices: Dn is n. */
type Pin = number;

// ---- build-time constants (esbuild `define`, scripts/build.mjs) ----------------------------------
/** package.json version, or MASSAGER_FW_VERSION. */
declare const __FW_VERSION__: string;
/** MASSAGER_BOARD at build time, or "" to pick the board at run time from process.env.BOARD. */
declare const __BUILD_BOARD__: string;

// ---- pins ------------------------------------------------------------------------------------------
declare const LED1: Pin;
declare const BTN: Pin;

/** Hardware PWM (3 units of 4 channels; channels on a unit share a frequency; default 1 kHz). */
declare function analogWrite(pin: Pin, value: number, opts?: { freq?: number; soft?: boolean; forceSoft?: boolean }): void;
declare function digitalWrite(pin: Pin | Pin[], value: number | boolean): void;
declare function digitalRead(pin: Pin | Pin[]): number;
/** Pulse `value` for `ms` milliseconds (an array gives alternating pulse lengths). */
declare function digitalPulse(pin: Pin, value: number | boolean, ms: number | number[]): void;
declare function pinMode(
  pin: Pin,
  mode?: "analog" | "input" | "input_pullup" | "input_pulldown" | "output" | "opendrain" | "opendrain_pullup" | "af_output" | "af_opendrain" | "auto",
  automatic?: boolean,
): void;

interface WatchEvent {
  state: boolean;
  /** Seconds, as getTime(). */
  time: number;
  lastTime?: number;
  pin?: Pin;
}
declare function setWatch(
  fn: (e: WatchEvent) => void,
  pin: Pin,
  opts?: { repeat?: boolean; edge?: "rising" | "falling" | "both"; debounce?: number },
): number;
/** Without an id, removes every watch. */
declare function clearWatch(id?: number): void;

// ---- time ------------------------------------------------------------------------------------------
declare function setTimeout(fn: () => void, ms?: number): number;
declare function setInterval(fn: () => void, ms?: number): number;
/** Without an id, clears every timeout. */
declare function clearTimeout(id?: number): void;
/** Without an id, clears every interval. */
declare function clearInterval(id?: number): void;
/** Seconds (float) since 1970, or since boot until a central sets the time. */
declare function getTime(): number;
/** Set the clock, in seconds since 1970. The device loses it on power loss. */
declare function setTime(seconds: number): void;

// ---- console and text ------------------------------------------------------------------------------
declare function print(...args: unknown[]): void;
declare const console: { log(...args: unknown[]): void };
declare function btoa(binary: string): string;
declare function atob(base64: string): string;

/** A console device (Bluetooth, LoopbackA, ...). */
interface EspruinoConsoleDevice {
  /** Move the REPL to this device; `force` keeps it there when others connect. */
  setConsole(force?: boolean): void;
  on(event: "data", fn: (data: string) => void): void;
  removeAllListeners(event?: string): void;
  write(data: string): void;
}
/** The Nordic UART over Bluetooth, which espruino-tools flashes through. */
declare const Bluetooth: EspruinoConsoleDevice;
/** A loopback device: moving the console here locks the Bluetooth console. */
declare const LoopbackA: EspruinoConsoleDevice;

// ---- E ---------------------------------------------------------------------------------------------
type EspruinoBytes = string | number | ArrayLike<number> | ArrayBuffer | { data: EspruinoBytes; count: number };

interface EspruinoE {
  /** A watchdog cannot be stopped once started. `isAuto` false: the firmware must kickWatchdog(). */
  enableWatchdog(timeoutSeconds: number, isAuto?: boolean): void;
  kickWatchdog(): void;
  /** Battery percentage on Puck.js and Bangle.js. Does NOT exist on MDBT42Q: use NRF.getBattery(). */
  getBattery(): number;
  on(event: "init" | "kill", fn: () => void): void;
  on(event: "errorFlag", fn: (flags: string[]) => void): void;
  toUint8Array(...data: EspruinoBytes[]): Uint8Array;
  toString(...data: EspruinoBytes[]): string;
  clip(x: number, min: number, max: number): number;
  sum(values: ArrayLike<number>): number;
  /** Variables (memory blocks) used by `value`. */
  getSizeOf(value: unknown, depth?: number): number;
  /** zlib's CRC-32 of the bytes (each element a byte), unsigned. */
  CRC32(data: EspruinoBytes): number;
  /** 32 random bits from the chip's hardware noise source. */
  hwRand(): number;
  reboot(): void;
  setConsole(device: "Bluetooth" | "LoopbackA" | "LoopbackB" | "Serial1" | "USB" | "Terminal" | null, options?: { force?: boolean }): void;
}
declare const E: EspruinoE;

// ---- NRF (Bluetooth LE) ----------------------------------------------------------------------------
type BleValue = string | number[] | ArrayBuffer | ArrayBufferView;

interface BleCharacteristic {
  value?: BleValue;
  /** Defaults to the initial value's length; at most 512. */
  maxLen?: number;
  broadcast?: boolean;
  readable?: boolean;
  /** Allows write and write-without-response. Long (prepared) writes are not supported. */
  writable?: boolean;
  notify?: boolean;
  indicate?: boolean;
  description?: string;
  onWrite?: (evt: { data: ArrayBuffer }) => void;
}

interface BleCharacteristicUpdate {
  value?: BleValue;
  /** Sends a notification while a central is connected and subscribed (dropped when the queue is full). */
  notify?: boolean;
  indicate?: boolean;
  readable?: boolean;
}

interface NrfSecurityStatus {
  connected: boolean;
  encrypted?: boolean;
  mitm_protected?: boolean;
  bonded?: boolean;
  advertising?: boolean;
  connected_addr?: string;
}

interface EspruinoNRF {
  /** Takes effect after disconnect when called while connected. `uart: true` (the default) keeps the console. */
  setServices(services: Record<string, Record<string, BleCharacteristic>> | undefined, options?: { uart?: boolean; advertise?: string[] }): void;
  updateServices(updates: Record<string, Record<string, BleCharacteristicUpdate>>): void;
  /** 31 bytes of advertising data; default interval 375 ms. */
  setAdvertising(
    data: Record<string, BleValue> | number[] | ArrayBuffer,
    options?: {
      name?: string; showName?: boolean; interval?: number; connectable?: boolean; discoverable?: boolean;
      manufacturer?: number; manufacturerData?: BleValue;
    },
  ): void;
  setSecurity(options: {
    passkey?: string; mitm?: boolean | number; display?: boolean | number; keyboard?: boolean | number;
    bond?: boolean; pair?: boolean; lesc?: boolean | number;
  }): void;
  getSecurityStatus(): NrfSecurityStatus;
  on(event: "connect", fn: (address: string) => void): void;
  on(event: "disconnect", fn: (reason: number) => void): void;
  on(event: "security", fn: (status: NrfSecurityStatus) => void): void;
  on(event: "bond", fn: (status: "request" | "start" | "success" | "fail") => void): void;
  removeAllListeners(event?: string): void;
  disconnect(): void;
  /** Volts, on every nRF52 board. */
  getBattery(): number;
  setConnectionInterval(interval: number | "auto" | { minInterval: number; maxInterval: number }): void;
}
declare const NRF: EspruinoNRF;

// ---- Storage ---------------------------------------------------------------------------------------
interface StorageFile {
  read(length: number): string | undefined;
  readLine(): string | undefined;
  /** Append-only text: the data must not contain the byte 0xFF. */
  write(data: string): void;
  erase(): void;
  getLength(): number;
}

interface StorageLib {
  /**
   * With `size`, creates a file of `size` bytes; later writes fill it at `offset`, but only into bytes
   * still erased (0xFF): rewriting written bytes throws "File already written with different data".
   * Names are at most 28 characters.
   */
  write(name: string, data: string | ArrayBuffer | Uint8Array, offset?: number, size?: number): boolean;
  /** A string mapped to flash (no RAM copy), or undefined when the file does not exist. */
  read(name: string, offset?: number, length?: number): string | undefined;
  readArrayBuffer(name: string): ArrayBuffer | undefined;
  erase(name: string): void;
  list(regex?: RegExp): string[];
  getFree(): number;
  /** Slow: moves files. */
  compact(): void;
  eraseAll(): void;
  open(name: string, mode: "r" | "w" | "a"): StorageFile;
}

declare function require(name: "Storage"): StorageLib;

/** The crypto module of the nRF52 builds (MDBT42Q, Puck.js, Bangle.js 2): SHA-256 in C. */
interface CryptoLib {
  SHA256(data: string | ArrayBuffer | Uint8Array): ArrayBuffer;
}
declare function require(name: "crypto"): CryptoLib;

// ---- process ---------------------------------------------------------------------------------------
declare const process: {
  env: { BOARD: string; VERSION: string; [key: string]: unknown };
  memory(gc?: boolean): { free: number; usage: number; total: number; history: number; gc?: number; gctime?: number; blocksize?: number };
};
