/**
 * Driving espruino-tools' command line (node_modules/espruino/bin/espruino-cli.js), always as a
 * subprocess: loaded in-process it installs globals and switches off TLS certificate checks.
 *
 * Offline by construction (every network lookup it could make is switched off):
 *   --board FILE                 board JSON from shared/boards.ts (no download of <board>.json;
 *                                it also stops the `process.env` query on connect)
 *   --config MODULE_URL=         no module downloads for `require(…)`
 *   --config BOARD_JSON_URL=     no board JSON downloads
 *   --config COMPILATION=false   no calls to the online compiler
 *   --config MINIFICATION_LEVEL= no online minifier (the bundle is minified already)
 *   --config PRETOKENISE=2       the bundle goes into flash pretokenised, as the build measured it
 *                                (its own plugin: the bytes scripts/build/pretokenise.mjs writes)
 * Over Bluetooth it uses its own noble (--config BLUETOOTH_LOW_ENERGY_DBUS=false: its node-ble route
 * throws an uncaught error on machines without a D-Bus system bus).
 * Upload: --config SAVE_ON_SEND=1 ("direct to flash"): espruino-tools sends `reset()`, then the
 * bundle as `require("Storage").write(".bootcde", chunk, offset[, size])` lines of 1 KB, then
 * `load()`, which boots it. Over TCP (the virtual device) it also drops its throttling
 * (SERIAL_THROTTLE_SEND=2, STORAGE_UPLOAD_METHOD=1); over Bluetooth it keeps it (20-byte writes,
 * a pause after each flash write), as a board needs.
 * Progress: with -v it logs the whole text it will send (`serial: ---> "…"`) and then every piece
 * as it goes (`serial: Sending "…"`); the bar is bytes sent over bytes to send. The board's own
 * output comes back as lines starting with `--] `.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

export type FlashTarget =
  | { kind: "tcp"; host: string; port: number }
  | { kind: "ble"; address?: string; name?: string }
  | { kind: "port"; path: string };

const OFFLINE_CONFIG = ["MODULE_URL=", "BOARD_JSON_URL=", "COMPILATION=false", "MINIFICATION_LEVEL=", "SAVE_ON_SEND=1", "PRETOKENISE=2"];
const TCP_CONFIG = ["SERIAL_THROTTLE_SEND=2", "STORAGE_UPLOAD_METHOD=1"];

/** A Bluetooth address as espruino-tools recognises one. */
export function isBluetoothAddress(s: string): boolean {
  return /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(s.trim());
}

/** `tcp://host:port` → a target; anything else given to -p is passed on as it is. */
export function parsePort(p: string): FlashTarget {
  const m = /^tcp:\/\/([^:/]*)(?::(\d+))?\/?$/i.exec(p.trim());
  if (m) return { kind: "tcp", host: m[1] || "127.0.0.1", port: m[2] ? Number(m[2]) : 23 };
  if (isBluetoothAddress(p)) return { kind: "ble", address: p.trim() };
  return { kind: "port", path: p.trim() };
}

/** How a target reads in messages. */
export function describeTarget(t: FlashTarget): string {
  if (t.kind === "tcp") return `tcp://${t.host}:${t.port}`;
  if (t.kind === "ble") return t.address ?? `"${t.name}"`;
  return t.path;
}

/** The arguments after espruino-cli.js that upload `file` to the target (or, with no target, write `outputJs`). */
export function espruinoArgs(opts: { target?: FlashTarget; boardFile: string; file: string; outputJs?: string; scanSeconds?: number }): string[] {
  const args = ["-v", "--board", opts.boardFile];
  const config = [...OFFLINE_CONFIG];
  const t = opts.target;
  if (t?.kind === "tcp") {
    args.push("-p", `tcp://${t.host}:${t.port}`, "--no-ble");
    config.push(...TCP_CONFIG);
  } else if (t?.kind === "ble") {
    if (t.address) args.push("-p", t.address);
    else args.push("-d", t.name ?? "");
    args.push("--scan-timeout", String(opts.scanSeconds ?? 5));
    config.push("BLUETOOTH_LOW_ENERGY_DBUS=false"); // noble only: its D-Bus route crashes where there is no system bus
  } else if (t?.kind === "port") {
    args.push("-p", t.path, "--no-ble");
  } else {
    args.push("--no-ble");
  }
  for (const c of config) args.push("--config", c);
  if (opts.outputJs) args.push("-o", opts.outputJs);
  args.push(opts.file);
  return args;
}

/** espruino-cli.js of the installed espruino package. */
export function espruinoCliPath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("espruino/package.json")), "bin", "espruino-cli.js");
}

/** What the run saw. */
export interface EspruinoRun {
  exitCode: number | null;
  /** Lines the board printed (the `--] ` lines, prefix removed). */
  deviceLines: string[];
  connected: boolean;
  uploadComplete: boolean;
  /** Bytes espruino-tools meant to send and sent. */
  total: number;
  sent: number;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

/** Reads espruino-cli's verbose output line by line. */
export class EspruinoOutput {
  readonly deviceLines: string[] = [];
  connected = false;
  uploadComplete = false;
  total = 0;
  sent = 0;
  private partial = "";

  constructor(private readonly onProgress?: (sent: number, total: number) => void) {}

  push(chunk: string): void {
    this.partial += chunk;
    for (;;) {
      const nl = this.partial.indexOf("\n");
      if (nl < 0) return;
      this.line(this.partial.slice(0, nl).replace(/\r$/, ""));
      this.partial = this.partial.slice(nl + 1);
    }
  }

  end(): void {
    if (this.partial) this.line(this.partial);
    this.partial = "";
  }

  private line(l: string): void {
    if (l.startsWith("--] ")) {
      this.deviceLines.push(l.slice(4));
      return;
    }
    if (l === "Connected") this.connected = true;
    else if (l === "Upload Complete") this.uploadComplete = true;
    else if (l.startsWith("serial: ---> ")) {
      const s = jsonString(l.slice(13));
      if (s !== undefined) {
        this.total = s.length;
        this.onProgress?.(this.sent, this.total);
      }
    } else if (l.startsWith("serial: Sending ")) {
      const s = jsonString(l.slice(16));
      if (s !== undefined && this.total > 0) {
        this.sent = Math.min(this.total, this.sent + s.length);
        this.onProgress?.(this.sent, this.total);
      }
    }
  }
}

function jsonString(s: string): string | undefined {
  try {
    const v = JSON.parse(s);
    return typeof v === "string" ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Runs espruino-cli.js with `args` in `cwd`; resolves when it exits (or is killed after `timeoutMs`). */
export function runEspruinoTools(args: string[], opts: { cwd: string; timeoutMs: number; onProgress?: (sent: number, total: number) => void; env?: NodeJS.ProcessEnv }): Promise<EspruinoRun> {
  const out = new EspruinoOutput(opts.onProgress);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [espruinoCliPath(), ...args], {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) child.kill("SIGKILL");
    }, opts.timeoutMs);
    child.stdout.setEncoding("latin1");
    child.stderr.setEncoding("latin1");
    child.stdout.on("data", (d: string) => {
      if (stdout.length < 4 << 20) stdout += d;
      out.push(d);
    });
    child.stderr.on("data", (d: string) => {
      if (stderr.length < 1 << 20) stderr += d;
    });
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      out.end();
      resolve({
        exitCode: code,
        deviceLines: out.deviceLines,
        connected: out.connected,
        uploadComplete: out.uploadComplete,
        total: out.total,
        sent: out.sent,
        timedOut,
        stdout,
        stderr,
      });
    });
  });
}
