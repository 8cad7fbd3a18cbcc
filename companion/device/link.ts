import { OP_NAMES, STATUS_TEXT, Status } from "../../shared/codes";
import { type Info, type SessionStatus, decodeProgramError } from "../../shared/messages";
import { describeProgramError } from "../../shared/program";
import { DeviceStatusError } from "../errors";
import type { OwnerSession } from "./owner";

/**
 * What the device client, the sync and the upload need from a link to a massager, whatever carries
 * it: noble here (companion/ble/link.ts, a board or the virtual device), Web Bluetooth in a browser.
 * Requests and replies are messages of shared/frame.ts; stream packets (log records) and EVT_STATUS
 * events arrive through listeners.
 */
export interface DeviceLink {
  /** The name the device advertises, or its address. */
  readonly name: string;
  /** Its address (the history's device id), or the transport's id for it where there is none. */
  readonly peripheral: { readonly address: string; readonly id: string };
  /** Packet payload both sides use (bytes). */
  payload: number;
  /** The INFO reply of the current connection (the owner's, once AUTH passed). */
  info: Info | null;
  /** This computer's key for the device, if it is one of its owners: AUTH after every INFO, then signed requests. */
  owner: OwnerSession | null;
  /** The device is protected and did not accept this computer as an owner (no key, or a key it forgot). */
  readonly ownerRefused: boolean;
  readonly isConnected: boolean;
  readonly stats: LinkStats;
  /** Sends a request and returns the reply body; a non-OK status throws DeviceStatusError. */
  request(op: number, body?: Uint8Array, opts?: RequestOptions): Promise<Uint8Array>;
  /** Sends a request and returns status and body, whatever the status. */
  requestStatus(op: number, body?: Uint8Array, opts?: RequestOptions): Promise<Reply>;
  /** Credits a flow-controlled log stream: packets up to counter `seen` − 1 have arrived. */
  credit(seen: number): void;
  /** Stream packets (header bit 7 set) go here until cleared with null. */
  setStreamListener(fn: ((packet: Uint8Array) => void) | null): void;
  /** EVT_STATUS events; returns the function that stops them. */
  onEvent(fn: (s: SessionStatus) => void): () => void;
  /** The link dropped; returns the function that stops listening. */
  onDrop(fn: (reason: string) => void): () => void;
}

export interface RequestOptions {
  timeoutMs?: number;
  retries?: number;
  /** Called synchronously when the matching reply arrives, before any later notification is handled. */
  onReply?: (r: Reply) => void;
}

export interface Reply {
  status: number;
  body: Uint8Array;
}

export interface LinkStats {
  requests: number;
  retries: number;
  packetsOut: number;
  packetsIn: number;
  reconnects: number;
}

/** The STATUS_TEXT sentence for a reply, as an error; PROG_COMMIT's Invalid body (why: a program error,
 * messages.ts encodeProgramError) is appended as its sentence. */
export function statusError(op: number, r: Reply): DeviceStatusError {
  const what = OP_NAMES[op] ?? `op 0x${op.toString(16)}`;
  // (an error reply that says "ok" is as unreadable as an unknown status: never "start: ok")
  let sentence = (r.status !== Status.Ok && STATUS_TEXT[r.status]) || `the device answered with unknown status ${r.status}; update the companion or the firmware (\`massager flash\`)`;
  const why = r.status === Status.Invalid ? decodeProgramError(r.body) : null;
  if (why) sentence += ` (${describeProgramError(why)})`;
  return new DeviceStatusError(what, r.status, sentence, r.body);
}
