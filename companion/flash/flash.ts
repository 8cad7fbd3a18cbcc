/**
 * `massager flash`: build the firmware bundle for a board and install it into `.bootcde` with
 * espruino-tools (espruino-tools.ts), over Bluetooth to a board or over TCP to the virtual device's
 * console. The board then boots the new bundle (espruino-tools ends the upload with `load()`).
 *
 *   build (scripts/build.mjs: Espruino check + flash budget) → <tmp>/firmware.js + <tmp>/<BOARD>.json
 *   → espruino-cli.js -v --board <tmp>/<BOARD>.json -p <target> --config … <tmp>/firmware.js
 *   → its output read for progress, the board's own lines, and what went wrong
 * A dry run builds and lets espruino-tools write the exact text it would send (`-o`) without
 * connecting to anything.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer, type Socket } from "node:net";
import { join } from "node:path";
import type { BoardProfile } from "../../shared/boards";
import { MassagerError } from "../errors";
import { writeBoardJson } from "./boards";
import { type EspruinoRun, type FlashTarget, describeTarget, espruinoArgs, espruinoCliPath, runEspruinoTools } from "./espruino-tools";
import { loadBuildScript, packageVersion } from "./project";
import { detokenise, pretokenise } from "../../scripts/build/pretokenise.mjs";

/** The sentence the virtual console sends when it is locked (console.ts), as espruino-tools shows it. */
const LOCKED_MARK = "console is locked";

/** Flashing failed; the message says what to do. Exit code 3 (device or link). */
export class FlashError extends MassagerError {
  constructor(message: string) {
    super(message, 3);
  }
}

export interface FlashOptions {
  /** Where to flash; required unless `dryRun`. */
  target?: FlashTarget;
  board: BoardProfile;
  /** Firmware version string compiled in (default: MASSAGER_FW_VERSION, else package.json's). */
  version?: string;
  /** Install this file as it is instead of building one. */
  bundleFile?: string;
  dryRun?: boolean;
  /** Keep the files handed to espruino-tools (bundle, board file, and with dryRun the upload script) in this folder; else they go with the run. */
  outDir?: string;
  /** Give up after this long (default 2 min over TCP, 5 min over Bluetooth). */
  timeoutMs?: number;
  onProgress?: (sent: number, total: number) => void;
  /** One line per stage ("building …", "uploading …"). */
  onStage?: (line: string) => void;
}

export interface FlashResult {
  target: string;
  board: string;
  /** The bundle: its size, the version compiled in, and how many 1 KB Storage.write chunks carry it. */
  bytes: number;
  version: string | null;
  chunks: number;
  /** The bundle as JavaScript. */
  code: string;
  /** What goes into `.bootcde` (pretokenised, latin1), so a caller can check what the device now runs. */
  flashed: string;
  dryRun: boolean;
  /** The command that runs (or, with --dry-run, would run) espruino-tools. */
  command: string;
  /** With --dry-run: the bytes espruino-tools would send, and (with outDir) the file holding them. */
  uploadBytes?: number;
  uploadScript?: string;
  /** What the board printed while installing. */
  deviceOutput: string[];
  seconds: number;
}

