/**
 * The part of the Web Bluetooth API the page uses (TypeScript's DOM library does not carry it):
 * https://webbluetoothcg.github.io/web-bluetooth/. Every call answers with a Promise; the device and
 * its characteristics are EventTargets ("gattserverdisconnected", "characteristicvaluechanged").
 */
export interface BluetoothFilter {
  services?: string[];
  name?: string;
  namePrefix?: string;
}

export interface RequestDeviceOptions {
  filters?: BluetoothFilter[];
  optionalServices?: string[];
  acceptAllDevices?: boolean;
}

export interface Bluetooth {
  /** Shows the browser's chooser (only while handling a user gesture); rejects NotFoundError when the person cancels. */
  requestDevice(options: RequestDeviceOptions): Promise<BluetoothDevice>;
  /** Whether the computer has a Bluetooth adapter the browser may use. */
  getAvailability(): Promise<boolean>;
}

export interface BluetoothDevice extends EventTarget {
  /** Opaque and per origin: the page never learns the device's address. */
  readonly id: string;
  readonly name?: string | null;
  readonly gatt?: BluetoothRemoteGATTServer;
}

export interface BluetoothRemoteGATTServer {
  readonly device: BluetoothDevice;
  readonly connected: boolean;
  connect(): Promise<BluetoothRemoteGATTServer>;
  disconnect(): void;
  getPrimaryService(uuid: string): Promise<BluetoothRemoteGATTService>;
}

export interface BluetoothRemoteGATTService {
  readonly uuid: string;
  getCharacteristic(uuid: string): Promise<BluetoothRemoteGATTCharacteristic>;
}

export interface BluetoothRemoteGATTCharacteristic extends EventTarget {
  readonly uuid: string;
  /** The last notified value. */
  readonly value?: DataView | null;
  startNotifications(): Promise<BluetoothRemoteGATTCharacteristic>;
  stopNotifications(): Promise<BluetoothRemoteGATTCharacteristic>;
  /** At most 512 bytes; may fail with NetworkError while the browser's write queue is busy. */
  writeValueWithoutResponse(value: BufferSource): Promise<void>;
}

/** Largest value a page may write (the Web Bluetooth specification's limit). */
export const WRITE_MAX_BYTES = 512;

/** navigator.bluetooth, or null in a browser without Web Bluetooth (Firefox, Safari) or outside a secure context. */
export function webBluetooth(): Bluetooth | null {
  return (navigator as Navigator & { bluetooth?: Bluetooth }).bluetooth ?? null;
}
