/**
 * Message codes and status codes. Every request carries an op and an id; every reply echoes both
 * and adds a status, like SMP. Events are device-initiated messages with id 0.
 */
export const enum Op {
  Info = 0x01,
  TimeSet = 0x02,
  Status = 0x03,
  /** (0x04 was SETTINGS_GET before protocol 2: INFO carries the settings now.) */
  SettingsSet = 0x05,
  /** Owner access (messages.ts "AUTH"): prove a key on this connection. */
  Auth = 0x06,
  /** Store an owner key: in the pairing window the button opens, or from an owner's connection. */
  Pair = 0x07,
  Unpair = 0x08,
  LogRead = 0x10,
  LogAck = 0x11,
  ProgList = 0x20,
  ProgBegin = 0x21,
  ProgWrite = 0x22,
  ProgCommit = 0x23,
  ProgRead = 0x24,
  ProgDelete = 0x25,
  ProgSelect = 0x26,
  Start = 0x30,
  Pause = 0x31,
  Resume = 0x32,
  Stop = 0x33,
  /** Reply to a message the device could not decode (bad CRC, truncated, …). */
  Error = 0x7f,
  /** Event: session state changed or a region cue fired. */
  EvtStatus = 0x80,
}

export const enum Status {
  Ok = 0,
  Unknown = 1,
  NoSpace = 2,
  BadRequest = 3,
  Corrupt = 4,
  NoEntry = 5,
  Busy = 6,
  Unsupported = 7,
  Denied = 8,
  Invalid = 9,
  TooLarge = 10,
  BadOffset = 11,
  /** The battery is below the critical level: no session starts. */
  LowBattery = 12,
  /** LOG_READ / LOG_ACK named a log id that is not the device's log (it started over). */
  Stale = 13,
  /** PAUSE / RESUME / STOP with no session in the state they act on. */
  WrongState = 14,
}

/** Program ids: presets are 0..n, custom slots are SLOT_BASE + slot; SELECTED means "the selected one".
 * (Number constants stay above the first table: esbuild inlines them into the firmware only there.) */
export const SLOT_BASE = 0x10;
export const SELECTED = 0xff;
/** PAIR / UNPAIR: "the first free slot" / "every slot". */
export const ANY_SLOT = 0xff;
/** Request status byte, bit 0: the body ends with a signature (messages.ts "Signed requests"). */
export const SIGNED = 1;
/** Record / STATUS "no session yet". */
export const NO_END = 0xff;

/** Op names for the wire (logs, tests); people see what the command was doing instead. */
export const OP_NAMES: { [op: number]: string } = {
  0x01: "info", 0x02: "time-set", 0x03: "status", 0x05: "settings-set",
  0x06: "auth", 0x07: "pair", 0x08: "unpair",
  0x10: "log-read", 0x11: "log-ack",
  0x20: "program-list", 0x21: "program-begin", 0x22: "program-write", 0x23: "program-commit",
  0x24: "program-read", 0x25: "program-delete", 0x26: "program-select",
  0x30: "start", 0x31: "pause", 0x32: "resume", 0x33: "stop",
  0x7f: "error", 0x80: "status-event",
};

/** What each status means to a person, and what to do about it. Looked up, never switched on. */
export const STATUS_TEXT: { [status: number]: string } = {
  0: "ok",
  1: "the device hit an unexpected error; try again, and reboot it if it persists",
  2: "the device's flash is full; run `massager sync` so it can free logged sessions, or delete a program",
  3: "the device could not understand the request (malformed or out-of-range field)",
  4: "the data arrived corrupted (check value mismatch); try again",
  5: "no such entry on the device (empty slot or unknown program)",
  6: "the device is busy (a session is running or another transfer is in progress); try again when it is idle",
  7: "the device does not support this request; update its firmware with `massager flash`",
  8: "this massager only obeys its owners: pair this computer with `massager pair` (hold the massager's button for 5 seconds first)",
  9: "the device refused the program: it breaks the device's limits",
  10: "too large for the device",
  11: "the upload offset does not match what the device has; resume from the offset it reports",
  12: "the battery is too low for a session; charge the massager and try again",
  13: "the device's log started over (its flash was erased or it is another board); run `massager sync` again",
  14: "no session is in a state for that",
};

/** End reasons stored in each log record (3 bits). */
export const enum End {
  Finished = 0,
  StoppedButton = 1,
  StoppedRemote = 2,
  /** Firmware before protocol 2 stopped a session started over BLE when its link dropped. */
  LinkLost = 3,
  SafetyLimit = 4,
  /** The battery reached the critical level: the motor ramped off and the session ended. */
  Battery = 5,
}

export const END_NAMES = ["finished", "stopped", "stopped-remote", "link-lost", "safety-limit", "battery"];

/** Session states in STATUS replies and events. */
export const enum State {
  Idle = 0,
  Running = 1,
  Paused = 2,
  Finished = 3,
  Stopped = 4,
}

export const STATE_NAMES = ["idle", "running", "paused", "finished", "stopped"];

/** Battery states (INFO, STATUS), with hysteresis on the device (limits.ts BATTERY_*). */
export const enum Battery {
  Ok = 0,
  Low = 1,
  Critical = 2,
}

export const BATTERY_NAMES = ["ok", "low", "critical"];

/** Capability bits in INFO. */
export const enum Cap {
  Logs = 1,
  Programs = 2,
  Control = 4,
  /** Owner keys: AUTH, PAIR, UNPAIR and signed requests. */
  Owners = 8,
  ConsoleLock = 16,
  Battery = 32,
  /** LOG_READ / LOG_ACK carry the log id. */
  LogId = 64,
}

/** Settings flags. */
export const enum Setting {
  /** Firmware before protocol 2: changes needed a bonded link. Read only now (it migrates to owner keys). */
  RequireBond = 1,
  LockConsole = 2,
}
