import { statSync } from "node:fs";
import { Link, type LinkOptions } from "../ble/link";
import { loadHardwareNoble } from "../ble/noble-loader";
import type { NobleLike } from "../ble/noble-types";
import { findPeripheral } from "../ble/scan";
import type { SimBackend, SimLinkModel } from "../sim/link/backend";
import { connectSim } from "../sim/link/connect";
import { DeviceClient } from "../device/client";
import { OwnerSession } from "../device/owner";
import { OwnerKeys, nodeHmac } from "../owners/keys";
import { type History, openHistory } from "../history/db";
import { dataDir, historyPath, simFlashPath } from "../history/paths";
import { Status } from "../../shared/codes";
import { DeviceNotFoundError, DeviceStatusError, EXIT, MassagerError, UsageError } from "../errors";
import { type Progress, progressBar } from "./progress";

/** Where a command writes, and the environment it reads (tests pass their own). */
export interface IO {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  env: Record<string, string | undefined>;
  /** Test seam: the virtual device to use for `--device sim` (default: openSimBackend). */
  simBackend?: (dataDir: string) => Promise<SimBackend>;
  /** Test seam: link timeouts. */
  linkOptions?: LinkOptions;
  /** Test seam: unix seconds now. */
  now?: () => number;
}

/** An open connection to one massager. */
export interface DeviceSession {
  client: DeviceClient<Link>;
  link: Link;
  /** The history's id for the device: its Bluetooth address (`device` in every command's --json). */
  id: string;
  /** The name it advertises (`device_name` in --json). */
  name: string;
  kind: "sim" | "hardware";
  /** The virtual device's backend (for `--device sim`). */
  backend?: SimBackend;
}

export interface ConnectOptions {
  scanMs?: number;
  setClock?: boolean;
  /**
   * The command acts on a device that lives on after it (its clock, a session): `--device sim`
   * then needs a running `massager sim`, not the virtual device a command boots for itself.
   */
  lasting?: boolean;
}

export class Context {
  readonly io: IO;
  readonly env: Record<string, string | undefined>;
  readonly json: boolean;
  readonly color: boolean;
  readonly dataDir: string;
  readonly device: string | undefined;
  readonly debugOn: boolean;
  private readonly cleanups: (() => Promise<void> | void)[] = [];
  private historyDb: History | null = null;

  /** The command being run (for sentences that name it). */
  readonly command: string;

  constructor(io: IO, opts: { json: boolean; dataDir?: string; device?: string; command?: string }) {
    this.io = io;
    this.command = opts.command ?? "";
    this.env = io.env;
    this.json = opts.json;
    this.color = !!io.stdout.isTTY && colorAllowed(io.env);
    this.dataDir = dataDir({ flag: opts.dataDir, env: io.env });
    this.device = opts.device;
    this.debugOn = io.env.MASSAGER_DEBUG === "1";
  }

  get isSim(): boolean {
    return this.device === "sim";
  }

  now(): number {
    return this.io.now ? this.io.now() : Math.floor(Date.now() / 1000);
  }

  debug(line: string): void {
    if (this.debugOn) this.io.stderr.write(`[debug] ${line}\n`);
  }

  /** A progress bar on stderr, only for a person watching (a TTY, not --json). */
  progress(label: string): Progress {
    return progressBar(this.io.stderr, label, { enabled: !this.json && !!this.io.stderr.isTTY, color: !!this.io.stderr.isTTY && colorAllowed(this.env) });
  }

  /** The data folder, refused when it is a file (the history and the virtual flash live inside it). */
  private folder(): string {
    let isFile = false;
    try {
      isFile = !statSync(this.dataDir).isDirectory();
    } catch {
      // missing: the history or the virtual massager creates it, or says it has nothing yet
    }
    if (isFile)
      throw new UsageError(`the data folder ${this.dataDir} is a file; --data-dir (or MASSAGER_HOME) names the folder the history and the virtual massager live in`);
    return this.dataDir;
  }

  /** The history database (opened once, closed at the end of the command). */
  history(opts: { readonly?: boolean } = {}): History {
    if (!this.historyDb) {
      this.folder();
      this.historyDb = openHistory(historyPath(this.dataDir), opts);
      const db = this.historyDb;
      this.cleanups.push(() => db.close());
    }
    return this.historyDb;
  }

