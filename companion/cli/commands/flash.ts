import { crc32 } from "../../../shared/crc";
import { resolveBoard } from "../../flash/boards";
import { type FlashTarget, describeTarget, isBluetoothAddress, parsePort } from "../../flash/espruino-tools";
import { FlashError, flashFirmware } from "../../flash/flash";
import { type SimLock, runningSim } from "../../sim/link/lock";
import { RemoteSimBackend, type SimStatus } from "../../sim/link/remote-backend";
import type { ParsedOptions } from "../commands";
import type { Context } from "../context";
import { UsageError } from "../../errors";
import { resolve } from "node:path";

/**
 * `massager flash`: build the firmware for the board and install it with espruino-tools (see
 * flash/flash.ts). `--device sim` flashes the running `massager sim` through its Espruino console
 * over TCP, then checks that the virtual device rebooted into exactly the bytes that were sent.
 */
export interface FlashData {
  target: string;
  board: string;
  firmware_version: string | null;
  bytes: number;
  chunks: number;
  seconds: number;
  dry_run: boolean;
  command: string;
  /** With --dry-run: how many bytes espruino-tools would send, and (with --out) the file holding them. */
  upload_bytes?: number;
  upload_script?: string;
  /** With --out: the folder holding the bundle, the board file and (dry run) the upload script. */
  out?: string;
  device_output: string[];
  /** For the virtual device: it runs the new bundle (its `.bootcde` CRC matches and it rebooted). */
  verified: boolean | null;
  boot?: number;
}

export async function run(o: ParsedOptions, ctx: Context): Promise<FlashData> {
  const dryRun = o.options["dry-run"] === true;
  const port = o.options.port as string | undefined;
  const device = ctx.device?.trim();
  if (port !== undefined && device) throw new UsageError("give either --device or -p, not both; e.g. massager flash --device sim");
  let target: FlashTarget | undefined;
  let sim: SimLock | null = null;
  if (port !== undefined) {
    if (!port.trim()) throw new UsageError("-p needs a port, e.g. -p tcp://127.0.0.1:2323");
    target = parsePort(port);
  } else if (device === "sim") {
    sim = runningSim(ctx.dataDir);
    if (!sim && !dryRun)
      throw new FlashError(`no virtual massager is running for ${ctx.dataDir}; start it with \`massager sim\` in another terminal, then run \`massager flash --device sim\` again`);
    if (sim) target = { kind: "tcp", host: sim.host || "127.0.0.1", port: sim.consolePort };
  } else if (device) {
    target = isBluetoothAddress(device) ? { kind: "ble", address: device } : { kind: "ble", name: device };
  } else if (!dryRun) {
    throw new UsageError("say which massager to flash: --device NAME|ADDRESS|sim, or -p tcp://HOST:PORT; e.g. massager flash --device sim");
  }
  const board = resolveBoard(o.options.board as string | undefined, sim?.board ?? "MDBT42Q");
  if (sim && board.id !== sim.board)
    throw new UsageError(`the virtual massager is a ${sim.board}; flash it with --board ${sim.board} (or restart it with \`massager sim --board ${board.id}\`)`);

  const before = sim && !dryRun ? await simStatus(sim) : undefined;
  const bar = ctx.progress("flash");
  const stage = (line: string) => {
    if (!ctx.json) ctx.io.stderr.write(`${line}\n`);
  };
  let r;
  try {
    r = await flashFirmware({
      target,
      board,
      version: ctx.env.MASSAGER_FW_VERSION,
      bundleFile: o.options.bundle as string | undefined,
      dryRun,
      outDir: o.options.out === undefined ? undefined : resolve(String(o.options.out)),
      onStage: stage,
      onProgress: (sent, total) => bar.update(sent, total, "bytes"),
    });
  } finally {
    bar.done();
  }

  let verified: boolean | null = null;
  let boot: number | undefined;
  if (sim && before) {
    const after = await simStatus(sim);
    const bytes = Buffer.from(r.flashed, "latin1");
    verified = after.firmwareCrc === crc32(bytes, 0, bytes.length, 0) && after.bootCount > before.bootCount && after.state === "running";
    boot = after.bootCount;
    if (!verified)
      throw new FlashError(
        `espruino-tools finished, but the virtual massager does not run the new bundle (state ${after.state}, boot ${after.bootCount}${after.errors.length ? `, last error: ${after.errors[after.errors.length - 1]}` : ""}); run \`massager flash --device sim\` again`,
      );
  }
  return {
    target: sim ? `${describeTarget(target!)} (the virtual massager)` : r.target,
    board: board.id,
    firmware_version: r.version,
    bytes: r.bytes,
    chunks: r.chunks,
    seconds: Math.round(r.seconds * 10) / 10,
    dry_run: r.dryRun,
    command: r.command,
    ...(r.uploadBytes !== undefined ? { upload_bytes: r.uploadBytes } : {}),
    ...(r.uploadScript ? { upload_script: r.uploadScript } : {}),
    ...(o.options.out !== undefined ? { out: resolve(String(o.options.out)) } : {}),
    device_output: r.deviceOutput,
    verified,
    ...(boot !== undefined ? { boot } : {}),
  };
}

async function simStatus(lock: SimLock): Promise<SimStatus> {
  let b: RemoteSimBackend | undefined;
  try {
    b = await RemoteSimBackend.connect(lock.port, { host: lock.host });
    return await b.status();
  } catch (err) {
    throw new FlashError(`the virtual massager (process ${lock.pid}) does not answer on port ${lock.port} (${(err as Error).message}); restart \`massager sim\` and flash again`);
  } finally {
    await b?.close();
  }
}

export function text(d: FlashData): string {
  const fw = `firmware${d.firmware_version ? ` ${d.firmware_version}` : ""} for ${d.board} (${d.bytes} bytes, ${d.chunks} Storage.write chunk${d.chunks === 1 ? "" : "s"})`;
  if (d.dry_run)
    return [
      `Dry run: built ${fw}; nothing was sent.`,
      d.upload_script
        ? `What espruino-tools would type into the console (${d.upload_bytes} bytes): ${d.upload_script}`
        : `espruino-tools would type ${d.upload_bytes} bytes into the console; --out DIR keeps them, the bundle and the board file.`,
      `To flash, massager runs${d.out ? "" : " (in a folder of its own, removed afterwards)"}:`,
      `  ${d.command}`,
    ]
      .filter(Boolean)
      .join("\n");
  const lines = [`Installed ${fw} into .bootcde on ${d.target} in ${d.seconds} s.`];
  if (d.verified) lines.push(`The virtual massager rebooted into it (boot ${d.boot}); check with \`massager info --device sim\`.`);
  else lines.push("The board rebooted into it; check with `massager info`.");
  if (d.device_output.length) lines.push("The board printed:", ...d.device_output.map((l) => `  ${l}`));
  return lines.join("\n");
}
