import { accessSync, closeSync, constants, existsSync, mkdirSync, openSync, readSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { HistoryError } from "../errors";
import { type DeviceFacts, type DeviceRow, type InsertResult, LEGACY_LOG, type NewSession, type SessionRow, type SessionStore } from "./store";

/**
 * The session history: one SQLite file (better-sqlite3 12, WAL) holding several devices.
 * Records are keyed by (device_id, log_id, seq) — a device's log that starts over gets a new id, so
 * numbers that come round again are new records — and storing a record twice is a no-op: re-syncs
 * are idempotent. A history of schema 1 (keyed by device and seq) is migrated when opened: its
 * records keep every field and get LEGACY_LOG until a sync shows which log they belong to. A file that is damaged, unreadable or someone else's raises a HistoryError with one
 * sentence saying which file and what to do, and nothing is written to it.
 *
 * Used by sync (insertRecords in one transaction, lastSeq) and by the history/report/export
 * commands (sessions, devices).
 */
export const SCHEMA_VERSION = 2;

const SESSIONS_TABLE =
  "sessions (device_id TEXT NOT NULL, log_id INTEGER NOT NULL, seq INTEGER NOT NULL, start_unix INTEGER NOT NULL, time_source TEXT NOT NULL, " +
  "program INTEGER NOT NULL, program_name TEXT, planned_s INTEGER NOT NULL, actual_s INTEGER NOT NULL, front_s INTEGER NOT NULL, " +
  "crown_s INTEGER NOT NULL, back_s INTEGER NOT NULL, end_reason TEXT NOT NULL, battery INTEGER, raw BLOB NOT NULL, synced_at INTEGER NOT NULL, " +
  "PRIMARY KEY (device_id, log_id, seq))";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS devices (id TEXT PRIMARY KEY, name TEXT, board TEXT, firmware TEXT, first_seen INTEGER, last_sync INTEGER);
CREATE TABLE IF NOT EXISTS ${SESSIONS_TABLE};
CREATE INDEX IF NOT EXISTS sessions_start ON sessions (start_unix);
`;

/** Schema 1 → 2: the sessions get a log id (LEGACY_LOG) and the key (device_id, log_id, seq). */
const MIGRATE_1_TO_2 = `
ALTER TABLE sessions RENAME TO sessions_v1;
CREATE TABLE ${SESSIONS_TABLE};
INSERT INTO sessions SELECT device_id, ${LEGACY_LOG}, seq, start_unix, time_source, program, program_name, planned_s, actual_s, front_s, crown_s, back_s, end_reason, battery, raw, synced_at FROM sessions_v1;
DROP TABLE sessions_v1;
CREATE INDEX IF NOT EXISTS sessions_start ON sessions (start_unix);
UPDATE meta SET value = '2' WHERE key = 'schema_version';
`;

export interface SessionQuery {
  device?: string;
  /** start_unix >= from */
  from?: number;
  /** start_unix < to */
  to?: number;
  /** include the 20 raw record bytes */
  raw?: boolean;
}

// ---- the few parts of better-sqlite3's API used here ------------------------------------------
interface Statement {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): any;
  all(...params: unknown[]): any[];
}
interface Database {
  prepare(sql: string): Statement;
  exec(sql: string): void;
  pragma(sql: string, opts?: { simple?: boolean }): any;
  transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R;
  close(): void;
}
type DatabaseCtor = new (path: string, opts?: { readonly?: boolean; fileMustExist?: boolean; timeout?: number }) => Database;

const require = createRequire(import.meta.url);
let ctor: DatabaseCtor | null = null;
function sqlite(): DatabaseCtor {
  if (!ctor) ctor = require("better-sqlite3") as DatabaseCtor;
  return ctor;
}

const SESSION_COLUMNS =
  "device_id, log_id, seq, start_unix, time_source, program, program_name, planned_s, actual_s, front_s, crown_s, back_s, end_reason, battery, synced_at";

/**
 * Records a device, or updates what is known of it: a fact a caller does not know (NULL) keeps the
 * stored one; `last_sync` changes only when given (a sync gives it, `massager info` does not).
 * Parameters: id, name, board, firmware, first_seen, last_sync.
 */
const UPSERT_DEVICE =
  "INSERT INTO devices (id, name, board, firmware, first_seen, last_sync) VALUES (?, ?, ?, ?, ?, ?) " +
  "ON CONFLICT(id) DO UPDATE SET name = COALESCE(excluded.name, name), board = COALESCE(excluded.board, board), " +
  "firmware = COALESCE(excluded.firmware, firmware), last_sync = COALESCE(excluded.last_sync, last_sync)";

export class History implements SessionStore {
  readonly path: string;
  private readonly db: Database;
  private readonly readonly: boolean;

  private constructor(path: string, db: Database, readonly: boolean) {
    this.path = path;
    this.db = db;
    this.readonly = readonly;
  }

  /**
   * Opens (creating when missing, unless `readonly`) the history at `path`. An existing file is first
   * checked read-only: nothing is written to a file that turns out damaged or foreign.
   */
  static open(path: string, opts: { readonly?: boolean } = {}): History {
    const exists = existsSync(path);
    if (exists) checkExisting(path);
    else if (opts.readonly)
      throw new HistoryError(`there is no history at ${path} yet; run \`massager sync\` to create it (or point --data-dir at the folder that has one)`);
    if (exists) migrate(path);
    if (opts.readonly) return new History(path, guard(path, () => new (sqlite())(path, { readonly: true, fileMustExist: true })), true);
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (err) {
      throw new HistoryError(`cannot create the data folder ${dirname(path)} (${code(err)}); set --data-dir or MASSAGER_HOME to a folder you can write`);
    }
    const db = guard(path, () => new (sqlite())(path, { timeout: 5000 }));
    guard(path, () => {
      db.pragma("journal_mode = WAL");
      db.transaction(() => {
        db.exec(SCHEMA);
        db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)").run(String(SCHEMA_VERSION));
        db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('created', ?)").run(String(Math.floor(Date.now() / 1000)));
      })();
    });
    return new History(path, db, false);
  }

  /** The highest stored sequence number of a device's log (0 when none). */
  lastSeq(deviceId: string, logId: number): number {
    const r = this.q(() => this.db.prepare("SELECT MAX(seq) AS m FROM sessions WHERE device_id = ? AND log_id = ?").get(deviceId, logId));
    return (r?.m as number | null) ?? 0;
  }

  /** The stored session of a log (raw bytes included) with the highest seq below `beforeSeq`, for placing sessions with no clock time. */
  previousSession(deviceId: string, logId: number, beforeSeq: number): SessionRow | null {
    return this.q(() =>
      this.db
        .prepare(`SELECT ${SESSION_COLUMNS}, raw FROM sessions WHERE device_id = ? AND log_id = ? AND seq < ? ORDER BY seq DESC LIMIT 1`)
        .get(deviceId, logId, beforeSeq) ?? null,
    );
  }

  /** The device's records stored before logs had ids, in seq order. */
  legacyRecords(deviceId: string): { seq: number; raw: Uint8Array }[] {
    const rows = this.q(() =>
      this.db.prepare("SELECT seq, raw FROM sessions WHERE device_id = ? AND log_id = ? ORDER BY seq").all(deviceId, LEGACY_LOG),
    ) as { seq: number; raw: Uint8Array }[];
    return rows.map((r) => ({ seq: r.seq, raw: new Uint8Array(r.raw) }));
  }

  /**
   * Stores sessions of one log in ONE transaction (INSERT OR IGNORE on (device_id, log_id, seq)),
   * together with the device's facts and its last sync time (and, with `adoptLegacy`, the device's
   * records from before logs had ids moved into this log). Either all of it is durable when this
   * returns, or none is.
   */
  insertRecords(deviceId: string, logId: number, rows: NewSession[], opts: { device?: DeviceFacts; now?: number; adoptLegacy?: boolean } = {}): InsertResult {
    this.writable();
    const now = opts.now ?? Math.floor(Date.now() / 1000);
    const ins = this.db.prepare(
      "INSERT OR IGNORE INTO sessions (device_id, log_id, seq, start_unix, time_source, program, program_name, planned_s, actual_s, front_s, crown_s, back_s, end_reason, battery, raw, synced_at) " +
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
    const dev = this.db.prepare(UPSERT_DEVICE);
    const tx = this.db.transaction((): InsertResult => {
      const d = opts.device;
      dev.run(deviceId, d?.name ?? null, d?.board ?? null, d?.firmware ?? null, now, now);
      if (opts.adoptLegacy) this.db.prepare("UPDATE sessions SET log_id = ? WHERE device_id = ? AND log_id = ?").run(logId, deviceId, LEGACY_LOG);
      let stored = 0;
      for (const r of rows) {
        stored += ins.run(
          deviceId, logId, r.seq, r.start_unix, r.time_source, r.program, r.program_name, r.planned_s, r.actual_s,
          r.front_s, r.crown_s, r.back_s, r.end_reason, r.battery, Buffer.from(r.raw), now,
        ).changes;
      }
      return { stored, duplicates: rows.length - stored };
    });
    return this.q(() => tx());
  }

  /** Records a device (no sessions), e.g. at `massager info`. */
  upsertDevice(d: DeviceFacts, now = Math.floor(Date.now() / 1000)): void {
    this.writable();
    this.q(() => this.db.prepare(UPSERT_DEVICE).run(d.id, d.name ?? null, d.board ?? null, d.firmware ?? null, now, null));
  }

  /** Sessions in start order (then device, seq), optionally for one device and a time window. */
  sessions(query: SessionQuery = {}): SessionRow[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (query.device !== undefined) (where.push("device_id = ?"), args.push(query.device));
    if (query.from !== undefined) (where.push("start_unix >= ?"), args.push(query.from));
    if (query.to !== undefined) (where.push("start_unix < ?"), args.push(query.to));
    const sql =
      `SELECT ${SESSION_COLUMNS}${query.raw ? ", raw" : ""} FROM sessions` +
      (where.length ? ` WHERE ${where.join(" AND ")}` : "") +
      " ORDER BY start_unix, device_id, log_id, seq";
    const rows = this.q(() => this.db.prepare(sql).all(...args)) as SessionRow[];
    if (query.raw) for (const r of rows) r.raw = new Uint8Array(r.raw as Uint8Array);
    return rows;
  }

  count(deviceId?: string): number {
    const r = this.q(() =>
      deviceId === undefined
        ? this.db.prepare("SELECT COUNT(*) AS n FROM sessions").get()
        : this.db.prepare("SELECT COUNT(*) AS n FROM sessions WHERE device_id = ?").get(deviceId),
    );
    return r.n as number;
  }

  devices(): DeviceRow[] {
    return this.q(() => this.db.prepare("SELECT id, name, board, firmware, first_seen, last_sync FROM devices ORDER BY id").all()) as DeviceRow[];
  }

  schemaVersion(): number {
    const r = this.q(() => this.db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get());
    return r ? Number(r.value) : 0;
  }

  close(): void {
    try {
      this.db.close();
    } catch {
      // closing twice is harmless
    }
  }

  private writable(): void {
    if (this.readonly) throw new HistoryError(`the history ${this.path} was opened read-only`);
  }

  /** Runs a query; SQLite failures become one HistoryError sentence. */
  private q<T>(fn: () => T): T {
    return guard(this.path, fn);
  }
}

