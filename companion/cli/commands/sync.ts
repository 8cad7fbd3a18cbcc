import { sync } from "../../device/sync";
import type { ParsedOptions } from "../commands";
import type { Context } from "../context";
import { plural } from "../../words";

export interface SyncData {
  device: string;
  device_name: string;
  /** The history file the sessions went into. */
  history: string;
  /** The device's log the records came from, 8 hex digits. */
  log_id: string;
  /** Distinct records received; of those newly stored, and already in the history. */
  received: number;
  stored: number;
  duplicates: number;
  /** Sequence number acknowledged to the device (0: nothing), and the records it still holds. */
  acked: number;
  held: number;
  /** Requests resent (and reconnects); reads that came back with gaps and were read again. */
  retries: number;
  gaps: number;
  /** Records stored by an older companion that this sync found to belong to the device's log. */
  adopted: number;
  /** Sessions among those received that ended because the battery ran low. */
  ended_for_battery: number;
  /** Sessions the device could not log (its flash was full). */
  unlogged: number;
  /** Unix time of the device's current boot, and the time its clock was set to. */
  boot_unix: number;
  clock_set_to: number;
}

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
