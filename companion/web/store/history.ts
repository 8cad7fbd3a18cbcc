import {
  type DeviceFacts, type DeviceRow, type InsertResult, LEGACY_LOG, type NewSession, type SessionRow, type SessionStore,
} from "../../history/store";
import { DEVICES, SESSIONS, committed, openDatabase, result } from "./idb";

/**
 * The page's session history in IndexedDB: the SessionStore the sync engine (device/sync.ts) writes
 * to, with the SQLite history's rules (history/db.ts) — sessions keyed by (device, log, seq), a
 * second copy of one is a duplicate and not an error, a sync's records and the device's facts are
 * stored in one transaction or not at all (committed to disk before the sync acknowledges), and a
 * device's records from before log ids join its log when the sync says so.
 *
 * The page never learns a device's address (the CLI's id for it), so the two histories meet through
 * the log id, a random number each log keeps: a log the history already holds under some device id
 * (from a CLI export imported here, or an earlier sync) stays under that id.
 */
export interface ImportResult extends InsertResult {
  /** Rows that joined a device this history knows under another id (the same log). */
  joined: number;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
/** Every key of one log of one device. */
const logKeys = (deviceId: string, logId: number, below = Infinity) =>
  IDBKeyRange.bound([deviceId, logId, -Infinity], [deviceId, logId, below], false, true);

export class BrowserHistory implements SessionStore {
  private readonly db: IDBDatabase;

  constructor(db: IDBDatabase) {
    this.db = db;
  }

  static async open(name?: string): Promise<BrowserHistory> {
    return new BrowserHistory(await openDatabase(name));
  }

  async lastSeq(deviceId: string, logId: number): Promise<number> {
    const last = await this.lastBelow(deviceId, logId, Infinity);
    return last ? last.seq : 0;
  }

  previousSession(deviceId: string, logId: number, beforeSeq: number): Promise<SessionRow | null> {
    return this.lastBelow(deviceId, logId, beforeSeq);
  }

  async legacyRecords(deviceId: string): Promise<{ seq: number; raw: Uint8Array }[]> {
    const rows = await result(this.read().getAll(logKeys(deviceId, LEGACY_LOG)), "read");
    // a row imported from an export carries no record bytes: it can never be shown to be the device's
    return (rows as SessionRow[]).map((r) => ({ seq: r.seq, raw: r.raw ?? new Uint8Array(0) }));
  }

  async insertRecords(
    deviceId: string, logId: number, rows: NewSession[], opts: { device?: DeviceFacts; now?: number; adoptLegacy?: boolean } = {},
  ): Promise<InsertResult> {
    const now = opts.now ?? nowSeconds();
    const tx = this.db.transaction([SESSIONS, DEVICES], "readwrite", { durability: "strict" });
    const done = committed(tx, "store the sessions in");
    const sessions = tx.objectStore(SESSIONS);
    upsertDevice(tx.objectStore(DEVICES), { ...opts.device, id: deviceId }, now, now);
    let stored = 0;
    const insert = () => {
      for (const r of rows) addOnce(sessions, { ...r, device_id: deviceId, log_id: logId, synced_at: now }, () => stored++);
    };
    if (!opts.adoptLegacy) insert();
    else {
      // as the SQLite history: the legacy records join the log first, then the new ones are added
      const cursor = sessions.openCursor(logKeys(deviceId, LEGACY_LOG));
      cursor.onsuccess = () => {
        const c = cursor.result;
        if (!c) return insert();
        addOnce(sessions, { ...(c.value as SessionRow), log_id: logId });
        c.delete();
        c.continue();
      };
    }
    await done;
    return { stored, duplicates: rows.length - stored };
  }

  /** Every session in start order (then device, log, seq), with its record bytes where known. */
  async sessions(): Promise<SessionRow[]> {
    const rows = (await result(this.read().getAll(), "read")) as SessionRow[];
    return rows.sort(
      (a, b) => a.start_unix - b.start_unix || cmp(a.device_id, b.device_id) || a.log_id - b.log_id || a.seq - b.seq,
    );
  }

  /** The device id the history keeps a log under (0, the legacy log, names no log). */
  async deviceOfLog(logId: number): Promise<string | null> {
    if (logId === LEGACY_LOG) return null;
    const key = await result(this.read().index("log").getKey(logId), "read");
    return key ? ((key as unknown as [string, number, number])[0] ?? null) : null;
  }

  /**
   * Stores rows from elsewhere (a CLI export) in one transaction: each once, keyed as a sync keys
   * them; a row of a log this history already holds under another device id joins that id.
   */
  async importRows(rows: SessionRow[], now = nowSeconds()): Promise<ImportResult> {
    const owner = new Map<number, string | null>();
    for (const r of rows) if (!owner.has(r.log_id)) owner.set(r.log_id, await this.deviceOfLog(r.log_id));
    const tx = this.db.transaction([SESSIONS, DEVICES], "readwrite", { durability: "strict" });
    const done = committed(tx, "import the sessions into");
    const sessions = tx.objectStore(SESSIONS);
    const devices = new Set<string>();
    let stored = 0;
    let joined = 0;
    for (const r of rows) {
      const id = owner.get(r.log_id) ?? r.device_id;
      if (id !== r.device_id) joined++;
      devices.add(id);
      addOnce(sessions, { ...r, device_id: id, synced_at: r.synced_at ?? now }, () => stored++);
    }
    for (const id of devices) upsertDevice(tx.objectStore(DEVICES), { id }, now, null);
    await done;
    return { stored, duplicates: rows.length - stored, joined };
  }

  private read(): IDBObjectStore {
    return this.db.transaction(SESSIONS, "readonly").objectStore(SESSIONS);
  }

  /** The session of a log with the highest seq below `below`, or null. */
  private async lastBelow(deviceId: string, logId: number, below: number): Promise<SessionRow | null> {
    const c = await result(this.read().openCursor(logKeys(deviceId, logId, below), "prev"), "read");
    return c ? (c.value as SessionRow) : null;
  }
}

/** INSERT OR IGNORE: a row whose key is stored already is left as it is, and the transaction goes on. */
function addOnce(store: IDBObjectStore, row: SessionRow, stored?: () => void): void {
  const req = store.add(row);
  req.onsuccess = () => stored?.();
  req.onerror = (e) => {
    if (req.error?.name !== "ConstraintError") return; // anything else aborts the transaction
    e.preventDefault();
    e.stopPropagation();
  };
}

/** Records a device, or updates what is known of it: a fact not given keeps the stored one (as db.ts UPSERT_DEVICE). */
function upsertDevice(store: IDBObjectStore, d: DeviceFacts, now: number, lastSync: number | null): void {
  const req = store.get(d.id);
  req.onsuccess = () => {
    const old = req.result as DeviceRow | undefined;
    store.put({
      id: d.id,
      name: d.name ?? old?.name ?? null,
      board: d.board ?? old?.board ?? null,
      firmware: d.firmware ?? old?.firmware ?? null,
      first_seen: old?.first_seen ?? now,
      last_sync: lastSync ?? old?.last_sync ?? null,
    } satisfies DeviceRow);
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
