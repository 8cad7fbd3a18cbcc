import { sync } from "../../device/sync";
import type { ParsedOptions } from "../commands";
import type { Context } from "../context";
import { plural } from "../../words";

/** device/sync.ts SyncSummary as --json prints it (docs/JSON.md): snake_case, the log's id in hex, and where the history is. */
export type SyncData = Record<
  "received" | "stored" | "duplicates" | "acked" | "held" | "retries" | "gaps" | "adopted" | "ended_for_battery" | "unlogged" | "boot_unix" | "clock_set_to",
  number
> & { device: string; device_name: string; history: string; log_id: string };

export async function run(_o: ParsedOptions, ctx: Context): Promise<SyncData> {
  const history = ctx.history(); // a damaged history stops the sync before the device is touched
  const s = await ctx.connect();
  const bar = ctx.progress("sync");
  try {
    const r = await sync(s.client, history, {
      deviceId: s.id,
      now: () => ctx.now(),
      onProgress: (p) => bar.update(p.received, p.total, "records"),
    });
    return {
      device: r.device, device_name: s.name, history: history.path, log_id: (r.logId >>> 0).toString(16).padStart(8, "0"),
      received: r.received, stored: r.stored, duplicates: r.duplicates, acked: r.acked, held: r.held, retries: r.retries, gaps: r.gaps,
      adopted: r.adopted, ended_for_battery: r.endedForBattery, unlogged: r.unlogged, boot_unix: r.bootUnix, clock_set_to: r.clockSetTo,
    };
  } finally {
    bar.done();
  }
}

export function text(d: SyncData): string {
  const lines = [
    `${d.device_name}: ${plural(d.stored, "new session")} stored` +
      (d.duplicates ? ` (${d.duplicates} already in the history)` : "") +
      (d.acked ? `; acknowledged up to #${d.acked}, the device holds ${d.held}` : ""),
  ];
  if (d.gaps || d.retries) lines.push(`link: ${plural(d.gaps, "read")} with gaps asked again, ${plural(d.retries, "retry", "retries")}`);
  if (d.adopted) lines.push(`${plural(d.adopted, "session")} stored by an older companion now belong to the device's log ${d.log_id}`);
  if (d.ended_for_battery) lines.push(`${plural(d.ended_for_battery, "session")} ended early because the battery ran low; charge the massager`);
  if (d.unlogged) lines.push(`the device could not log ${plural(d.unlogged, "session")} (its flash was full); sync more often to keep every session`);
  return lines.join("\n");
}