export async function flashFirmware(opts: FlashOptions): Promise<FlashResult> {
  const started = Date.now();
  if (!opts.dryRun && !opts.target) throw new FlashError("say where to flash: --device NAME|ADDRESS|sim or -p tcp://HOST:PORT");
  const { code, version } = await bundleFor(opts);
  const keep = opts.outDir !== undefined;
  const dir = keep ? outFolder(opts.outDir!) : mkdtempSync(join(tmpdir(), "massager-flash-"));
  try {
    const file = join(dir, "firmware.js");
    writeFileSync(file, code, "latin1");
    const boardFile = writeBoardJson(dir, opts.board);
    const realArgs = espruinoArgs({ target: opts.target, boardFile, file });
    const command = ["node", espruinoCliPath(), ...realArgs].map(shellQuote).join(" ");
    // espruino-tools pretokenises it on the way (PRETOKENISE=2): these are the bytes that go into flash
    const flashed = pretokenise(code);
    const chunks = Math.ceil(flashed.length / 1024);
    const base = {
      board: opts.board.id,
      bytes: flashed.length,
      flashed,
      version,
      chunks,
      code,
      command,
    };
    if (opts.dryRun) {
      // espruino-tools runs for real, against a console on this computer that only records what it
      // is sent: the exact text a board would receive, and nothing reaches one
      const uploadScript = keep ? join(dir, "upload.txt") : undefined;
      opts.onStage?.(`recording what espruino-tools would send${uploadScript ? ` into ${uploadScript}` : ""}`);
      const rec = await recordingConsole();
      let run: EspruinoRun;
      try {
        run = await runEspruinoTools(espruinoArgs({ target: { kind: "tcp", host: "127.0.0.1", port: rec.port }, boardFile, file }), { cwd: dir, timeoutMs: 60000 });
      } finally {
        await rec.close();
      }
      if (!run.uploadComplete) throw new FlashError(`espruino-tools could not prepare the upload (exit code ${run.exitCode}): ${lastLine(run.stderr || run.stdout)}`);
      const sent = rec.text();
      if (uploadScript) writeFileSync(uploadScript, sent, "latin1");
      return {
        ...base,
        target: opts.target ? describeTarget(opts.target) : "(none)",
        chunks: (sent.match(/require\("Storage"\)\.write\(/g) ?? []).length,
        dryRun: true,
        uploadBytes: Buffer.byteLength(sent, "latin1"),
        ...(uploadScript ? { uploadScript } : {}),
        deviceOutput: [],
        seconds: (Date.now() - started) / 1000,
      };
    }
    const target = opts.target!;
    opts.onStage?.(`installing ${base.bytes} bytes into .bootcde on ${describeTarget(target)} with espruino-tools`);
    const timeoutMs = opts.timeoutMs ?? (target.kind === "tcp" ? 120000 : 300000);
    const run = await runEspruinoTools(realArgs, { cwd: dir, timeoutMs, onProgress: opts.onProgress });
    check(run, target, timeoutMs);
    return { ...base, target: describeTarget(target), dryRun: false, deviceOutput: run.deviceLines.filter((l) => !/^[>\s]*(=undefined)?\s*$/.test(l)), seconds: (Date.now() - started) / 1000 };
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

/** --out: the folder the person named, created when missing. */
function outFolder(dir: string): string {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new FlashError(`cannot keep the files in ${dir} (${(err as { code?: string }).code ?? (err as Error).message}); choose another --out folder`);
  }
  return dir;
}

/** The bundle to install: built for the board (Espruino check and budget enforced), or a given file. */
async function bundleFor(opts: FlashOptions): Promise<{ code: string; version: string | null }> {
  if (opts.bundleFile) {
    let code: string;
    try {
      code = readFileSync(opts.bundleFile, "latin1");
    } catch (err) {
      throw new FlashError(`cannot read the bundle ${opts.bundleFile} (${(err as { code?: string }).code ?? "error"}); give the path of a built firmware (npm run build writes dist/firmware.js)`);
    }
    // a built dist/firmware.js is pretokenised: espruino-tools reads source text and tokenises it again
    return { code: detokenise(code), version: null };
  }
  opts.onStage?.(`building the firmware for ${opts.board.name}`);
  const build = await loadBuildScript();
  const version = opts.version ?? packageVersion();
  let fw;
  try {
    fw = await build.buildFirmware({ outfile: null, board: opts.board.id, version });
  } catch (err) {
    throw new FlashError(`the firmware does not build: ${(err as Error).message.split("\n").slice(0, 3).join(" ")}; fix it, then run \`massager flash\` again`);
  }
  if (fw.violations.length)
    throw new FlashError(
      `the firmware bundle uses ${fw.violations.length} construct(s) the Espruino interpreter rejects (first: ${fw.violations[0].message}); run \`npm run build\` to see them all, fix them, then flash again`,
    );
  if (fw.overBudget)
    throw new FlashError(`the firmware bundle is ${fw.bytes} bytes, over its ${fw.budget}-byte flash budget; make it smaller (see \`npm run build\`) before flashing`);
  return { code: fw.code, version };
}

/** Turns what espruino-tools did into one sentence with the fix, or returns when the upload completed. */
function check(run: EspruinoRun, target: FlashTarget, timeoutMs: number): void {
  const where = describeTarget(target);
  const device = run.deviceLines.join("\n");
  const all = `${run.stdout}\n${run.stderr}`;
  if (device.includes(LOCKED_MARK))
    throw new FlashError(
      `the massager's console is locked, so espruino-tools cannot install firmware on ${where}; hold its button for 5 seconds (it buzzes once) to open the console for a minute, then run \`massager flash\` again`,
    );
  if (run.timedOut)
    throw new FlashError(`espruino-tools did not finish flashing ${where} within ${Math.round(timeoutMs / 1000)} s; keep the board close, make sure no other app is connected to it, and try again`);
  if (!run.connected) {
    if (target.kind === "tcp")
      throw new FlashError(`nothing answers on ${where}; start the virtual massager with \`massager sim\` (it prints its console port) and flash again`);
    if (/Port named .* not found|No Ports Found|not found/i.test(all))
      throw new FlashError(
        `espruino-tools found no Bluetooth device ${where}; wake the board, check that nothing else is connected to it and that this computer has a Bluetooth adapter, then try again (or use --device sim)`,
      );
    throw new FlashError(`espruino-tools could not connect to ${where} (${lastLine(run.stderr || run.stdout)}); check the board is on and in range, then try again`);
  }
  const uncaught = run.deviceLines.find((l) => /Uncaught|ERROR/.test(l));
  if (uncaught)
    throw new FlashError(`${where} reported "${uncaught.trim()}" while installing; the new firmware may be incomplete, so run \`massager flash\` again`);
  if (!run.uploadComplete)
    throw new FlashError(`the connection to ${where} ended before the upload completed (espruino-tools exit code ${run.exitCode}); run \`massager flash\` again`);
}

/** A TCP "console" that answers every line with a prompt and records what it receives. */
async function recordingConsole(): Promise<{ port: number; text(): string; close(): Promise<void> }> {
  let text = "";
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    s.on("error", () => undefined);
    s.on("data", (d: Buffer) => {
      const chunk = d.toString("latin1");
      text += chunk;
      if (chunk.includes("\n")) s.write("\r\n>");
    });
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const a = server.address();
      resolve(typeof a === "object" && a ? a.port : 0);
    });
  });
  return {
    port,
    text: () => text,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function lastLine(s: string): string {
  const lines = s.split("\n").map((l) => l.trim()).filter(Boolean);
  return lines[lines.length - 1] ?? "no output";
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
