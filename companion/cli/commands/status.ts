import type { ParsedOptions } from "../commands";
import type { Context } from "../context";
import { type StatusView, statusText, statusView } from "../format";

export type StatusData = StatusView & { device: string };

export async function run(_o: ParsedOptions, ctx: Context): Promise<StatusData> {
  const s = await ctx.connect();
  const list = await s.client.programs();
  return { ...statusView(await s.client.status(), list.entries), device: s.name };
}

export function text(d: StatusData): string {
  return `${d.device}: ${statusText(d)}`;
}
