import type { SessionRow } from "../history/store";
import { ExportRecord, toRecord } from "./columns";

/*
 * JSON export: an array of records, one per session, keys in the column order of columns.ts
 * (battery is null when unknown). Two-space indented, with a final newline.
 */
export function toJsonRecords(rows: SessionRow[]): ExportRecord[] {
  return rows.map(toRecord);
}

export function toJson(rows: SessionRow[]): string {
  return JSON.stringify(toJsonRecords(rows), null, 2) + "\n";
}
