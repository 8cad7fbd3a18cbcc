import { State } from "../../../shared/codes";
import { MassagerError } from "../../errors";
import type { ParsedOptions } from "../commands";
import type { Context } from "../context";
import { type StatusView, statusText, statusView } from "../format";

export type StopData = StatusView & { device: string };

export async function run(_o: ParsedOptions, ctx: Context): Promise<StopData> {
  const s = await ctx.connect();
  const before = await s.client.status();
  if (before.state !== State.Running && before.state !== State.Paused) throw new MassagerError("nothing to stop: no session is running or paused");
  await s.client.stop();
  const list = await s.client.programs();
  return { ...statusView(await s.client.status(), list.entries), device: s.name };
}

export function text(d: StopData): string {
  return `${d.device}: ${statusText(d)}`;
}
