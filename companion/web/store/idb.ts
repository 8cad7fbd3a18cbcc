import { HistoryError } from "../../errors";

/*
 * IndexedDB, the browser's own database, as Promises. One database per origin holds the page's
 * history (sessions, devices) and its owner keys; a transaction is all or nothing, and `strict`
 * durability resolves only once the browser has flushed it to disk (what the sync waits for before
 * it acknowledges).
 */
const DB_NAME = "massager";
const DB_VERSION = 1;
export const SESSIONS = "sessions";
export const DEVICES = "devices";
export const OWNERS = "owners";

/** Opens the page's database, creating its stores on first use. */
export function openDatabase(name = DB_NAME): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    let req: IDBOpenDBRequest;
    try {
      req = indexedDB.open(name, DB_VERSION);
    } catch (err) {
      reject(storageError("open", err));
      return;
    }
    req.onupgradeneeded = () => {
      const db = req.result;
      // a session is named by its device, its log and its number, as in the CLI's SQLite history
      const sessions = db.createObjectStore(SESSIONS, { keyPath: ["device_id", "log_id", "seq"] });
      sessions.createIndex("log", "log_id");
      db.createObjectStore(DEVICES, { keyPath: "id" });
      db.createObjectStore(OWNERS, { keyPath: "deviceId" });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(storageError("open", req.error));
    req.onblocked = () => reject(new HistoryError("the history is open in an older version of this page in another tab; close that tab and reload"));
  });
}

/** A transaction's end: resolves when it committed, rejects (one sentence) when it failed or was aborted. */
export function committed(tx: IDBTransaction, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(storageError(what, tx.error));
    tx.onabort = () => reject(storageError(what, tx.error));
  });
}

/** One request's result. */
export function result<T>(req: IDBRequest<T>, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(storageError(what, req.error));
  });
}

/** The sentence for a failure of the browser's storage. */
function storageError(what: string, err: unknown): HistoryError {
  const name = (err as DOMException | null)?.name ?? "error";
  if (name === "QuotaExceededError")
    return new HistoryError(`the browser's storage is full, so the history could not ${what}; free some space (or export and clear old data) and try again`);
  return new HistoryError(`the browser's storage could not ${what} the history (${name}); reload the page and try again, or use a window that is not private`);
}
