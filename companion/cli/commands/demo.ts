import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MOTOR_DUTY_MAX } from "../../../shared/limits";
import { presetProgram } from "../../../shared/presets";
import { CUE_NONE, PATTERNS, type Program, REGIONS } from "../../../shared/program";
import { LocalSimBackend } from "../../sim/link/local-backend";
import { firmwarePath, projectRoot, readFirmwareBundle } from "../../flash/project";
import { VirtualDevice } from "../../sim/board/device";
import { type CommandModule, type ParsedOptions, findCommand } from "../commands";
import { Context } from "../context";
import { MassagerError, UsageError } from "../../errors";
import { readProgramFile } from "../program-file";

/**
 * `massager demo`: the three journeys the project is for, on the virtual device, in well under a minute.
 *  1. press the button: the built-in 4-minute preset runs on the device alone, its motor level and
 *     region cues shown live (virtual time × --speed);
 *  2. push examples/evening.json over Bluetooth (the `push` command, through noble's classes), and a
 *     button press runs it;
 *  3. sync into a history and print the report (the `sync` and `report` commands).
 * The device is the very firmware bundle that is flashed (dist/firmware.js) in the embedded virtual
 * device; the history lives in a temporary folder unless --data-dir says where.
 * The live view is lines (a cue line per region change, a motor bar every 20 s of session time),
 * so it reads the same in a log; on a terminal a bar also moves in place between them.
 */
export interface DemoData {
  seconds: number;
  speed: number;
  firmware: { file: string; bytes: number };
  sessions: { program: string; seconds: number; cues: number; peak_level_percent: number }[];
  pushed: { file: string; name: string; slot: number };
  synced: { stored: number; duplicates: number; acked: number };
  data_dir: string;
  kept_data: boolean;
}

const BAR_EVERY_MS = 20000;
const FRAME_MS = 100;

export async function run(o: ParsedOptions, ctx: Context): Promise<DemoData> {
  const started = Date.now();
  const speed = (o.options.speed as number | undefined) ?? 40;
  if (!(speed >= 0) || speed > 100000) throw new UsageError(`--speed ${speed}: give how many times faster than real time virtual time runs (0 = as fast as possible); e.g. massager demo --speed 40`);
  const live = new Live(ctx);
  const fwFile = firmwarePath();
  const bundle = readFirmwareBundle();
  const keep = typeof o.options["data-dir"] === "string"; // never the person's own history (MASSAGER_HOME)
  const dataDir = keep ? ctx.dataDir : mkdtempSync(join(tmpdir(), "massager-demo-"));
  const device = new VirtualDevice({ bundle, seed: 7, batteryVolts: 2.9 });
  device.advance(0);
  const backend = new LocalSimBackend(device);
  /** Runs one `massager` command module against the demo's device and history, like a separate invocation. */
  const command = async <T>(name: string, args: Record<string, string> = {}): Promise<{ data: T; text: string }> => {
    const device = findCommand(name)?.device ? "sim" : undefined; // the report covers the whole history
    // each command is one more client of the same device, which lives on between the commands
    const sub = new Context({ ...ctx.io, simBackend: async () => backend.share() }, { json: ctx.json, dataDir, device, command: name });
    try {
      const spec = findCommand(name);
      if (!spec) throw new Error(`the ${name} command is missing from this build`);
      const mod: CommandModule = await spec.load();
      const data = (await mod.run({ command: name, args, options: {}, help: false }, sub)) as T;
      return { data, text: mod.text(data, sub) };
    } finally {
      await sub.dispose();
    }
  };

  const kb = (statSync(fwFile).size / 1024).toFixed(1);
  live.line(`massager demo: the firmware bundle that is flashed to a board (dist/firmware.js, ${kb} KB) runs on a virtual ${device.board.id};`);
  live.line(`the companion reaches it through noble's own classes, as it reaches a board. Virtual time runs ${speed ? `${speed}×` : "as fast as it can"}.`);
  const sessions: DemoData["sessions"] = [];
  try {
    // 1 ---------------------------------------------------------------- the button
    const preset = presetProgram(0)!;
    live.gap();
    live.line(`1/3  Press the button: the device runs "${preset.name}" on its own (no phone, no laptop)`);
    sessions.push(await runSession(device, preset, live, speed));

    // 2 ---------------------------------------------------------------- a custom program
    const rel = join("examples", "evening.json");
    const file = join(projectRoot(), rel);
    const program = readProgramFile(file).program;
    live.gap();
    live.line(`2/3  Load your own program over Bluetooth: massager push ${rel}`);
    const pushed = await command<{ slot: number; name: string }>("push", { file });
    live.block(pushed.text);
    live.line(`     A short press now starts it:`);
    await backend.settle();
    sessions.push(await runSession(device, program, live, speed));

    // 3 ---------------------------------------------------------------- sync and report
    live.gap();
    live.line("3/3  Sync the sessions into the history and see the report: massager sync; massager report");
    await backend.settle();
    const synced = await command<{ stored: number; duplicates: number; acked: number }>("sync");
    live.block(synced.text);
    let report: string;
    try {
      report = (await command<unknown>("report")).text;
    } catch (err) {
      if (err instanceof MassagerError) throw err;
      report = `(the report is not available in this build: ${(err as Error).message.split("\n")[0]})`;
    }
    live.gap();
    live.block(report, "");
    const seconds = Math.round((Date.now() - started) / 100) / 10;
    live.gap();
    live.line(
      `Done in ${seconds} s. The same commands talk to a board: massager sync --device "Massager 1A2B"; ` +
        `\`massager sim\` keeps a virtual one running for --device sim.` +
        (keep ? ` The history is in ${dataDir}.` : ""),
    );
    return {
      seconds,
      speed,
      firmware: { file: fwFile, bytes: statSync(fwFile).size },
      sessions,
      pushed: { file: rel, name: pushed.data.name, slot: pushed.data.slot },
      synced: { stored: synced.data.stored, duplicates: synced.data.duplicates, acked: synced.data.acked },
      data_dir: dataDir,
      kept_data: keep,
    };
  } finally {
    await backend.close();
    live.end();
    if (!keep) rmSync(dataDir, { recursive: true, force: true });
  }
}

