/**
 * navigator.bluetooth for the page under test, injected before the page's own scripts
 * (page.addInitScript): the Web Bluetooth API surface the page uses, with the browser's rules, over a
 * radio in Node (test/helpers/web-radio.ts) that reaches the virtual massager running the real
 * firmware bundle. The page cannot tell it from Chrome's:
 *  - every call answers with a Promise and fails with the DOMException Chrome raises (names and messages);
 *  - requestDevice needs a user gesture and a filter; the chooser offers only advertisements that
 *    match a filter (a name prefix, or services the device advertises), and picks the first one;
 *    services neither filtered nor listed in optionalServices are refused;
 *  - a write is at most 512 bytes (and no more than the ATT MTU allows without response); a second
 *    write while one is pending fails "GATT operation already in progress", and the radio may refuse
 *    a write as its queue is busy;
 *  - `gattserverdisconnected` is the only sign of a lost link; the services and characteristics of an
 *    earlier connection are dead after it, and notifications reach only a subscribed characteristic.
 * Node talks to it through one binding: calls go out, and a long poll brings notifications and drops.
 */
import type {
  Bluetooth, BluetoothDevice, BluetoothFilter, BluetoothRemoteGATTCharacteristic, BluetoothRemoteGATTServer,
  BluetoothRemoteGATTService, RequestDeviceOptions,
} from "../../../companion/web/bluetooth/api";

/** What Node answers (test/helpers/web-radio.ts RadioCall / RadioEvent). */
interface Advertisement {
  address: string;
  localName: string;
  serviceUuids: string[];
}
interface ServiceInfo {
  uuid: string;
  characteristics: { uuid: string; properties: string[] }[];
}
type RadioEvent = { kind: "notify"; service: string; characteristic: string; data: number[] } | { kind: "disconnect"; reason: string };
type Radio = (call: Record<string, unknown>) => Promise<any>;

declare global {
  interface Window {
    __massagerRadio?: Radio;
  }
}

const radio: Radio = (call) => window.__massagerRadio!(call);

const fail = (name: string, message: string) => Promise.reject(new DOMException(message, name));
const DISCONNECTED = "GATT Server is disconnected. Cannot perform GATT operations. (Re)connect first with `device.gatt.connect`.";

/** UUIDs as the API takes them: 128-bit, lower case (16-bit numbers expand on the Bluetooth base). */
function canonical(uuid: unknown): string {
  if (typeof uuid === "number") return `0000${uuid.toString(16).padStart(4, "0")}-0000-1000-8000-00805f9b34fb`;
  if (typeof uuid === "string" && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(uuid)) return uuid;
  throw new TypeError(`Failed to execute 'requestDevice' on 'Bluetooth': Invalid Service name: '${String(uuid)}'. It must be a valid UUID alias (e.g. 0x1234), UUID (lowercase hex characters e.g. '00001234-0000-1000-8000-00805f9b34fb'), or recognized standard name from https://www.bluetooth.com/specifications/gatt/services e.g. 'alert_notification'.`);
}

/** The radio's UUIDs (noble style, no dashes) as the API's. */
function dashed(uuid: string): string {
  const u = uuid.replace(/-/g, "").toLowerCase();
  return u.length === 4 ? canonical(parseInt(u, 16)) : `${u.slice(0, 8)}-${u.slice(8, 12)}-${u.slice(12, 16)}-${u.slice(16, 20)}-${u.slice(20)}`;
}

function matches(ad: Advertisement, f: BluetoothFilter): boolean {
  if (f.name !== undefined && ad.localName !== f.name) return false;
  if (f.namePrefix !== undefined && !ad.localName.startsWith(f.namePrefix)) return false;
  const advertised = ad.serviceUuids.map(dashed);
  return (f.services ?? []).every((s) => advertised.includes(canonical(s)));
}

/** A stable opaque id for a device, as Chrome gives each origin (never the address). */
function opaqueId(address: string): string {
  let h = 2166136261;
  for (const ch of address) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return btoa(String.fromCharCode(...[h, h >>> 8, h >>> 16, h >>> 24, h ^ 0x5a, h >>> 3].map((x) => x & 0xff))) + "AAAAAAAAAAAAAA==";
}

class ShimCharacteristic extends EventTarget implements BluetoothRemoteGATTCharacteristic {
  readonly uuid: string;
  value: DataView | null = null;
  readonly service: ShimService;
  private readonly properties: string[];
  private writing = false;
  subscribed = false;

