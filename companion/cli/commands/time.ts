import type { ParsedOptions } from "../commands";
import type { Context } from "../context";
import { isoTime } from "../format";

export interface TimeData {
  device: string;
  set_to: number;
  set_to_iso: string;
  uptime_s: number;
  boot: number;
  booted_at_iso: string;
}

export async function run(_o: ParsedOptions, ctx: Context): Promise<TimeData> {
  const s = await ctx.connect();
  const now = ctx.now();
  const r = await s.client.setTime(now);
  return { device: s.name, set_to: now, set_to_iso: isoTime(now), uptime_s: r.uptime, boot: r.boot, booted_at_iso: isoTime(now - r.uptime) };
}

export function text(d: TimeData): string {
  return `${d.device}: clock set to ${d.set_to_iso} (up since ${d.booted_at_iso}, boot ${d.boot})`;
}