export function text(): string {
  return ""; // everything was shown as it happened
}

/**
 * Presses the button and runs virtual time until the session is over and the device idle again,
 * paced to `speed`× real time, showing a line per region cue (the LED lights with the cue pulses)
 * and the motor level every 20 s of session time.
 */
async function runSession(device: VirtualDevice, program: Program, live: Live, speed: number): Promise<DemoData["sessions"][number]> {
  const led = device.board.ledPins[0];
  const motorPin = device.board.motorPin;
  let ledSeen = led === undefined ? 0 : device.timeline(led).length;
  let motorSeen = device.timeline(motorPin).length;
  const cueSteps = program.steps.map((s, i) => ({ s, i })).filter((x) => x.s.cue !== CUE_NONE);
  const ends: number[] = [];
  program.steps.reduce((t, s) => (ends.push(t + s.duration * 1000), t + s.duration * 1000), 0);
  const stepAt = (ms: number) => Math.min(program.steps.length - 1, ends.findIndex((e) => ms < e) < 0 ? program.steps.length - 1 : ends.findIndex((e) => ms < e));
  const describe = (i: number) => `${REGIONS[program.steps[i].region] ?? "?"} · ${PATTERNS[program.steps[i].pattern] ?? "?"}`;
  const pressedAt = device.clock.now();
  live.line(`     ${clock(0)}  button pressed`);
  device.pressButton(100);
  let start: number | undefined;
  let cues = 0;
  let lastRise = -Infinity;
  let nextBar = BAR_EVERY_MS;
  let peak = 0;
  const realStart = Date.now();
  const limit = (program.steps.reduce((t, s) => t + s.duration, 0) + 30) * 1000;
  for (let frame = 0; ; frame++) {
    device.advance(FRAME_MS);
    const now = device.clock.now();
    const motor = device.timeline(motorPin);
    for (; motorSeen < motor.length; motorSeen++) {
      const smp = motor[motorSeen];
      if (start === undefined && smp.v > 0 && smp.t >= pressedAt) start = smp.t;
      peak = Math.max(peak, smp.v);
    }
    if (led !== undefined) {
      const tl = device.timeline(led);
      for (; ledSeen < tl.length; ledSeen++) {
        const smp = tl[ledSeen];
        if (smp.v > 0 && smp.t - lastRise > 1000 && start !== undefined) {
          const step = cueSteps[cues]?.i ?? stepAt(smp.t - start);
          live.line(`     ${clock(smp.t - start)}  ◆ cue: move to the ${REGIONS[program.steps[step].region] ?? "next region"} (${PATTERNS[program.steps[step].pattern]}) — the motor pulses, the LED lights`);
          cues++;
        }
        if (smp.v > 0) lastRise = smp.t;
      }
    }
    const level = device.motor / MOTOR_DUTY_MAX;
    if (start !== undefined) {
      const t = now - start;
      if (t >= nextBar && device.pendingTimers() > 0) {
        const w = window(motor, start + nextBar - BAR_EVERY_MS, start + nextBar);
        live.line(`     ${clock(nextBar)}  motor ${bar(w.avg)} ${pct(w.avg)} on average, peak ${pct(w.peak).trim()}  ${describe(stepAt(nextBar - 1))}`);
        nextBar += BAR_EVERY_MS;
      }
      live.transient(`     ${clock(t)}  motor ${bar(level)} ${pct(level)}  ${describe(stepAt(t))}`);
    }
    const idle = start !== undefined && device.pendingTimers() === 0 && device.motor === 0;
    if (idle || now - pressedAt > limit) {
      const secs = start === undefined ? 0 : Math.round((now - start) / 1000);
      live.line(
        idle
          ? `     ${clock(now - (start ?? now))}  finished: the motor is off and the session is in the device's log`
          : `     the session did not end within ${Math.round(limit / 1000)} s of virtual time (the device may be stuck)`,
      );
      if (!idle) throw new MassagerError("the virtual device did not finish its session; run `npm run build` and try the demo again");
      return { program: program.name, seconds: secs, cues, peak_level_percent: Math.round((peak / MOTOR_DUTY_MAX) * 100) };
    }
    // pace: virtual time runs `speed` times faster than the wall clock
    if (speed > 0) {
      const due = realStart + (now - pressedAt) / speed;
      const wait = due - Date.now();
      if (wait > 8) await sleep(wait);
    } else if (frame % 50 === 0) await new Promise((r) => setImmediate(r));
  }
}

