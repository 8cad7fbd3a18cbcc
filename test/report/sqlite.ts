/* Writes a history through the companion's own history API (companion/history/db.ts). */
import { openHistory } from "../../companion/history/db";
import type { SessionRow } from "../../companion/history/store";
import { encodeRecord, RECORD_BYTES, END_NAMES } from "../../shared/index";

export function writeHistory(path: string, rows: SessionRow[]): void {
  const history = openHistory(path);
  try {
    const byDevice = new Map<string, SessionRow[]>();
    for (const r of rows) byDevice.set(r.device_id, [...(byDevice.get(r.device_id) ?? []), r]);
    for (const [device, list] of byDevice) {
      history.insertRecords(
        device,
        list[0].log_id ?? 1,
        list.map(({ device_id: _d, log_id: _l, ...r }) => {
          const raw = new Uint8Array(RECORD_BYTES);
          encodeRecord(
            { seq: r.seq, start: r.start_unix, planned: r.planned_s, regions: [r.front_s, r.crown_s, r.back_s], program: r.program,
              end: END_NAMES.indexOf(r.end_reason), uptime: false, boot: 0, battery: r.battery ?? 255 },
            raw, 0,
          );
          return { ...r, raw };
        }),
        { device: { id: device, name: "Massager-" + device.slice(-2) }, now: 1_800_000_000 },
      );
    }
  } finally {
    history.close();
  }
}

export function readHistory(path: string): SessionRow[] {
  const history = openHistory(path, { readonly: true });
  try {
    return history.sessions();
  } finally {
    history.close();
  }
}
