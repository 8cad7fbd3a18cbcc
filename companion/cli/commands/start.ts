import { SELECTED, State } from "../../../shared/codes";
import type { SessionStatus } from "../../../shared/messages";
import { sleep } from "../../device/timeout";
import type { ParsedOptions } from "../commands";
import type { Context } from "../context";
import { type StatusView, resolveProgram, statusText, statusView } from "../format";

/*
 * A session started over Bluetooth stops when the link is lost (a safety rule of the device), so
 * `massager start` stays connected and follows the session until it ends; Ctrl-C stops it.
 */
export type StartData = StatusView & { device: string; resumed: boolean; interrupted: boolean };

export async function run(o: ParsedOptions, ctx: Context): Promise<StartData> {
  const s = await ctx.connect();
  const list = await s.client.programs();
  const before = await s.client.status();
  let resumed = false;
  if (o.args.id === undefined && before.state === State.Paused) {
    await s.client.resume();
    resumed = true;
  } else {
    await s.client.start(o.args.id === undefined ? SELECTED : resolveProgram(o.args.id, list.entries));
  }
  const bar = ctx.progress("session");
  let last: SessionStatus = await s.client.status();
  const off = s.client.onStatus((ev) => {
    last = ev;
    bar.update(ev.elapsed, ev.planned, "s");
  });
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
  };
  process.once("SIGINT", onSigint);
  const stopClock = s.backend?.realtime?.((o.options.speed as number | undefined) ?? 1);
  try {
    while (last.state === State.Running || last.state === State.Paused) {
      bar.update(last.elapsed, last.planned, "s");
      if (interrupted) {
        await s.client.stop();
      }
      await sleep(interrupted ? 50 : 500);
      last = await s.client.status();
    }
  } finally {
    stopClock?.();
    process.removeListener("SIGINT", onSigint);
    off();
    bar.done();
  }
  return { ...statusView(last, list.entries), device: s.name, resumed, interrupted };
}

export function text(d: StartData): string {
  return `${d.device}: ${d.interrupted ? "stopped at Ctrl-C; " : ""}${statusText(d)}`;
}
