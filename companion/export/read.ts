import { END_NAMES } from "../../shared/codes";
import { ImportFileError } from "../errors";
import { LEGACY_LOG, type SessionRow } from "../history/store";
import { COLUMNS } from "./columns";

/*
 * A JSON export (json.ts: an array of records with the columns of columns.ts) read back into history
 * rows, so another history can take them in (the browser page imports what `massager export --json`
 * wrote). Every record is checked before any is returned: one sentence names the file, the record
 * and the field, and nothing is imported. An export has no record bytes (raw): such rows are shown
 * and counted, but never taken for the device's own records by a later sync.
 */

/** Largest export read (five years of daily sessions are about 1 MB). */
export const IMPORT_MAX_BYTES = 20 * 1024 * 1024;

const TIME_SOURCES = ["clock", "uptime-corrected", "estimated"];

export function rowsFromJsonExport(text: string, file: string): SessionRow[] {
  if (text.length > IMPORT_MAX_BYTES)
    throw new ImportFileError(`${file}: ${text.length} bytes is more than an export of sessions holds (the limit is ${IMPORT_MAX_BYTES / 1024 / 1024} MB); check that this is the file you meant`);
  if (text.startsWith(COLUMNS.slice(0, 3).join(",")))
    throw new ImportFileError(`${file}: is a CSV export; import the JSON one (\`massager export --json --out sessions.json\`)`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ImportFileError(`${file}: is not JSON (${(err as Error).message.split("\n")[0]}); import a file written by \`massager export --json\``);
  }
  if (!Array.isArray(data)) throw new ImportFileError(`${file}: is not an export of sessions (a JSON array of records, as \`massager export --json\` writes)`);
  return data.map((rec, i) => rowOf(rec, `${file}: record ${i + 1}`));
}

function rowOf(rec: unknown, at: string): SessionRow {
  if (typeof rec !== "object" || rec === null || Array.isArray(rec)) throw new ImportFileError(`${at}: must be an object with the export's columns`);
  const r = rec as Record<string, unknown>;
  const whole = (k: string, lo: number, hi: number): number => {
    const v = r[k];
    if (typeof v !== "number" || !Number.isInteger(v) || v < lo || v > hi)
      throw new ImportFileError(`${at}: ${k} must be a whole number from ${lo} to ${hi}, not ${JSON.stringify(v) ?? "missing"}`);
    return v;
  };
  const oneOf = (k: string, names: string[], pattern?: RegExp): string => {
    const v = r[k];
    if (typeof v !== "string" || !(names.includes(v) || pattern?.test(v)))
      throw new ImportFileError(`${at}: ${k} must be one of ${names.join(", ")}, not ${JSON.stringify(v) ?? "missing"}`);
    return v;
  };
  const device = r.device;
  if (typeof device !== "string" || device === "") throw new ImportFileError(`${at}: device must be the device's id (a string), not ${JSON.stringify(device) ?? "missing"}`);
  const name = r.program_name;
  if (name !== undefined && name !== null && typeof name !== "string") throw new ImportFileError(`${at}: program_name must be a string, not ${JSON.stringify(name)}`);
  const log = r.log_id;
  // exports from before log ids have no log_id: their records are the legacy log's
  if (log !== undefined && (typeof log !== "string" || !/^[0-9a-f]{8}$/i.test(log)))
    throw new ImportFileError(`${at}: log_id must be 8 hex digits, not ${JSON.stringify(log)}`);
  return {
    device_id: device,
    log_id: log === undefined ? LEGACY_LOG : parseInt(log as string, 16),
    seq: whole("seq", 1, 0xffffffff),
    start_unix: whole("start_unix", 0, 0xffffffff),
    time_source: oneOf("time_source", TIME_SOURCES),
    program: whole("program", 0, 255),
    program_name: name ? name : null,
    planned_s: whole("planned_s", 0, 0xffff),
    actual_s: whole("actual_s", 0, 0xffff),
    front_s: whole("front_s", 0, 0xffff),
    crown_s: whole("crown_s", 0, 0xffff),
    back_s: whole("back_s", 0, 0xffff),
    end_reason: oneOf("end_reason", END_NAMES, /^end-\d+$/),
    battery: r.battery === null || r.battery === undefined ? null : whole("battery", 0, 100),
  };
}
