/**
 * Every error the companion reports to a person, in one file: the companion's vocabulary, shared by
 * every layer (ble/, device/, history/, flash/, sim/, the CLI). Each says what was wrong and, where
 * there is one, the command that fixes it; each carries the exit code the CLI returns. Only
 * bin/massager.js exits the process.
 *
 *   1 general · 2 usage · 3 device or link · 4 bad input file · 5 history
 */
export const EXIT = { ok: 0, general: 1, usage: 2, device: 3, input: 4, history: 5 } as const;

export class MassagerError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = EXIT.general) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** A command line that cannot be understood: unknown command or option, missing argument. */
export class UsageError extends MassagerError {
  constructor(message: string) {
    super(message, EXIT.usage);
  }
}

export const NO_ADAPTER_MESSAGE =
  "No Bluetooth adapter is available on this computer; use --device sim to talk to the virtual massager.";

/** noble could not load, or the adapter is missing, off or unsupported. */
export class NoAdapterError extends MassagerError {
  readonly detail: string;
  constructor(detail = "") {
    super(NO_ADAPTER_MESSAGE, EXIT.device);
    this.detail = detail;
  }
}

/**
 * The system does not let this program use Bluetooth: on Linux noble opens a raw HCI socket, which
 * needs root or the cap_net_raw capability on node (EPERM/EACCES); macOS asks per application.
 */
export class BluetoothPermissionError extends MassagerError {
  constructor(platform: string) {
    const fix =
      platform === "linux"
        ? "give Node the raw-socket right with `sudo setcap cap_net_raw+eip $(eval readlink -f $(which node))` (or run as root)"
        : platform === "darwin"
          ? "allow your terminal in System Settings › Privacy & Security › Bluetooth"
          : "allow this program to use Bluetooth in the system's privacy settings";
    super(`this computer does not let massager use its Bluetooth adapter: ${fix}, then try again (--device sim needs no adapter)`, EXIT.device);
  }
}

/** A Bluetooth operation did not finish in time. */
export class TimeoutError extends MassagerError {
  readonly operation: string;
  readonly ms: number;
  constructor(operation: string, ms: number) {
    super(`${operation} timed out after ${formatMs(ms)}; move closer to the massager and try again`, EXIT.device);
    this.operation = operation;
    this.ms = ms;
  }
}

/** No board matched --device (or none advertised at all). */
export class DeviceNotFoundError extends MassagerError {
  constructor(wanted: string | undefined, seconds: number) {
    // a board stops advertising while a central holds it: busy looks the same as asleep from here
    super(
      wanted
        ? `no massager named or addressed "${wanted}" was found in ${seconds} s; it may be asleep (press its button) or connected to another computer or command; \`massager devices\` lists the ones in range`
        : `no massager was found in ${seconds} s; it may be asleep (press its button) or connected to another computer or command (a massager takes one connection at a time); --device sim is the virtual one`,
      EXIT.device,
    );
  }
}

/** The connection dropped, or the device does not offer the massager service. */
export class LinkError extends MassagerError {
  constructor(message: string) {
    super(message, EXIT.device);
  }
}

/** What a person calls each request (by its wire name, shared/codes.ts OP_NAMES): wire names stay out of messages. */
const ACTIONS: { [op: string]: string } = {
  info: "reading the massager's info",
  "time-set": "setting the clock",
  status: "reading the session state",
  "settings-set": "changing the settings",
  auth: "proving this computer's key",
  pair: "pairing",
  unpair: "unpairing",
  "log-read": "reading the log",
  "log-ack": "freeing the synced sessions",
  "program-list": "listing the programs",
  "program-begin": "starting the upload",
  "program-write": "uploading the program",
  "program-commit": "finishing the upload",
  "program-read": "reading the program",
  "program-delete": "deleting the program",
  "program-select": "selecting the program",
  start: "starting the session",
  pause: "pausing the session",
  resume: "resuming the session",
  stop: "stopping the session",
};

/** "setting the clock" for "time-set"; "sending …" for a name not in the table. */
export function actionOf(op: string): string {
  return ACTIONS[op] ?? `sending ${op}`;
}

/** The link was lost while a request was in flight (the next request reconnects). */
export class LinkLostError extends LinkError {
  constructor(what: string) {
    super(`the Bluetooth link was lost while ${actionOf(what)}; run the command again (it resumes where it stopped)`);
  }
}

/** The device answered with a status other than Ok; the message is the STATUS_TEXT sentence (the command says what it was doing). */
export class DeviceStatusError extends MassagerError {
  readonly status: number;
  readonly op: string;
  readonly body: Uint8Array;
  constructor(op: string, status: number, sentence: string, body: Uint8Array = new Uint8Array(0)) {
    super(sentence, EXIT.device);
    this.status = status;
    this.op = op;
    this.body = body;
  }
}

/** A sync that found something that does not add up between the device's log and the history: nothing acknowledged. */
export class SyncError extends MassagerError {
  constructor(message: string) {
    super(message, EXIT.device);
  }
}

/** A program file that cannot be sent: unreadable, not JSON, too large, or fails validation. */
export class ProgramFileError extends MassagerError {
  /** Every validation error (the message names the first, or with `listed` says how many). */
  readonly errors: string[];
  /** The CLI prints every error on a line of its own under the message (`massager validate`). */
  readonly listed: boolean;
  constructor(message: string, errors: string[] = [], listed = false) {
    super(message, EXIT.input);
    this.errors = errors;
    this.listed = listed;
  }
}

/** A file of sessions to import (an export of `massager export --json`) that cannot be read: nothing is imported. */
export class ImportFileError extends MassagerError {
  constructor(message: string) {
    super(message, EXIT.input);
  }
}

/** The history database cannot be opened, read or written. */
export class HistoryError extends MassagerError {
  constructor(message: string) {
    super(message, EXIT.history);
  }
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${+(ms / 1000).toFixed(1)} s` : `${ms} ms`;
}

/** The exit code for anything thrown (non-Massager errors are general failures). */
export function exitCodeOf(err: unknown): number {
  return err instanceof MassagerError ? err.exitCode : EXIT.general;
}
