import type { SessionRow } from "../history/store";

/*
 * The export's columns: stable names in a stable order, for spreadsheets and other tools. New columns
 * may be added at the end; none is renamed, reordered or dropped.
 *
 *   device        device id
 *   seq           the device's sequence number of the record (unique within its log)
 *   start         start time, ISO 8601 UTC, whole seconds (2026-11-20T07:31:00Z)
 *   start_unix    the same, unix seconds
 *   time_source   clock | uptime-corrected | estimated
 *   program       preset index 0..2, or 16 + slot for a custom program
 *   program_name  the program's name as synced
 *   planned_s     seconds the program planned
 *   actual_s      seconds running, pauses excluded (front_s + crown_s + back_s)
 *   front_s, crown_s, back_s   seconds per scalp region
 *   end_reason    finished | stopped | stopped-remote | link-lost | safety-limit | battery
 *   battery       percent at the end, empty (CSV) or null (JSON) when unknown
 *   log_id        the device's log the record came from, 8 hex digits (00000000: stored before logs
 *                 had ids); a log that started over has another id, and seq counts again from 1
 */
export const COLUMNS = [
  "device",
  "seq",
  "start",
  "start_unix",
  "time_source",
  "program",
  "program_name",
  "planned_s",
  "actual_s",
  "front_s",
  "crown_s",
  "back_s",
  "end_reason",
  "battery",
  "log_id",
] as const;

export type Column = (typeof COLUMNS)[number];
export type ExportRecord = { [K in Column]: K extends "battery" ? number | null : K extends "device" | "start" | "time_source" | "program_name" | "end_reason" | "log_id" ? string : number };

/** ISO 8601 UTC with whole seconds. */
function isoUtc(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** One row as an export record, keys in column order. */
export function toRecord(r: SessionRow): ExportRecord {
  return {
    device: r.device_id,
    seq: r.seq,
    start: isoUtc(r.start_unix),
    start_unix: r.start_unix,
    time_source: r.time_source,
    program: r.program,
    program_name: r.program_name ?? "",
    planned_s: r.planned_s,
    actual_s: r.actual_s,
    front_s: r.front_s,
    crown_s: r.crown_s,
    back_s: r.back_s,
    end_reason: r.end_reason,
    battery: r.battery ?? null,
    log_id: (r.log_id >>> 0).toString(16).padStart(8, "0"),
  };
}