export function openHistory(path: string, opts: { readonly?: boolean } = {}): History {
  return History.open(path, opts);
}

/**
 * Brings an existing history of an older schema up to SCHEMA_VERSION, in one transaction (nothing
 * changes if it fails); a file that cannot be written says so in one sentence.
 */
function migrate(path: string): void {
  const probe = guard(path, () => new (sqlite())(path, { readonly: true, fileMustExist: true }));
  let version: number;
  try {
    version = guard(path, () => {
      const tables = (probe.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
      if (!tables.includes("meta")) return SCHEMA_VERSION;
      const v = probe.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined;
      return v ? Number(v.value) : SCHEMA_VERSION;
    });
  } finally {
    probe.close();
  }
  if (version >= SCHEMA_VERSION) return;
  const db = guard(path, () => new (sqlite())(path, { timeout: 5000 }));
  try {
    guard(path, () => db.transaction(() => db.exec(MIGRATE_1_TO_2))());
  } finally {
    db.close();
  }
}

/** Reads an existing file read-only and checks it is a readable history of a version we know. */
function checkExisting(path: string): void {
  try {
    if (!statSync(path).isFile()) throw new HistoryError(`the history path ${path} is not a file; point --data-dir at another folder`);
    accessSync(path, constants.R_OK | constants.W_OK);
  } catch (err) {
    if (err instanceof HistoryError) throw err;
    throw new HistoryError(`the history file ${path} cannot be opened (${code(err)}); check its permissions, or point --data-dir at another folder`);
  }
  if (statSync(path).size === 0) return; // an empty file is an empty database: it is initialised
  if (cutShort(path)) throw damaged(path);
  const db = guard(path, () => new (sqlite())(path, { readonly: true, fileMustExist: true }));
  try {
    guard(path, () => {
      const check = db.pragma("quick_check(1)", { simple: true });
      if (check !== "ok") throw Object.assign(new Error(String(check)), { code: "SQLITE_CORRUPT" });
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
      if (tables.length === 0) return;
      const columns = tables.includes("sessions") ? (db.prepare("PRAGMA table_info(sessions)").all() as { name: string }[]).map((c) => c.name) : [];
      if (!tables.includes("meta") || !SESSION_COLUMNS.split(", ").concat("raw").every((c) => columns.includes(c) || c === "log_id"))
        throw new HistoryError(`${path} is an SQLite file but not a massager history; move it aside or point --data-dir at another folder`);
      const v = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined;
      if (v && Number(v.value) > SCHEMA_VERSION)
        throw new HistoryError(`the history ${path} was written by a newer massager (schema ${v.value}); update the companion (npm install -g scalp-massager)`);
    });
  } finally {
    db.close();
  }
}

/**
 * Whether an SQLite file is shorter than its own header says (a copy or download cut short), read
 * from its first 100 bytes: SQLite itself would first leave -wal/-shm files beside a WAL-mode file.
 */
function cutShort(path: string): boolean {
  const head = Buffer.alloc(100);
  const fd = openSync(path, "r");
  let n: number;
  try {
    n = readSync(fd, head, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (n < 100 || head.toString("latin1", 0, 16) !== "SQLite format 3\0") return false; // SQLite says what else is wrong
  const page = head.readUInt16BE(16) === 1 ? 65536 : head.readUInt16BE(16);
  const size = statSync(path).size;
  const pages = head.readUInt32BE(28);
  const counted = head.readUInt32BE(24) === head.readUInt32BE(92); // the page count is current
  return size % page !== 0 || (counted && pages * page > size);
}

/** Runs fn; an SQLite error becomes a HistoryError naming the file and what to do. */
function guard<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof HistoryError) throw err;
    const c = code(err);
    if (c === "SQLITE_NOTADB" || c.startsWith("SQLITE_CORRUPT")) throw damaged(path);
    if (c === "SQLITE_BUSY" || c === "SQLITE_LOCKED")
      throw new HistoryError(`the history file ${path} is locked by another massager command; wait for it to finish and try again`);
    if (c === "SQLITE_FULL") throw new HistoryError(`the disk holding ${path} is full; free some space and run the command again`);
    if (c === "SQLITE_READONLY" || c === "SQLITE_CANTOPEN" || c === "SQLITE_PERM" || c === "EACCES")
      throw new HistoryError(`the history file ${path} cannot be written (${c}); check its permissions, or point --data-dir at another folder`);
    throw new HistoryError(`the history file ${path} could not be used (${c}: ${(err as Error).message}); run the command again with MASSAGER_DEBUG=1 for details`);
  }
}

/** The one sentence for a file SQLite cannot read as a database, or a copy cut short. */
function damaged(path: string): HistoryError {
  return new HistoryError(`the history file ${path} is damaged or is not a history database; move it aside (mv "${path}" "${path}.bad") and run \`massager sync\` to start a new one`);
}

function code(err: unknown): string {
  return String((err as { code?: string })?.code ?? "error");
}
