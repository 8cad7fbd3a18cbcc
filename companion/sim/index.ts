/**
 * The virtual device: an Espruino nRF52 board simulated in Node, running the real firmware bundle.
 *
 * Start with `new VirtualDevice({ bundlePath: "dist/firmware.js" })`; see device.ts. The pieces
 * are exported for the `massager sim` command and the noble bindings, which sit on top.
 */
export { VirtualClock, UnknownTimerError, type HostTimer, type TimerCallback, type VirtualClockOptions } from "./clock.js";
export {
  Flash,
  PowerLossError,
  toBytes,
  bytesToBinaryString,
  align,
  FILE_HEADER_BYTES,
  MAX_NAME_LENGTH,
  FLASH_ALIGNMENT,
  DEFAULT_FLASH_BYTES,
  DEFAULT_PAGE_BYTES,
  type FlashData,
  type FlashOptions,
  type FaultOptions,
  type FlashStats,
  type FlashFileInfo,
} from "./flash.js";
export {
  VirtualNrf,
  normalizeUuid,
  NUS_SERVICE,
  NUS_RX,
  NUS_TX,
  DISCONNECT_REASON,
  type CharacteristicState,
  type GattTable,
  type CentralConnectOptions,
  type ConnectionInfo,
  type LinkStats,
  type AdvertisingState,
  type NrfHost,
  type VirtualNrfOptions,
} from "./nrf.js";
export { PinBank, type PinSample, type WatchEvent, type WatchOptions } from "./pins.js";
export { createFirmwareRealm, type FirmwareRealm, type RealmOptions } from "./realm/create.js";
export type { EspruinoHost, GlobalsBoard } from "./realm/host.js";
export { ESPRUINO_MISSING_GLOBALS, ESPRUINO_MISSING_MEMBERS } from "./realm/missing.js";
export { formatValue } from "./realm/format.js";
export { estimateVars } from "./realm/memory.js";
export { crc32 } from "./realm/crc32.js";
export { VirtualDevice, type BoardProfile, type DeviceState, type VirtualDeviceOptions } from "./device.js";
export { describeError } from "./device/describe-error.js";
export { seededRandom, randomInt, type Random } from "./prng.js";
