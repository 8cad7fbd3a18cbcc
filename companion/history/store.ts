/**
 * The history's rows and what the sync engine needs from a history, apart from how it is stored.
 * The SQLite file (db.ts) implements SessionStore; a browser page can implement it over IndexedDB,
 * which is why every call may answer with a Promise. The report and the exports read SessionRows
 * only, whichever store they came from.
 */

/** A stored session (columns as in SQLite; the report reads these). */
export interface SessionRow {
  device_id: string;
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
  /** END_NAMES: 'finished' | 'stopped' | 'stopped-remote' | 'link-lost' | 'safety-limit' */
  end_reason: string;
  battery: number | null;
  synced_at?: number;
  raw?: Uint8Array;
}

/** A session to store: everything but the device id and the sync time. */
export type NewSession = Omit<SessionRow, "device_id" | "synced_at" | "raw"> & { raw: Uint8Array };

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

/** The three calls a sync makes to the history (companion/device/sync.ts). */
export interface SessionStore {
  /** The highest stored sequence number for a device (0 when none). */
  lastSeq(deviceId: string): number | Promise<number>;
  /** The stored session (raw bytes included) with the highest seq below `beforeSeq`, or null. */
  previousSession(deviceId: string, beforeSeq: number): SessionRow | null | Promise<SessionRow | null>;
  /**
   * Stores sessions all at once or not at all (a second copy of a (device, seq) is a duplicate, not
   * an error), together with the device's facts and the sync time `now` (unix seconds).
   */
  insertRecords(deviceId: string, rows: NewSession[], opts?: { device?: DeviceFacts; now?: number }): InsertResult | Promise<InsertResult>;
}
