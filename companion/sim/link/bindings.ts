import { EventEmitter } from "node:events";
import { nobleUuid } from "../../ble/noble-types";
import type { SimBackend, SimLinkModel, SimServiceInfo } from "./backend";

/**
 * A bindings object for `require("@abandonware/noble/with-bindings")(bindings)`: it raises the very
 * events, with the very arguments, that noble's hci-socket bindings raise (lib/hci-socket/bindings.js),
 * so noble's own Noble, Peripheral, Service and Characteristic classes drive the virtual device
 * exactly as they drive a board. UUIDs are given as hci gives them (lowercase, no dashes), the MTU
 * arrives after 'connect' (hci exchanges it once connected; `peripheral.mtu` is set late), and a
 * write without response calls back once it has been handed to the link.
 */
export class SimBindings extends EventEmitter {
  private readonly backends: SimBackend[];
  private readonly model: SimLinkModel;
  /** peripheral id → backend, learnt from advertisements. */
  private readonly byId = new Map<string, SimBackend>();
  private readonly connected = new Set<string>();
  private readonly services = new Map<string, SimServiceInfo[]>();
  private scanning = false;
  /** Counts for tests: packets written by the central, per peripheral. */
  readonly writes = new Map<string, number>();

  constructor(backends: SimBackend | SimBackend[], model: SimLinkModel = {}) {
    super();
    this.backends = Array.isArray(backends) ? backends : [backends];
    this.model = model;
    for (const b of this.backends) this.listen(b);
  }

  // ------------------------------------------------------------------ adapter

  init(): void {
    process.nextTick(() => {
      this.emit("addressChange", "00:00:00:00:00:00");
      this.emit("stateChange", "poweredOn");
    });
  }

  setScanParameters(): void {
    process.nextTick(() => this.emit("scanParametersSet"));
  }

  startScanning(serviceUuids?: string[], _allowDuplicates?: boolean): void {
    const want = (serviceUuids ?? []).map(nobleUuid);
    this.scanning = true;
    process.nextTick(() => this.emit("scanStart", false));
    for (const b of this.backends) {
      b.advertise().then(
        (ads) => {
          for (const ad of ads) {
            if (!this.scanning) return;
            const uuids = ad.serviceUuids.map(nobleUuid);
            if (want.length && !want.some((u) => uuids.includes(u))) continue;
            const id = peripheralId(ad.address);
            this.byId.set(id, b);
            const advertisement = {
              localName: ad.localName,
              txPowerLevel: undefined,
              manufacturerData: ad.manufacturerData ? Buffer.from(ad.manufacturerData) : undefined,
              serviceData: [],
              serviceUuids: uuids,
              solicitationServiceUuids: [],
              serviceSolicitationUuids: [],
            };
            this.emit("discover", id, ad.address.toLowerCase(), "random", ad.connectable, advertisement, ad.rssi, true);
          }
        },
        () => undefined, // a backend that cannot advertise is simply not found
      );
    }
  }

  stopScanning(): void {
    this.scanning = false;
    process.nextTick(() => this.emit("scanStop"));
  }

  reset(): void {}

  // ------------------------------------------------------------------ connection

  connect(id: string, _parameters?: unknown): void {
    const b = this.byId.get(id);
    if (!b) {
      process.nextTick(() => this.emit("connect", id, new Error("Unknown peripheral")));
      return;
    }
    b.connect(this.model).then(
      ({ mtu }) => {
        this.connected.add(id);
        this.emit("connect", id, null);
        // hci exchanges the MTU after the connection completes: noble learns it a moment later
        setImmediate(() => {
          if (this.connected.has(id)) this.emit("onMtu", id, mtu);
        });
      },
      (err: unknown) => this.emit("connect", id, err instanceof Error ? err : new Error(String(err))),
    );
  }

  cancelConnect(id: string): void {
    const b = this.byId.get(id);
    if (b && this.connected.has(id)) void b.disconnect().catch(() => undefined);
  }

  disconnect(id: string): void {
    const b = this.byId.get(id);
    if (!b || !this.connected.has(id)) {
      process.nextTick(() => this.emit("disconnect", id, "local"));
      return;
    }
    // the backend's onDisconnect raises the event
    b.disconnect().catch(() => this.dropped(id, "local"));
  }

  updateRssi(id: string): void {
    process.nextTick(() => this.emit("rssiUpdate", id, -50));
  }

  // ------------------------------------------------------------------ GATT

  discoverServices(id: string, uuids?: string[]): void {
    const b = this.byId.get(id);
    if (!b) return;
    b.services().then((list) => {
      this.services.set(id, list);
      const want = (uuids ?? []).map(nobleUuid);
      const found = list.map((s) => nobleUuid(s.uuid)).filter((u) => !want.length || want.includes(u));
      this.emit("servicesDiscover", id, found);
    });
  }

