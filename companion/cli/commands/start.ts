import { SELECTED, State, Status } from "../../../shared/codes";
import type { SessionStatus } from "../../../shared/messages";
import { sleep } from "../../device/timeout";
import { DeviceStatusError, EXIT, LinkError, MassagerError, TimeoutError } from "../../errors";
import type { ProgramEntry } from "../../../shared/messages";
import type { ParsedOptions } from "../commands";
import type { Context, DeviceSession } from "../context";
import { clock, idLabel, resolveProgram, statusText, statusView } from "../format";
import { type SessionData, sessionData } from "../session";

/*
 * `massager start`: the session runs on the device, as one started with its button does (the
 * firmware keeps a session going when the link drops), so the command returns once the device has
 * confirmed it, and `status`, `pause`, `stop` work from any terminal. --follow stays connected and
 * shows the session live until it ends; Ctrl-C (exit 130) or a lost link (exit 3) end only the
 * following, never the session.
 */
export type StartData = SessionData & {
  resumed: boolean;
  followed: boolean;
  /** Following ended at Ctrl-C; the session goes on. */
  interrupted: boolean;
};

/** How often --follow reads the state besides the device's events (they may be lost on a weak link). */
const POLL_MS = 1000;
const ENDED = ["finished", "stopped", "idle"];

export async function run(o: ParsedOptions, ctx: Context): Promise<StartData> {
  const s = await ctx.connect({ lasting: true });
  const list = await s.client.programs();
  const before = await s.client.status();
  const resume = o.args.id === undefined && before.state === State.Paused;
  try {
    if (resume) await s.client.resume();
    else await s.client.start(o.args.id === undefined ? SELECTED : resolveProgram(o.args.id, list.entries));
  } catch (err) {
    if (err instanceof DeviceStatusError && err.status === Status.Busy)
      throw new MassagerError(`a session is already on: ${statusText(statusView(before, list.entries))}; \`massager stop\` ends it`);
    throw err;
  }
  const started = await sessionData(s);
  const data: StartData = { ...started, resumed: resume, followed: false, interrupted: false };
  if (o.options.follow !== true) return data;
  if (!ctx.json) ctx.io.stdout.write(startedLine(data) + "\n");
  return { ...(await follow(s, ctx, data, list.entries)), followed: true };
}

/**
 * Shows the session until it ends: a line at each change of state or step, a bar on a terminal.
 * Resolves with its last state; Ctrl-C resolves with `interrupted`; a lost link is a LinkError.
 */
async function follow(s: DeviceSession, ctx: Context, data: StartData, entries: ProgramEntry[]): Promise<StartData> {
  const bar = ctx.progress("session");
  let last: SessionStatus | null = null;
  let shown = "";
  const show = (st: SessionStatus) => {
    last = st;
    bar.update(st.elapsed, st.planned, "s");
    const v = statusView(st);
    const line = `${v.state} ${v.step}`;
    if (line === shown || ctx.json) return;
    shown = line;
    bar.clear();
    ctx.io.stdout.write(`  ${clock(v.elapsed_s)}  ${v.state}${ENDED.includes(v.state) ? "" : `, step ${v.step + 1}, ${v.region}`}\n`);
  };
  let interrupted = false;
  let dropped = false;
  const onSigint = () => (interrupted = true);
  const offEvents = s.client.onStatus(show);
  const offDrop = s.link.onDrop(() => (dropped = true));
  process.on("SIGINT", onSigint);
  try {
    for (;;) {
      if (interrupted) return { ...data, ...(last ? statusView(last, entries) : {}), interrupted: true };
      if (dropped) throw lost(s);
      let st: SessionStatus;
      try {
        st = await s.client.status();
      } catch (err) {
        if (err instanceof LinkError || err instanceof TimeoutError || !s.link.isConnected) throw lost(s);
        throw err;
      }
      show(st);
      if (ENDED.includes(statusView(st).state)) return { ...(await sessionData(s)), resumed: data.resumed, followed: true, interrupted: false };
      for (let t = 0; t < POLL_MS && !interrupted && !dropped; t += 50) await sleep(50);
    }
  } finally {
    process.removeListener("SIGINT", onSigint);
    offEvents();
    offDrop();
    bar.done();
  }
}

function lost(s: DeviceSession): LinkError {
  return new LinkError(
    `the Bluetooth link to ${s.name} was lost while following the session; the session goes on on the device (its button or \`massager stop\` ends it, \`massager status\` shows it)`,
  );
}

/** The one line `start` prints: what runs, for how long, and what ends it. */
function startedLine(d: StartData): string {
  const what = `"${d.program_name}" (${idLabel(d.program)})`;
  const runs = d.resumed ? `${what} goes on at ${clock(d.elapsed_s)} of ${clock(d.planned_s)}` : `${what} runs for ${clock(d.planned_s)}`;
  return `${d.device_name}: ${runs} on the device; its button pauses it (a long press stops it), and so do \`massager pause\` and \`massager stop\``;
}

export function text(d: StartData): string {
  if (!d.followed) return startedLine(d);
  if (d.interrupted) return `stopped following at Ctrl-C; the session goes on on the device (${statusText(d)}); \`massager stop\` ends it`;
  return `${d.device_name}: ${statusText(d)}`;
}

export function exitCode(d: StartData): number {
  return d.interrupted ? 130 : EXIT.ok;
}
