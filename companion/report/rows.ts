/**
 * One session as the history stores it (a row of the `sessions` table, column names as in SQLite).
 * The report and the exports read only these fields; `raw` and `synced_at` are not needed.
 */
export interface SessionRow {
  device_id: string;
  seq: number;
  /** UTC seconds */
  start_unix: number;
  /** 'clock' | 'uptime-corrected' | 'estimated' */
  time_source: string;
  /** preset index 0..2, or 0x10 + slot for a custom program */
  program: number;
  program_name: string | null;
  planned_s: number;
  /** seconds while running, pauses excluded (= front_s + crown_s + back_s) */
  actual_s: number;
  front_s: number;
  crown_s: number;
  back_s: number;
  /** 'finished' | 'stopped' | 'stopped-remote' | 'link-lost' | 'safety-limit' */
  end_reason: string;
  /** percent at the end of the session, null when unknown */
  battery: number | null;
}

/** The SQL that reads every row the report and the exports need, in order, in one query. */
export const SESSION_COLUMNS =
  "device_id, seq, start_unix, time_source, program, program_name, planned_s, actual_s, " +
  "front_s, crown_s, back_s, end_reason, battery";
