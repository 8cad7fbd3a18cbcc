import { State } from "../../../shared/codes";
import { MassagerError } from "../../errors";
import type { ParsedOptions } from "../commands";
import type { Context } from "../context";
import { type StatusView, statusText, statusView } from "../format";

export type ResumeData = StatusView & { device: string };

export async function run(_o: ParsedOptions, ctx: Context): Promise<ResumeData> {
  const s = await ctx.connect();
  const before = await s.client.status();
  if (before.state !== State.Paused) throw new MassagerError("nothing to resume: no session is paused; start one with `massager start`");
  await s.client.resume();
  const list = await s.client.programs();
  return { ...statusView(await s.client.status(), list.entries), device: s.name };
}

export function text(d: ResumeData): string {
  return `${d.device}: ${statusText(d)}`;
}
