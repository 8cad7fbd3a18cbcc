/** `require("Storage")`: the firmware face of the virtual Flash. */
import type { GlobalsKit } from "./api.js";

export function storageModule({ host, api, values }: GlobalsKit): Record<string, unknown> {
  const { object, array, arrayBuffer } = values;
  return object({
    write: api("Storage.write", (name: unknown, data: unknown, offset?: unknown, size?: unknown) =>
      host.flash.write(String(name), data as never, offset as number, size as number),
    ),
    writeJSON: api("Storage.writeJSON", (name: unknown, data: unknown) => host.flash.writeJSON(String(name), data)),
    read: api("Storage.read", (name: unknown, offset?: unknown, length?: unknown) =>
      host.flash.read(String(name), offset as number, length as number),
    ),
    readJSON: api("Storage.readJSON", (name: unknown, noExceptions?: unknown) =>
      host.flash.readJSON(String(name), !!noExceptions, values.parseJson),
    ),
    readArrayBuffer: api("Storage.readArrayBuffer", (name: unknown) => {
      const b = host.flash.readBytes(String(name));
      return b === undefined ? undefined : arrayBuffer(b);
    }),
    erase: api("Storage.erase", (name: unknown) => host.flash.erase(String(name))),
    list: api("Storage.list", (regex?: unknown) => array(host.flash.list(regex as RegExp | undefined))),
    compact: api("Storage.compact", () => host.flash.compact()),
    getFree: api("Storage.getFree", () => host.flash.getFree()),
    getStats: api("Storage.getStats", () => object({ ...host.flash.getStats() })),
    eraseAll: api("Storage.eraseAll", () => host.flash.eraseAll()),
    open: api("Storage.open", () => {
      throw new Error("Storage.open (StorageFile) is not modelled by the virtual device");
    }),
  });
}
