/**
 * The history's rows and what the sync engine needs from a history, apart from how it is stored.
 * The SQLite file (db.ts) implements SessionStore; a browser page can implement it over IndexedDB,
 * which is why every call may answer with a Promise. The report and the exports read SessionRows
 * only, whichever store they came from.
 */

/** A stored session (columns as in SQLite; the report reads these). */
export interface SessionRow {
  device_id: string;
  /**
   * The device's log the record came from (its numbering: a log that starts over has a new id).
   * LEGACY_LOG for records stored before logs had ids, until a sync shows which log they belong to.
   */
  log_id: number;
  seq: number;
  start_unix: number;
  /** 'clock' | 'uptime-corrected' | 'estimated' */
  time_source: string;
  program: number;
  program_name: string | null;
  planned_s: number;
  actual_s: number;
  front_s: number;
  crown_s: number;
  back_s: number;
  /** END_NAMES: 'finished' | 'stopped' | 'stopped-remote' | 'link-lost' | 'safety-limit' | 'battery' */
  end_reason: string;
  battery: number | null;
  synced_at?: number;
  raw?: Uint8Array;
}

/** A session to store: everything but the device id, its log and the sync time. */
export type NewSession = Omit<SessionRow, "device_id" | "log_id" | "synced_at" | "raw"> & { raw: Uint8Array };

/** The log id of records stored before the devices' logs had ids (firmware before protocol 2). */
export const LEGACY_LOG = 0;

/** A device the history knows (columns as in SQLite). */
export interface DeviceRow {
  id: string;
  name: string | null;
  board: string | null;
  firmware: string | null;
  first_seen: number | null;
  last_sync: number | null;
}

/** What a sync learns about a device (each fact kept when a later sync does not know it). */
export interface DeviceFacts {
  id: string;
  name?: string;
  board?: string;
  firmware?: string;
}

export interface InsertResult {
  stored: number;
  duplicates: number;
}

/** What a sync asks of the history (companion/device/sync.ts), whichever store it is. */
export interface SessionStore {
  /** The highest stored sequence number of a device's log (0 when none). */
  lastSeq(deviceId: string, logId: number): number | Promise<number>;
  /** The stored session of that log (raw bytes included) with the highest seq below `beforeSeq`, or null. */
  previousSession(deviceId: string, logId: number, beforeSeq: number): SessionRow | null | Promise<SessionRow | null>;
  /** The device's records stored before logs had ids (LEGACY_LOG): seq and raw bytes, in seq order. */
  legacyRecords(deviceId: string): { seq: number; raw: Uint8Array }[] | Promise<{ seq: number; raw: Uint8Array }[]>;
  /**
   * Stores sessions of one log all at once or not at all (a second copy of a (device, log, seq) is a
   * duplicate, not an error), together with the device's facts and the sync time `now` (unix
   * seconds). `adoptLegacy`: the device's LEGACY_LOG records belong to this log (the sync checked the
   * numbers agree), in the same transaction.
   */
  insertRecords(
    deviceId: string,
    logId: number,
    rows: NewSession[],
    opts?: { device?: DeviceFacts; now?: number; adoptLegacy?: boolean },
  ): InsertResult | Promise<InsertResult>;
}