/** Time-weighted average and peak motor level (0..1 of the cap) over [from, to) from the pin's timeline. */
function window(tl: { t: number; v: number }[], from: number, to: number): { avg: number; peak: number } {
  let i = tl.length - 1;
  while (i > 0 && tl[i].t > from) i--;
  let sum = 0;
  let peak = 0;
  for (; i < tl.length && tl[i].t < to; i++) {
    const a = Math.max(from, tl[i].t);
    const b = Math.min(to, i + 1 < tl.length ? tl[i + 1].t : to);
    if (b > a) {
      sum += tl[i].v * (b - a);
      peak = Math.max(peak, tl[i].v);
    }
  }
  return { avg: sum / (to - from) / MOTOR_DUTY_MAX, peak: peak / MOTOR_DUTY_MAX };
}

/** The demo's output: permanent lines, and on a terminal one line that moves in place. */
class Live {
  private readonly out: { write(s: string): unknown };
  private readonly on: boolean;
  private readonly tty: boolean;
  private shown = false;
  private lastDraw = 0;

  constructor(ctx: Context) {
    this.out = ctx.io.stdout;
    this.on = !ctx.json;
    this.tty = this.on && !!ctx.io.stdout.isTTY && ctx.env.TERM !== "dumb";
  }

  line(s: string): void {
    if (!this.on) return;
    this.clear();
    this.out.write(s + "\n");
  }

  block(s: string, indent = "     "): void {
    for (const l of s.replace(/\n+$/, "").split("\n")) this.line(indent + l);
  }

  gap(): void {
    this.line("");
  }

  transient(s: string): void {
    if (!this.tty) return;
    const now = Date.now();
    if (now - this.lastDraw < 50) return;
    this.lastDraw = now;
    this.out.write(`\r\x1b[2K${s}`);
    this.shown = true;
  }

  end(): void {
    this.clear();
  }

  private clear(): void {
    if (this.shown) this.out.write("\r\x1b[2K");
    this.shown = false;
  }
}

function bar(level: number, width = 20): string {
  const n = Math.max(0, Math.min(width, Math.round(level * width)));
  return "█".repeat(n) + "░".repeat(width - n);
}

function pct(level: number): string {
  return `${Math.round(level * 100)}%`.padStart(4);
}

function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
