import { existsSync } from "node:fs";
import { MOTOR_DUTY_MAX } from "../../../shared/limits";
import { resolveBoard } from "../../flash/boards";
import { firmwarePath, readFirmwareBundle } from "../../flash/project";
import { simLockPath } from "../../sim/link/lock";
import type { PressKind } from "../../sim/link/remote-backend";
import { DEFAULT_CONSOLE_PORT, SimServer } from "../../sim/service/server";
import type { ParsedOptions } from "../commands";
import type { Context } from "../context";
import { UsageError } from "../../errors";

/**
 * `massager sim`: runs the virtual massager until q (or Ctrl-C, or SIGTERM). Keys press its button;
 * other commands reach it with `--device sim`; espruino-tools reaches its console over TCP.
 * Without a terminal, stdin takes the same keys one per line ("space"/"short", "l", "d", "c", "q"),
 * so a script can drive it too.
 */
export interface SimData {
  board: string;
  data_dir: string;
  flash_file: string;
  console_port: number;
  port: number;
  speed: number;
  virtual_seconds: number;
  boots: number;
}

const KEYS: Record<string, PressKind | "quit" | "weaker" | "fresher"> = {
  " ": "short",
  s: "short",
  short: "short",
  space: "short",
  l: "long",
  long: "long",
  d: "double",
  double: "double",
  c: "hold",
  hold: "hold",
  b: "weaker",
  B: "fresher",
  q: "quit",
  quit: "quit",
  "\x03": "quit",
  "\x04": "quit",
};

const WHAT: Record<PressKind, string> = {
  short: "short press (start / pause / resume)",
  long: "long press (stop)",
  double: "double press (next program when idle; a session ignores it)",
  hold: "5-second hold (opens the console for a minute when it is locked)",
};

