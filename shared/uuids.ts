/** GATT identifiers. One custom service: requests are written, replies and events are notified. */
/** Ours differ only in the fourth digit (one copy of the rest in the firmware bundle). */
const ours = (n: number): string => {
  return "5a1e000" + n + "-7d2c-4b8e-9a51-3c0de5ca1900";
};
/** 5a1e0001-7d2c-4b8e-9a51-3c0de5ca1900 */
export const SERVICE_UUID = /* @__PURE__ */ ours(1);
/** 5a1e0002-7d2c-4b8e-9a51-3c0de5ca1900 */
export const REQUEST_CHAR_UUID = /* @__PURE__ */ ours(2);
/** 5a1e0003-7d2c-4b8e-9a51-3c0de5ca1900 */
export const NOTIFY_CHAR_UUID = /* @__PURE__ */ ours(3);
/** Nordic UART (Espruino's console; what espruino-tools flashes through). */
export const UART_SERVICE_UUID = "6e400001-b5a3-f393-e0a9-e50e24dcca9e";
export const UART_TX_CHAR_UUID = "6e400003-b5a3-f393-e0a9-e50e24dcca9e";
export const UART_RX_CHAR_UUID = "6e400002-b5a3-f393-e0a9-e50e24dcca9e";
/** Advertised name prefix: the companion's scan matches it. */
export const NAME_PREFIX = "Massager";