  discoverIncludedServices(id: string, serviceUuid: string): void {
    process.nextTick(() => this.emit("includedServicesDiscover", id, serviceUuid, []));
  }

  discoverCharacteristics(id: string, serviceUuid: string, uuids?: string[]): void {
    const svc = (this.services.get(id) ?? []).find((s) => nobleUuid(s.uuid) === nobleUuid(serviceUuid));
    const want = (uuids ?? []).map(nobleUuid);
    const chars = (svc?.characteristics ?? [])
      .filter((c) => !want.length || want.includes(nobleUuid(c.uuid)))
      .map((c) => ({ uuid: nobleUuid(c.uuid), properties: c.properties.slice() }));
    process.nextTick(() => this.emit("characteristicsDiscover", id, serviceUuid, chars));
  }

  discoverDescriptors(id: string, serviceUuid: string, characteristicUuid: string): void {
    process.nextTick(() => this.emit("descriptorsDiscover", id, serviceUuid, characteristicUuid, ["2902"]));
  }

  read(id: string, serviceUuid: string, characteristicUuid: string): void {
    process.nextTick(() => this.emit("read", id, serviceUuid, characteristicUuid, Buffer.alloc(0), false));
  }

  write(id: string, serviceUuid: string, characteristicUuid: string, data: Buffer, _withoutResponse: boolean): void {
    const b = this.byId.get(id);
    if (!b || !this.connected.has(id)) return; // like hci: no gatt, no callback (the caller's timeout fires)
    this.writes.set(id, (this.writes.get(id) ?? 0) + 1);
    b.write(this.fullUuid(id, serviceUuid), this.fullUuid(id, serviceUuid, characteristicUuid), new Uint8Array(data)).then(
      () => this.emit("write", id, serviceUuid, characteristicUuid),
      () => undefined,
    );
  }

  notify(id: string, serviceUuid: string, characteristicUuid: string, on: boolean): void {
    const b = this.byId.get(id);
    if (!b) return;
    b.subscribe(this.fullUuid(id, serviceUuid), this.fullUuid(id, serviceUuid, characteristicUuid), on).then(
      () => this.emit("notify", id, serviceUuid, characteristicUuid, on),
      () => undefined,
    );
  }

  broadcast(id: string, serviceUuid: string, characteristicUuid: string, state: boolean): void {
    process.nextTick(() => this.emit("broadcast", id, serviceUuid, characteristicUuid, state));
  }

  readValue(id: string, s: string, c: string, d: string): void {
    process.nextTick(() => this.emit("valueRead", id, s, c, d, Buffer.alloc(0)));
  }

  writeValue(id: string, s: string, c: string, d: string): void {
    process.nextTick(() => this.emit("valueWrite", id, s, c, d));
  }

  readHandle(id: string, handle: number): void {
    process.nextTick(() => this.emit("handleRead", id, handle, Buffer.alloc(0)));
  }

  writeHandle(id: string, handle: number): void {
    process.nextTick(() => this.emit("handleWrite", id, handle));
  }

  /** Total packets the central has written to the device with this id (for tests: "nothing sent"). */
  writeCount(id?: string): number {
    if (id) return this.writes.get(id) ?? 0;
    let n = 0;
    for (const v of this.writes.values()) n += v;
    return n;
  }

  // ------------------------------------------------------------------ internals

  private listen(b: SimBackend): void {
    b.onNotify((service, characteristic, data) => {
      const id = this.idOf(b);
      if (!id || !this.connected.has(id)) return;
      this.emit("read", id, nobleUuid(service), nobleUuid(characteristic), Buffer.from(data), true);
    });
    b.onDisconnect((reason) => {
      const id = this.idOf(b);
      if (id) this.dropped(id, reason);
    });
  }

  private dropped(id: string, reason: string): void {
    if (!this.connected.delete(id)) return;
    this.emit("disconnect", id, reason);
  }

  private idOf(b: SimBackend): string | undefined {
    for (const [id, x] of this.byId) if (x === b) return id;
    return undefined;
  }

  /** The backend's own spelling of a service or characteristic UUID (noble gives them undashed). */
  private fullUuid(id: string, serviceUuid: string, characteristicUuid?: string): string {
    const svc = (this.services.get(id) ?? []).find((s) => nobleUuid(s.uuid) === nobleUuid(serviceUuid));
    if (!svc) return characteristicUuid ?? serviceUuid;
    if (characteristicUuid === undefined) return svc.uuid;
    const chr = svc.characteristics.find((c) => nobleUuid(c.uuid) === nobleUuid(characteristicUuid));
    return chr ? chr.uuid : characteristicUuid;
  }
}

/** "AA:BB:…" → noble's peripheral id "aabb…". */
function peripheralId(address: string): string {
  return address.split(":").join("").toLowerCase();
}
