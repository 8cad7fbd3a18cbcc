import { Status } from "../../shared/codes";
import { DeviceStatusError, MassagerError } from "../errors";
import type { CommandModule, ParsedOptions } from "./commands";
import type { Context, DeviceSession } from "./context";
import { type StatusView, statusText, statusView } from "./format";

/*
 * What the session commands (start, pause, resume, stop, status) share: the session's state as data,
 * and pause / resume / stop, whose WrongState answer becomes a sentence about this command. A
 * request for the state the session is already in (pause a paused one) is no failure: it says so.
 */
export type SessionData = StatusView & { device: string; device_name: string };
/** pause, resume, stop: `already` when the session was in that state before the command. */
export type ControlData = SessionData & { already: boolean };

/** The device's STATUS with the program names, as every session command returns it. */
export async function sessionData(s: DeviceSession): Promise<SessionData> {
  const list = await s.client.programs();
  return { ...statusView(await s.client.status(), list.entries), device: s.id, device_name: s.name };
}

type Control = "pause" | "resume" | "stop";

/** For each control: the state that means it is already done, and the sentence when there is no session for it. */
const WRONG: Record<Control, { done: string | null; none: string }> = {
  pause: { done: "paused", none: "no session is running, so there is nothing to pause; `massager start` starts one" },
  resume: { done: "running", none: "no session is paused, so there is nothing to resume; `massager start` starts one" },
  stop: { done: null, none: "no session is running or paused, so there is nothing to stop" },
};

export async function control(ctx: Context, what: Control): Promise<ControlData> {
  const s = await ctx.connect({ lasting: true });
  try {
    await s.client[what]();
  } catch (err) {
    if (!(err instanceof DeviceStatusError && err.status === Status.WrongState)) throw err;
    const now = await sessionData(s);
    if (now.state === WRONG[what].done) return { ...now, already: true };
    throw new MassagerError(WRONG[what].none);
  }
  return { ...(await sessionData(s)), already: false };
}

/** "the session is already paused; " and the like, or "". */
export function alreadyText(d: ControlData): string {
  return d.already ? `the session is already ${d.state}; ` : "";
}

/** The command module of pause, resume or stop (each is this with its own request). */
export function controlCommand(what: Control): CommandModule {
  return {
    run: (_o: ParsedOptions, ctx: Context) => control(ctx, what),
    text: (d: ControlData) => `${d.device_name}: ${alreadyText(d)}${statusText(d)}`,
  };
}
