/** The `NRF` and `Bluetooth` objects: the firmware face of VirtualNrf. */
import type { GlobalsKit } from "./api.js";
import { formatValue } from "./format.js";

export function nrfObject({ host, api, values }: GlobalsKit): Record<string, unknown> {
  const nrf = host.nrf;
  return values.object({
    setServices: api("NRF.setServices", (s: unknown, o?: unknown) => nrf.setServices(s as never, (o ?? {}) as { uart?: boolean })),
    updateServices: api("NRF.updateServices", (u: unknown) => nrf.updateServices(u as never)),
    setAdvertising: api("NRF.setAdvertising", (d: unknown, o?: unknown) => nrf.setAdvertising(d, (o ?? {}) as Record<string, unknown>)),
    setSecurity: api("NRF.setSecurity", (o: unknown) => nrf.setSecurity((o ?? {}) as Record<string, unknown>)),
    getSecurityStatus: api("NRF.getSecurityStatus", () => values.object(nrf.getSecurityStatus())),
    disconnect: api("NRF.disconnect", () => nrf.disconnect()),
    getBattery: api("NRF.getBattery", () => nrf.getBattery()),
    setConnectionInterval: api("NRF.setConnectionInterval", (v: unknown) => nrf.setConnectionInterval(v)),
    getAddress: api("NRF.getAddress", () => nrf.getAddress()),
    setTxPower: api("NRF.setTxPower", (v: unknown) => nrf.setTxPower(Number(v))),
    sleep: api("NRF.sleep", () => nrf.sleep()),
    wake: api("NRF.wake", () => nrf.wake()),
    restart: api("NRF.restart", (cb?: unknown) => {
      nrf.restart();
      if (typeof cb === "function") host.post(() => host.call(cb, undefined, []));
    }),
  });
}

/** `Bluetooth`: the BLE UART console. */
export function bluetoothObject({ host, api, values }: GlobalsKit): Record<string, unknown> {
  const nrf = host.nrf;
  const format = (v: unknown): string => formatValue(v);
  return values.object({
    write: api("Bluetooth.write", (...args: unknown[]) => nrf.consoleOutput(args.map((a) => (typeof a === "string" ? a : format(a))).join(""))),
    print: api("Bluetooth.print", (...args: unknown[]) => nrf.consoleOutput(args.map(format).join(""))),
    println: api("Bluetooth.println", (...args: unknown[]) => nrf.consoleOutput(`${args.map(format).join("")}\r\n`)),
    setConsole: api("Bluetooth.setConsole", () => host.setConsole("Bluetooth", undefined)),
  });
}
