import type { ParsedOptions } from "../commands";
import type { Context } from "../context";
import { isoTime } from "../format";

export interface TimeData {
  device: string;
  device_name: string;
  set_to: number;
  set_to_iso: string;
  uptime_s: number;
  /** The first sequence number this boot gave a record (TIME_SET's bootSeq). */
  boot_first_seq: number;
  booted_at_iso: string;
}

export async function run(_o: ParsedOptions, ctx: Context): Promise<TimeData> {
  const s = await ctx.connect({ setClock: false, lasting: true });
  const now = ctx.now();
  const r = await s.client.setTime(now);
  return { device: s.id, device_name: s.name, set_to: now, set_to_iso: isoTime(now), uptime_s: r.uptime, boot_first_seq: r.bootSeq, booted_at_iso: isoTime(now - r.uptime) };
}

export function text(d: TimeData): string {
  return `${d.device_name}: clock set to ${d.set_to_iso} (up since ${d.booted_at_iso})`;
}
