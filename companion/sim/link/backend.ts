/**
 * What the virtual-device bindings (bindings.ts) need from a virtual massager. Two implementations
 * plug in:
 *  - a local one that runs the firmware bundle in this process (local-backend.ts);
 *  - a remote one that reaches a long-running `massager sim` process over a local socket
 *    (remote-backend.ts).
 * Every call is async so that a remote backend fits; events arrive through the two callbacks.
 * One backend is one device (one advertisement, one connection at a time).
 */

/** The link model: what a real radio link would impose. Passed through to the virtual device. */
export interface SimLinkModel {
  /** ATT MTU the central asks for (23, 53, 131 …); the link uses min(this, the board's). */
  mtu?: number;
  /** Connection interval in ms (7.5 … 4000). */
  intervalMs?: number;
  /** Notifications the radio sends per connection interval. */
  packetsPerInterval?: number;
  /** Chance that one notification is lost (0 … 1). */
  dropRate?: number;
  /** Seed for the drop pattern. */
  seed?: number;
}

export interface SimAdvertisement {
  /** "aa:bb:cc:dd:ee:ff" */
  address: string;
  localName: string;
  rssi: number;
  connectable: boolean;
  serviceUuids: string[];
  manufacturerData?: Uint8Array;
}

export interface SimCharacteristicInfo {
  uuid: string;
  /** noble's property names: "read", "write", "writeWithoutResponse", "notify", … */
  properties: string[];
}

export interface SimServiceInfo {
  uuid: string;
  characteristics: SimCharacteristicInfo[];
}

export interface SimBackend {
  /** What the device advertises now (empty while it is connected to another central). */
  advertise(): Promise<SimAdvertisement[]>;
  /** Connects; resolves with the negotiated ATT MTU. */
  connect(model: SimLinkModel): Promise<{ mtu: number }>;
  /** Disconnects from the central side. */
  disconnect(): Promise<void>;
  services(): Promise<SimServiceInfo[]>;
  /** A write without response to a characteristic. */
  write(service: string, characteristic: string, data: Uint8Array): Promise<void>;
  subscribe(service: string, characteristic: string, on: boolean): Promise<void>;
  /** Notifications the central receives (after the link model: paced, some possibly dropped). */
  onNotify(cb: (service: string, characteristic: string, data: Uint8Array) => void): void;
  /** The link dropped (device side, link model, or a fault injected by a test). */
  onDisconnect(cb: (reason: string) => void): void;
  /** Frees the backend (saves the local device's flash; closes a remote socket). */
  close(): Promise<void>;
  /** Whether a central holds the device now (it does not advertise then): "busy", not "asleep". */
  centralConnected(): Promise<boolean>;
  /**
   * The device lives only as long as this backend: `--device sim` with no `massager sim` running
   * boots it inside the command (its flash is kept, its clock and any session end with the command).
   */
  readonly ephemeral?: boolean;
}
