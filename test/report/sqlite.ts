/*
 * Until companion/history/db.ts lands: the history schema from the design and a plain insert, so the
 * report tests read rows back out of a real SQLite file.
 */
import Database from "better-sqlite3";
import { SessionRow, SESSION_COLUMNS } from "../../companion/report/rows";

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS devices (id TEXT PRIMARY KEY, name TEXT, board TEXT, firmware TEXT, first_seen INTEGER, last_sync INTEGER);
CREATE TABLE IF NOT EXISTS sessions (device_id TEXT, seq INTEGER, start_unix INTEGER, time_source TEXT, program INTEGER,
  program_name TEXT, planned_s INTEGER, actual_s INTEGER, front_s INTEGER, crown_s INTEGER, back_s INTEGER, end_reason TEXT,
  battery INTEGER NULL, raw BLOB, synced_at INTEGER, PRIMARY KEY (device_id, seq));`;

export function writeHistory(path: string, rows: SessionRow[]): void {
  const db = new Database(path);
  db.exec(SCHEMA);
  const insert = db.prepare(
    `INSERT INTO sessions (${SESSION_COLUMNS}, raw, synced_at) VALUES (@device_id, @seq, @start_unix, @time_source, @program,
     @program_name, @planned_s, @actual_s, @front_s, @crown_s, @back_s, @end_reason, @battery, NULL, 0)`,
  );
  db.transaction(() => rows.forEach((r) => insert.run(r)))();
  db.close();
}

export function readHistory(path: string): SessionRow[] {
  const db = new Database(path, { readonly: true });
  const rows = db.prepare(`SELECT ${SESSION_COLUMNS} FROM sessions ORDER BY start_unix, device_id, seq`).all() as SessionRow[];
  db.close();
  return rows;
}