  constructor(service: ShimService, uuid: string, properties: string[]) {
    super();
    this.service = service;
    this.uuid = uuid;
    this.properties = properties;
  }

  private get live(): Promise<never> | null {
    const s = this.service.server;
    if (!s.connected) return fail("NetworkError", DISCONNECTED);
    if (this.service.generation !== s.generation) return fail("InvalidStateError", "GATT Characteristic no longer exists.");
    return null;
  }

  async startNotifications(): Promise<BluetoothRemoteGATTCharacteristic> {
    const dead = this.live;
    if (dead) return dead;
    if (!this.properties.includes("notify") && !this.properties.includes("indicate"))
      return fail("NotSupportedError", "GATT operation not permitted.");
    await radio({ op: "subscribe", service: this.service.uuid, characteristic: this.uuid, on: true });
    this.subscribed = true;
    return this;
  }

  async stopNotifications(): Promise<BluetoothRemoteGATTCharacteristic> {
    const dead = this.live;
    if (dead) return dead;
    await radio({ op: "subscribe", service: this.service.uuid, characteristic: this.uuid, on: false });
    this.subscribed = false;
    return this;
  }

  async writeValueWithoutResponse(value: BufferSource): Promise<void> {
    // the bytes are copied when the call is made
    const bytes = ArrayBuffer.isView(value) ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength).slice() : new Uint8Array(value.slice(0));
    const dead = this.live;
    if (dead) return dead;
    if (bytes.length > 512) return fail("InvalidModificationError", "Value can't exceed 512 bytes.");
    if (!this.properties.includes("writeWithoutResponse")) return fail("NotSupportedError", "GATT operation not permitted.");
    if (bytes.length > this.service.server.mtu - 3) return fail("NetworkError", "GATT operation failed for unknown reason.");
    if (this.writing) return fail("NetworkError", "GATT operation already in progress.");
    this.writing = true;
    try {
      const r = await radio({ op: "write", service: this.service.uuid, characteristic: this.uuid, data: [...bytes] });
      if (r?.busy) return fail("NetworkError", "GATT operation failed for unknown reason.");
      if (r?.lost) return fail("NetworkError", DISCONNECTED);
    } finally {
      this.writing = false;
    }
  }

  /** A notification from the radio: the value changes, then the event (it bubbles, as Chrome's does). */
  notify(data: number[]): void {
    this.value = new DataView(new Uint8Array(data).buffer);
    this.dispatchEvent(new Event("characteristicvaluechanged", { bubbles: true }));
  }
}

class ShimService implements BluetoothRemoteGATTService {
  readonly uuid: string;
  readonly server: ShimServer;
  readonly generation: number;
  private readonly info: ServiceInfo;

  constructor(server: ShimServer, info: ServiceInfo) {
    this.server = server;
    this.info = info;
    this.uuid = dashed(info.uuid);
    this.generation = server.generation;
  }

  async getCharacteristic(uuid: string): Promise<BluetoothRemoteGATTCharacteristic> {
    const want = canonical(uuid);
    if (!this.server.connected) return fail("NetworkError", DISCONNECTED);
    if (this.generation !== this.server.generation) return fail("InvalidStateError", "GATT Service no longer exists.");
    const known = this.server.characteristics.get(`${this.uuid} ${want}`);
    if (known) return known;
    const c = this.info.characteristics.find((x) => dashed(x.uuid) === want);
    if (!c) return fail("NotFoundError", `No Characteristics matching UUID ${want} found in Service with UUID ${this.uuid}.`);
    const made = new ShimCharacteristic(this, want, c.properties);
    this.server.characteristics.set(`${this.uuid} ${want}`, made);
    return made;
  }
}

class ShimServer implements BluetoothRemoteGATTServer {
  readonly device: ShimDevice;
  connected = false;
  /** Each connection's services and characteristics are its own. */
  generation = 0;
  mtu = 23;
  characteristics = new Map<string, ShimCharacteristic>();

  constructor(device: ShimDevice) {
    this.device = device;
  }

  async connect(): Promise<BluetoothRemoteGATTServer> {
    if (this.connected) return this;
    const r = await radio({ op: "connect", address: this.device.address });
    if (r?.refused) return fail("NetworkError", "Connection attempt failed.");
    this.generation++;
    this.characteristics = new Map();
    this.mtu = r.mtu;
    this.connected = true;
    listen();
    return this;
  }

