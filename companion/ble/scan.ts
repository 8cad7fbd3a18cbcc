import { NAME_PREFIX, SERVICE_UUID } from "../../shared/uuids";
import { DeviceNotFoundError } from "../errors";
import { type NobleLike, type NoblePeripheral, nobleUuid } from "./noble-types";
import { withTimeout } from "../device/timeout";
import { fromCallback } from "./timeout";

export interface Found {
  peripheral: NoblePeripheral;
  name: string;
  address: string;
  rssi: number;
}

/** A massager advertises its name with NAME_PREFIX (or, on other firmware builds, the service UUID). */
function isMassager(p: NoblePeripheral): boolean {
  const name = p.advertisement?.localName ?? "";
  const uuids = (p.advertisement?.serviceUuids ?? []).map(nobleUuid);
  return name.startsWith(NAME_PREFIX) || uuids.includes(nobleUuid(SERVICE_UUID));
}

/** Whether a peripheral is the one `wanted` names: its address (colons optional), id, or name (or name's suffix). */
export function matches(p: NoblePeripheral, wanted: string): boolean {
  const w = wanted.trim().toLowerCase();
  const bare = w.replace(/[:-]/g, "");
  const name = (p.advertisement?.localName ?? "").toLowerCase();
  return (
    (p.address ?? "").toLowerCase() === w ||
    (p.address ?? "").replace(/:/g, "").toLowerCase() === bare ||
    p.id.toLowerCase() === bare ||
    name === w ||
    (name.length > 0 && name.endsWith(" " + w))
  );
}

/**
 * Scans for massagers for up to `timeoutMs`, or until `until(found)` says enough. Every noble call
 * is bounded; scanning is always stopped before this returns.
 */
export async function scan(noble: NobleLike, opts: { timeoutMs: number; until?: (f: Found) => boolean }): Promise<Found[]> {
  const found = new Map<string, Found>();
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const onDiscover = (p: NoblePeripheral) => {
    if (!isMassager(p)) return;
    const f: Found = { peripheral: p, name: p.advertisement?.localName ?? "", address: p.address, rssi: p.rssi };
    found.set(p.id, f);
    if (opts.until?.(f)) finish();
  };
  noble.on("discover", onDiscover);
  const timer = setTimeout(finish, opts.timeoutMs);
  try {
    await withTimeout(fromCallback<void>((cb) => noble.startScanning([], false, cb)), 5000, "starting a Bluetooth scan");
    await done;
  } finally {
    clearTimeout(timer);
    noble.removeListener("discover", onDiscover);
    await withTimeout(new Promise<void>((r) => noble.stopScanning(() => r())), 2000, "stopping the Bluetooth scan").catch(() => undefined);
  }
  return [...found.values()].sort((a, b) => b.rssi - a.rssi);
}

/** The massager `wanted` names (or the first one found), or DeviceNotFoundError. */
export async function findPeripheral(noble: NobleLike, wanted: string | undefined, timeoutMs: number): Promise<NoblePeripheral> {
  const pick = (f: Found) => (wanted ? matches(f.peripheral, wanted) : true);
  const list = await scan(noble, { timeoutMs, until: pick });
  const hit = list.find(pick);
  if (!hit) throw new DeviceNotFoundError(wanted, Math.round(timeoutMs / 1000));
  return hit.peripheral;
}
