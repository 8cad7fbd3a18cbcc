import type { SessionRow } from "../history/store";

/**
 * Each session once. Within one log a record's number names it; across a device's logs (a log that
 * started over, or records stored before logs had ids that a sync could not place in a log) the same
 * session can only be the same record bytes under another number, so a row whose record (all but
 * its seq and check byte) an earlier row of the same device under another log already holds is left
 * out. Rows keep their order. (No Node APIs: the browser page runs it too.)
 */
export function oneEach(rows: SessionRow[]): SessionRow[] {
  const seen = new Map<string, number>();
  return rows.filter((r) => {
    if (!r.raw || r.raw.length < 20) return true;
    const key = `${r.device_id} ${r.raw.subarray(4, 19).join(",")}`;
    const log = seen.get(key);
    if (log === undefined) {
      seen.set(key, r.log_id);
      return true;
    }
    return log === r.log_id;
  });
}