export async function run(o: ParsedOptions, ctx: Context): Promise<SimData> {
  const speed = (o.options.speed as number | undefined) ?? 1;
  const battery = o.options.battery as number | undefined;
  if (battery !== undefined && !(battery >= 0 && battery <= 100)) throw new UsageError(`--battery ${battery}: give the cell's charge in percent, 0 to 100`);
  if (!(speed > 0) || speed > 1000) throw new UsageError(`--speed ${speed}: give a factor between 0.1 and 1000 (1 = real time); e.g. massager sim --speed 10`);
  const board = resolveBoard(o.options.board as string | undefined);
  const bundleFile = firmwarePath();
  const keep = o.options["keep-firmware"] === true;
  // a bundle in the saved flash may be booted instead, so a missing dist/ is only an error when it is needed
  const bundle = !existsSync(bundleFile) && !o.options.reinstall ? undefined : readFirmwareBundle();
  const out = ctx.io.stdout;
  const tty = !!out.isTTY && !ctx.json;
  let shown = false;
  const say = (line: string) => {
    if (ctx.json) return;
    if (shown) out.write("\r\x1b[2K");
    shown = false;
    out.write(`${line}\n`);
  };
  let started: SimServer | undefined;
  const server = (started = await SimServer.start({
    dataDir: ctx.dataDir,
    board: board.id,
    speed,
    port: o.options.port as number | undefined,
    consolePort: o.options["console-port"] as number | undefined,
    bundle,
    keepFirmware: keep,
    reinstall: o.options.reinstall === true,
    batteryPercent: battery,
    log: (line) => say(`  ${stamp(started?.device.clock.now() ?? 0)}  ${line}`),
  }));
  const d = server.device;
  const firmware = {
    installed: `the firmware bundle ${bundleFile}`,
    kept: "the firmware bundle in its flash",
    flashed: "the bundle flashed into it earlier (--reinstall boots dist/firmware.js instead)",
  }[server.firmware];
  say(`Virtual massager: ${board.name}, running ${firmware} at ${speed}× speed (boot ${d.bootCount}).`);
  say(`  its flash (log, programs, settings) is kept in ${server.flashFile}`);
  say(`  massager commands reach it with --device sim (control port ${server.port}, in ${simLockPath(ctx.dataDir)})`);
  const taken = o.options["console-port"] === undefined && server.consolePort !== DEFAULT_CONSOLE_PORT;
  say(`  Espruino console: tcp://127.0.0.1:${server.consolePort}${taken ? ` (port ${DEFAULT_CONSOLE_PORT} was taken)` : ""}` +
    ` — massager flash --device sim, or npx espruino -p tcp://127.0.0.1:${server.consolePort}`);
  say(tty ? "Keys: space short press · l long press (stop) · d double press (next program) · c hold 5 s (pairing and console window) · b / B battery −/+ 10 % · q quit"
    : "Commands on stdin, one per line: short, long, double, hold, battery N, quit (or their keys: space/s, l, d, c, b, B, q); SIGINT or SIGTERM stop it too.");

  const stdin = process.stdin;
  const cell = (percent: number) => {
    server.setBattery(Math.max(0, Math.min(100, percent)));
    say(`  ${stamp(d.clock.now())}  battery: the cell now holds ${Math.round(d.battery.percent)} %`);
  };
  const act = (key: string) => {
    const n = /^battery\s+([0-9.]+)$/.exec(key);
    if (n) return cell(Number(n[1]));
    const what = KEYS[key] ?? KEYS[key.toLowerCase()];
    if (!what) return;
    if (what === "quit") void server.close();
    else if (what === "weaker" || what === "fresher") cell(d.battery.percent + (what === "weaker" ? -10 : 10));
    else {
      say(`  ${stamp(d.clock.now())}  button: ${WHAT[what]}`);
      server.press(what);
    }
  };
  let rawWas: boolean | undefined;
  let lineBuf = "";
  const onData = (chunk: Buffer | string) => {
    const s = chunk.toString();
    if (tty && stdin.isTTY) {
      for (const ch of s) act(ch);
      return;
    }
    lineBuf += s;
    for (;;) {
      const nl = lineBuf.indexOf("\n");
      if (nl < 0) break;
      const line = lineBuf.slice(0, nl).replace(/\r$/, "");
      lineBuf = lineBuf.slice(nl + 1);
      act(line === " " ? " " : line.trim());
    }
  };
  // on a terminal, one line that shows the motor and the LED as they are now
  const meter = tty
    ? setInterval(() => {
        const level = d.motor / MOTOR_DUTY_MAX;
        const n = Math.round(Math.max(0, Math.min(1, level)) * 20);
        const led = d.led.length ? `  LED ${d.led[0] ? "●" : "○"}` : "";
        out.write(`\r\x1b[2K  ${stamp(d.clock.now())}  motor ${"█".repeat(n)}${"░".repeat(20 - n)} ${String(Math.round(level * 100)).padStart(3)}%${led}`);
        shown = true;
      }, 100)
    : undefined;
  const stop = () => void server.close();
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  if (stdin.isTTY && tty) {
    rawWas = stdin.isRaw;
    stdin.setRawMode(true);
  }
  stdin.on("data", onData);
  stdin.resume();
  try {
    await server.finished;
  } finally {
    if (meter) clearInterval(meter);
    if (shown) out.write("\r\x1b[2K");
    stdin.off("data", onData);
    if (rawWas !== undefined) stdin.setRawMode(rawWas);
    stdin.pause();
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
  return {
    board: board.id,
    data_dir: ctx.dataDir,
    flash_file: server.flashFile,
    console_port: server.consolePort,
    port: server.port,
    speed,
    virtual_seconds: Math.round(d.clock.now() / 1000),
    boots: d.bootCount,
  };
}

/** Virtual time as h:mm:ss. */
function stamp(ms: number): string {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h}:${String(m).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
}

export function text(d: SimData): string {
  return `Stopped the virtual massager after ${stamp(d.virtual_seconds * 1000)} of virtual time; its flash is saved in ${d.flash_file}.`;
}
