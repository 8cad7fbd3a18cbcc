/**
 * The parts of noble's classes the companion uses, typed structurally. The same objects come from
 * `@abandonware/noble` (a real adapter) and from `@abandonware/noble/with-bindings` over the
 * virtual device's bindings: noble's own Noble, Peripheral, Service and Characteristic classes.
 */
export interface NobleEmitter {
  on(event: string, listener: (...args: any[]) => void): unknown;
  once(event: string, listener: (...args: any[]) => void): unknown;
  removeListener(event: string, listener: (...args: any[]) => void): unknown;
}

export interface NobleCharacteristic extends NobleEmitter {
  uuid: string;
  properties: string[];
  write(data: Uint8Array, withoutResponse: boolean, callback?: (err?: unknown) => void): void;
  subscribe(callback?: (err?: unknown) => void): void;
  unsubscribe(callback?: (err?: unknown) => void): void;
}

export interface NobleService extends NobleEmitter {
  uuid: string;
  characteristics: NobleCharacteristic[] | null;
  discoverCharacteristics(uuids: string[], callback?: (err: unknown, chars: NobleCharacteristic[]) => void): void;
}

export interface NobleAdvertisement {
  localName?: string;
  serviceUuids?: string[];
  manufacturerData?: Uint8Array;
}

export interface NoblePeripheral extends NobleEmitter {
  id: string;
  address: string;
  rssi: number;
  mtu: number | null;
  state: string;
  advertisement: NobleAdvertisement;
  connect(callback?: (err?: unknown) => void): void;
  connect(options: object | undefined, callback?: (err?: unknown) => void): void;
  cancelConnect(options?: object): void;
  disconnect(callback?: () => void): void;
  discoverServices(uuids: string[], callback?: (err: unknown, services: NobleService[]) => void): void;
}

export interface NobleLike extends NobleEmitter {
  state: string;
  startScanning(serviceUuids?: string[], allowDuplicates?: boolean, callback?: (err?: unknown) => void): void;
  stopScanning(callback?: () => void): void;
  removeAllListeners(event?: string): unknown;
}

/** UUIDs as noble gives them (its hci bindings: lowercase, no dashes), for comparing any spelling. */
export function nobleUuid(uuid: string): string {
  return uuid.replace(/-/g, "").toLowerCase();
}
