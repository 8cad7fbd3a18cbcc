import { OWNER_KEY_BYTES } from "../../../shared/limits";
import type { Hmac, OwnerKey } from "../../device/owner";
import { OWNERS, committed, result } from "./idb";

/*
 * This browser's owner keys, one per massager it paired with, in the page's IndexedDB (the CLI keeps
 * its own in owners.json): only this origin's pages can read them. Keyed by the browser's id for the
 * device, which is what a page knows of it.
 */
interface StoredOwner {
  deviceId: string;
  slot: number;
  key: Uint8Array;
  name: string | null;
  /** Unix seconds. */
  pairedAt: number;
}

export class BrowserOwnerKeys {
  private readonly db: IDBDatabase;

  constructor(db: IDBDatabase) {
    this.db = db;
  }

  async get(deviceId: string): Promise<OwnerKey | null> {
    const tx = this.db.transaction(OWNERS, "readonly");
    const o = (await result(tx.objectStore(OWNERS).get(deviceId), "read the owner keys of")) as StoredOwner | undefined;
    return o ? { slot: o.slot, key: new Uint8Array(o.key) } : null;
  }

  async set(deviceId: string, owner: OwnerKey, name: string | null): Promise<void> {
    const tx = this.db.transaction(OWNERS, "readwrite", { durability: "strict" });
    const row: StoredOwner = { deviceId, slot: owner.slot, key: owner.key, name, pairedAt: Math.floor(Date.now() / 1000) };
    tx.objectStore(OWNERS).put(row);
    await committed(tx, "keep the owner key in");
  }

  async remove(deviceId: string): Promise<void> {
    const tx = this.db.transaction(OWNERS, "readwrite");
    tx.objectStore(OWNERS).delete(deviceId);
    await committed(tx, "forget the owner key in");
  }
}

/** HMAC-SHA-256 with the browser's SubtleCrypto (it answers with Promises; OwnerSession awaits them). */
export const subtleHmac: Hmac = async (key, data) => {
  const k = await crypto.subtle.importKey("raw", key as BufferSource, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", k, data as BufferSource));
};

/** A new owner key from the browser's random source. */
export function newOwnerKey(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(OWNER_KEY_BYTES));
}