  disconnect(): void {
    if (!this.connected) return;
    void radio({ op: "disconnect" });
    this.lost();
  }

  async getPrimaryService(uuid: string): Promise<BluetoothRemoteGATTService> {
    const want = canonical(uuid);
    if (!this.connected) return fail("NetworkError", "GATT Server is disconnected. Cannot retrieve services. (Re)connect first with `device.gatt.connect`.");
    if (!this.device.allowed.includes(want))
      return fail("SecurityError", "Origin is not allowed to access the service. Tip: Add the service UUID to 'optionalServices' in requestDevice() options. https://goo.gl/HxfxSQ");
    const generation = this.generation;
    const services = (await radio({ op: "services" })) as ServiceInfo[];
    if (!this.connected || generation !== this.generation) return fail("NetworkError", DISCONNECTED);
    const s = services.find((x) => dashed(x.uuid) === want);
    if (!s) return fail("NotFoundError", `No Services matching UUID ${want} found in Device.`);
    return new ShimService(this, s);
  }

  /** The link is gone: `connected` turns false and the event fires once, in the same task (as Chromium does). */
  lost(): void {
    if (!this.connected) return;
    this.connected = false;
    this.device.dispatchEvent(new Event("gattserverdisconnected", { bubbles: true }));
  }
}

class ShimDevice extends EventTarget implements BluetoothDevice {
  readonly id: string;
  readonly name: string;
  readonly address: string;
  readonly gatt: ShimServer;
  allowed: string[] = [];

  constructor(ad: Advertisement) {
    super();
    this.address = ad.address;
    this.id = opaqueId(ad.address);
    this.name = ad.localName;
    this.gatt = new ShimServer(this);
  }
}

const devices = new Map<string, ShimDevice>();
let current: ShimDevice | null = null;
let listening = false;

/** The long poll that brings the radio's notifications and drops, in order. */
function listen(): void {
  if (listening) return;
  listening = true;
  void (async () => {
    for (;;) {
      let events: RadioEvent[];
      try {
        events = await radio({ op: "poll" });
      } catch {
        return; // the page is going away
      }
      for (const e of events) {
        const server = current?.gatt;
        if (!server?.connected) continue;
        if (e.kind === "disconnect") server.lost();
        else {
          const key = `${dashed(e.service)} ${dashed(e.characteristic)}`;
          const c = server.characteristics.get(key);
          if (c?.subscribed) c.notify(e.data);
        }
      }
    }
  })();
}

class ShimBluetooth extends EventTarget implements Bluetooth {
  async getAvailability(): Promise<boolean> {
    return true;
  }

  async requestDevice(options: RequestDeviceOptions): Promise<BluetoothDevice> {
    const fn = "Failed to execute 'requestDevice' on 'Bluetooth': ";
    if (!navigator.userActivation.isActive) return fail("SecurityError", `${fn}Must be handling a user gesture to show a permission request.`);
    const filters = options?.filters;
    if (!!filters === !!options?.acceptAllDevices) throw new TypeError(`${fn}Either 'filters' should be present or 'acceptAllDevices' should be true, but not both.`);
    if (filters && filters.length === 0) throw new TypeError(`${fn}'filters' member must be non-empty to find any devices.`);
    for (const f of filters ?? []) {
      if (f.services === undefined && f.name === undefined && f.namePrefix === undefined)
        throw new TypeError(`${fn}A filter must restrict the devices in some way.`);
      if (f.namePrefix === "") throw new TypeError(`${fn}'namePrefix', if present, must be non-empty.`);
    }
    const allowed = [...(filters ?? []).flatMap((f) => (f.services ?? []).map(canonical)), ...(options.optionalServices ?? []).map(canonical)];
    const ads = (await radio({ op: "scan" })) as Advertisement[];
    const chosen = ads.find((ad) => options.acceptAllDevices || filters!.some((f) => matches(ad, f)));
    if (!chosen) return fail("NotFoundError", "User cancelled the requestDevice() chooser.");
    const device = devices.get(chosen.address) ?? new ShimDevice(chosen);
    devices.set(chosen.address, device);
    device.allowed = [...new Set([...device.allowed, ...allowed])];
    current = device;
    return device;
  }
}

Object.defineProperty(navigator, "bluetooth", { value: new ShimBluetooth(), configurable: true, enumerable: true });
