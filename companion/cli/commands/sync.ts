import { sync, type SyncSummary } from "../../device/sync";
import type { ParsedOptions } from "../commands";
import type { Context } from "../context";

export type SyncData = SyncSummary & { name: string; history: string };

export async function run(_o: ParsedOptions, ctx: Context): Promise<SyncData> {
  const history = ctx.history(); // a damaged history stops the sync before the device is touched
  const s = await ctx.connect();
  const bar = ctx.progress("sync");
  try {
    const summary = await sync(s.client, history, {
      deviceId: s.id,
      now: () => ctx.now(),
      onProgress: (p) => bar.update(p.received, p.total, "records"),
    });
    return { ...summary, name: s.name, history: history.path };
  } finally {
    bar.done();
  }
}

export function text(d: SyncData): string {
  const n = (k: number, one: string, many = one + "s") => `${k} ${k === 1 ? one : many}`;
  const lines = [
    `${d.name}: ${n(d.stored, "new session")} stored` +
      (d.duplicates ? ` (${d.duplicates} already in the history)` : "") +
      (d.acked ? `; acknowledged up to #${d.acked}, the device holds ${d.held}` : ""),
  ];
  if (d.gaps || d.retries) lines.push(`link: ${n(d.gaps, "read")} with gaps asked again, ${n(d.retries, "retry", "retries")}`);
  if (d.adopted) lines.push(`${n(d.adopted, "session")} stored by an older companion now belong to the device's log ${d.logId.toString(16)}`);
  if (d.endedForBattery) lines.push(`${n(d.endedForBattery, "session")} ended early because the battery ran low; charge the massager`);
  if (d.unlogged) lines.push(`the device could not log ${n(d.unlogged, "session")} (its flash was full); sync more often to keep every session`);
  return lines.join("\n");
}