  /**
   * noble over the virtual device (`--device sim`) or over the real adapter (anything else). With
   * no `massager sim` running, the virtual device boots inside this command: a `lasting` command
   * refuses it, any other says so on stderr.
   */
  async noble(opts: { model?: SimLinkModel; lasting?: boolean } = {}): Promise<{ noble: NobleLike; kind: "sim" | "hardware"; backend?: SimBackend }> {
    if (this.isSim) {
      const open = this.io.simBackend ?? (await import("../sim/link/open")).openSimBackend;
      const backend = await open(this.folder());
      this.cleanups.push(() => backend.close());
      if (backend.ephemeral) this.inProcessSim(opts.lasting === true);
      const { noble } = await connectSim(backend, { model: opts.model });
      return { noble, kind: "sim", backend };
    }
    return { noble: await loadHardwareNoble(), kind: "hardware" };
  }

  private inProcessSim(lasting: boolean): void {
    const what = `massager ${this.command}`.trim();
    if (lasting)
      throw new MassagerError(
        `no virtual massager is running for ${this.dataDir}, and \`${what}\` needs one that lives on after the command; start \`massager sim\` in another terminal (with the same --data-dir), then run it again`,
        EXIT.device,
      );
    this.io.stderr.write(
      `note: no \`massager sim\` is running, so this command booted the virtual massager itself from ${simFlashPath(this.dataDir)} ` +
        `(its programs and log are kept; its clock is not); \`massager sim\` keeps one running\n`,
    );
  }

  /**
   * Finds the device --device names, connects, sends INFO and sets the device's clock (the device has
   * no real-time clock: the companion sets it on every connection). Closed when the command ends.
   */
  async connect(opts: ConnectOptions = {}): Promise<DeviceSession> {
    if (this.device !== undefined && this.device.trim() === "") throw new UsageError("--device needs a name, an address, or sim");
    const { noble, kind, backend } = await this.noble({ lasting: opts.lasting });
    const peripheral = await findPeripheral(noble, this.isSim ? undefined : this.device, opts.scanMs ?? (kind === "sim" ? 3000 : 8000)).catch(
      async (err) => {
        // the virtual massager is always in range: not found means another command holds it
        if (err instanceof DeviceNotFoundError && backend && (await backend.centralConnected().catch(() => false)))
          throw new MassagerError(
            "the virtual massager is busy with another command (it takes one connection at a time, like a board); try again when that one ends",
            EXIT.device,
          );
        throw err;
      },
    );
    const link = new Link(peripheral, {
      ...(kind === "sim" ? { requestTimeoutMs: 1500, connectTimeoutMs: 3000 } : {}),
      ...this.io.linkOptions,
      debug: this.debugOn ? (l) => this.debug(l) : undefined,
    });
    this.cleanups.unshift(() => link.close());
    // this computer's owner key for the device, if it has one: the link proves it after INFO
    const id = peripheral.address || peripheral.id;
    const key = new OwnerKeys(this.dataDir).get(id);
    link.owner = key ? new OwnerSession(key, nodeHmac) : null;
    await link.connect();
    const client = new DeviceClient(link);
    if (opts.setClock !== false) {
      try {
        await client.setTime(this.now());
      } catch (err) {
        // a device with owners refuses a stranger; the command itself says so when it matters
        if (!(err instanceof DeviceStatusError && err.status === Status.Denied)) throw err;
        this.debug("time-set denied: this computer is not one of the massager's owners");
      }
    }
    return {
      client,
      link,
      id,
      name: link.name,
      kind,
      backend,
    };
  }

  /** Closes what the command opened (links first, then backends and the history). */
  async dispose(): Promise<void> {
    const all = this.cleanups.splice(0);
    for (const fn of all) {
      try {
        await fn();
      } catch (err) {
        this.debug(`cleanup: ${(err as Error).message}`);
      }
    }
  }
}

/** Colour unless NO_COLOR is set to anything non-empty (no-color.org) or the terminal is dumb. */
export function colorAllowed(env: Record<string, string | undefined>): boolean {
  return !env.NO_COLOR && env.TERM !== "dumb";
}
