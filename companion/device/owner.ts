import { AUTH_MAC_BYTES, NONCE_BYTES, SIGNATURE_MAC_BYTES } from "../../shared/limits";
import { SIGNED } from "../../shared/codes";
import { AUTH_LABEL, DEVICE_LABEL, SESSION_LABEL, authInput, encodeAuth, signBody, signedInput } from "../../shared/messages";
import { LinkError } from "../errors";

/*
 * One link's owner session (shared/messages.ts "Owners"): AUTH proves the owner key against the
 * connection's nonce, the device proves it back, and every request after that is signed with the
 * session key and a growing counter. Whatever carries the link (noble, Web Bluetooth) gives the HMAC
 * (node:crypto, or the browser's SubtleCrypto, which only answers with Promises).
 */
export interface OwnerKey {
  /** The device's slot for this key (0..3). */
  slot: number;
  key: Uint8Array;
}

/** HMAC-SHA-256. */
export type Hmac = (key: Uint8Array, data: Uint8Array) => Uint8Array | Promise<Uint8Array>;

export class OwnerSession {
  readonly owner: OwnerKey;
  private readonly hmac: Hmac;
  private sessionKey: Uint8Array | null = null;
  private counter = 0;

  constructor(owner: OwnerKey, hmac: Hmac) {
    this.owner = owner;
    this.hmac = hmac;
  }

  /** Whether this connection's AUTH passed (requests are signed). */
  get active(): boolean {
    return this.sessionKey !== null;
  }

  /** A new connection: nothing proved yet. */
  reset(): void {
    this.sessionKey = null;
    this.counter = 0;
  }

  /**
   * AUTH against the nonce INFO gave: `send` carries the request body and returns the reply (status,
   * body). Resolves when the device proved the key too; throws a sentence when it refuses the key or
   * its proof is wrong (not the device this key was paired with).
   */
  async authenticate(deviceNonce: Uint8Array, send: (body: Uint8Array) => Promise<{ status: number; body: Uint8Array }>): Promise<boolean> {
    this.reset();
    const nc = new Uint8Array(NONCE_BYTES);
    globalThis.crypto.getRandomValues(nc);
    const k = this.owner.key;
    const mac = (await this.hmac(k, authInput(AUTH_LABEL, deviceNonce, nc))).subarray(0, AUTH_MAC_BYTES);
    const r = await send(encodeAuth({ slot: this.owner.slot, nonce: nc, mac }));
    if (r.status !== 0) return false;
    const proof = (await this.hmac(k, authInput(DEVICE_LABEL, deviceNonce, nc))).subarray(0, AUTH_MAC_BYTES);
    if (r.body.length < AUTH_MAC_BYTES || proof.some((b, i) => b !== r.body[i]))
      throw new LinkError("the massager answered AUTH without knowing the key: it is not the device this computer paired with; run `massager pair` with it");
    this.sessionKey = await this.hmac(k, authInput(SESSION_LABEL, deviceNonce, nc));
    return true;
  }

  /** A request's status byte and body, signed when AUTH passed (a new counter for every send). */
  async sign(op: number, id: number, body: Uint8Array): Promise<{ flags: number; body: Uint8Array }> {
    if (!this.sessionKey) return { flags: 0, body };
    const ctr = ++this.counter;
    if (ctr > 0xffff) throw new LinkError("this connection has signed as many requests as it can; reconnect");
    const mac = (await this.hmac(this.sessionKey, signedInput(ctr, op, id, body))).subarray(0, SIGNATURE_MAC_BYTES);
    return { flags: SIGNED, body: signBody(body, ctr, mac) };
  }
}
