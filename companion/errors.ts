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
    super(
      wanted
        ? `no massager named or addressed "${wanted}" was found in ${seconds} s; run \`massager devices\` to see the ones in range`
        : `no massager was found in ${seconds} s; wake it with a button press, or use --device sim for the virtual massager`,
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

/** The link was lost while a request was in flight (the next request reconnects). */
export class LinkLostError extends LinkError {
  constructor(what: string) {
    super(`the Bluetooth link was lost during ${what}; run the command again (it resumes where it stopped)`);
  }
}

/** The device answered with a status other than Ok; the message is the STATUS_TEXT sentence. */
export class DeviceStatusError extends MassagerError {
  readonly status: number;
  readonly op: string;
  readonly body: Uint8Array;
  constructor(op: string, status: number, sentence: string, body: Uint8Array = new Uint8Array(0)) {
    super(`${op}: ${sentence}`, EXIT.device);
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
  /** Every validation error (the message names the first); `massager validate` prints them all. */
  readonly errors: string[];
  constructor(message: string, errors: string[] = []) {
    super(message, EXIT.input);
    this.errors = errors;
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
