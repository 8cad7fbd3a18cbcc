import type { SessionRow } from "../history/store";
import { COLUMNS, toRecord } from "./columns";

/*
 * CSV per RFC 4180: a header line of the column names, one line per session, CRLF after every line
 * (the last included); a field is quoted when it holds a comma, a double quote, CR or LF, and a double
 * quote inside it is doubled. Unknown values (battery) are empty fields.
 */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  const s = String(value);
  return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

export function toCsv(rows: SessionRow[]): string {
  const lines: string[] = [COLUMNS.join(",")];
  for (const row of rows) {
    const rec = toRecord(row);
    lines.push(COLUMNS.map((c) => csvField(rec[c])).join(","));
  }
  return lines.join("\r\n") + "\r\n";
}
