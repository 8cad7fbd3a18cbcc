import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createHmac, randomBytes } from "node:crypto";
import { dirname, join } from "node:path";
import { OWNER_KEY_BYTES } from "../../shared/limits";
import type { Hmac, OwnerKey } from "../device/owner";
import { HistoryError } from "../errors";

/*
 * This computer's owner keys, one per massager it paired with, in <data dir>/owners.json, readable
 * and writable by the user only (0600): whoever reads the file can command the massager. Written
 * whole to a temporary file and renamed, so a crash leaves the old file or the new one.
 */
export interface StoredOwner {
  slot: number;
  /** The key, hex. */
  key: string;
  name?: string;
  /** Unix seconds. */
  pairedAt: number;
}

const FILE = "owners.json";

export class OwnerKeys {
  readonly path: string;

  constructor(dataDir: string) {
    this.path = join(dataDir, FILE);
  }

  /** The key this computer holds for a device (its address), or null. */
  get(deviceId: string): OwnerKey | null {
    const o = this.read()[deviceId];
    return o ? { slot: o.slot, key: new Uint8Array(Buffer.from(o.key, "hex")) } : null;
  }

  set(deviceId: string, owner: OwnerKey, name?: string, now = Math.floor(Date.now() / 1000)): void {
    const all = this.read();
    all[deviceId] = { slot: owner.slot, key: Buffer.from(owner.key).toString("hex"), name, pairedAt: now };
    this.write(all);
  }

  /** Forgets a device's key; false when there was none. */
  remove(deviceId: string): boolean {
    const all = this.read();
    if (!all[deviceId]) return false;
    delete all[deviceId];
    this.write(all);
    return true;
  }

  private read(): Record<string, StoredOwner> {
    if (!existsSync(this.path)) return {};
    try {
      const v = JSON.parse(readFileSync(this.path, "utf8"));
      if (v && typeof v === "object" && !Array.isArray(v)) return v as Record<string, StoredOwner>;
    } catch {
      // said below
    }
    throw new HistoryError(`the owner keys file ${this.path} is damaged; move it aside and pair again (hold the massager's button 5 s, then \`massager pair\`)`);
  }

  private write(all: Record<string, StoredOwner>): void {
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      const tmp = `${this.path}.tmp-${process.pid}`;
      writeFileSync(tmp, JSON.stringify(all, null, 2) + "\n", { mode: 0o600 });
      chmodSync(tmp, 0o600);
      renameSync(tmp, this.path);
    } catch (err) {
      throw new HistoryError(`cannot write the owner keys file ${this.path} (${(err as { code?: string }).code ?? "error"}); check the data folder's permissions`);
    }
  }
}

/** HMAC-SHA-256 with node:crypto. */
export const nodeHmac: Hmac = (key, data) => new Uint8Array(createHmac("sha256", key).update(data).digest());

/** A new owner key from the system's random source. */
export function newOwnerKey(): Uint8Array {
  return new Uint8Array(randomBytes(OWNER_KEY_BYTES));
}
