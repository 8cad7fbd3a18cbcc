/**
 * One session as the history stores it: a row of the `sessions` table, column names as in SQLite
 * (companion/history/db.ts). The report and the exports read only the session columns.
 */
export type { SessionRow } from "../history/db";
