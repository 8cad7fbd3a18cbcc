import { State } from "../../../shared/codes";
import { MassagerError } from "../../errors";
import type { ParsedOptions } from "../commands";
import type { Context } from "../context";
import { type StatusView, statusText, statusView } from "../format";

export type PauseData = StatusView & { device: string };

export async function run(_o: ParsedOptions, ctx: Context): Promise<PauseData> {
  const s = await ctx.connect();
  const before = await s.client.status();
  if (before.state !== State.Running) throw new MassagerError("nothing to pause: no session is running; start one with `massager start`");
  await s.client.pause();
  const list = await s.client.programs();
  return { ...statusView(await s.client.status(), list.entries), device: s.name };
}

export function text(d: PauseData): string {
  return `${d.device}: ${statusText(d)}`;
}
