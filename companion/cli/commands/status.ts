import type { ParsedOptions } from "../commands";
import type { Context } from "../context";
import { statusText } from "../format";
import { type SessionData, sessionData } from "../session";

export async function run(_o: ParsedOptions, ctx: Context): Promise<SessionData> {
  return sessionData(await ctx.connect({ lasting: true }));
}

export function text(d: SessionData): string {
  return `${d.device_name}: ${statusText(d)}`;
}
