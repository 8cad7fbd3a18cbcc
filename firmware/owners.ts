import { ANY_SLOT, Setting, Status } from "../shared/codes";
import { AUTH_MAC_BYTES, NONCE_BYTES, OWNER_KEY_BYTES, OWNER_SLOTS, SIGNATURE_BYTES, SIGNATURE_MAC_BYTES } from "../shared/limits";
import { AUTH_LABEL, DEVICE_LABEL, SESSION_LABEL } from "../shared/messages";
import { u16, sub } from "../shared/bytes";
import { crc8 } from "./crc8";
import { J, J_FLAGS, J_PASSKEY, S, jSet, rd } from "./store";

/*
 * Owners (shared/messages.ts "Owners"): up to OWNER_SLOTS HMAC-SHA-256 keys, one file each,
 * "mkey" + slot: the key and its crc8 (a key torn by a power cut is no key). A device with a key
 * obeys only a link that proved one (AUTH against this connection's nonce) and signs each request
 * with the session key, its counter growing; a replayed, injected or foreign request is Denied before
 * it runs. The person holding the device can always pair a new key: the button's trust window.
 */
const SHA256 = require("crypto").SHA256;
/** This connection's nonce, the link's session key, the slot it proved (-1: none), its last counter. */
export const nonce = new Uint8Array(NONCE_BYTES);
const ks = new Uint8Array(32);
export let owner = -1;
let ctr = 0;
/** Bit n: slot n holds a key. */
export let owners = 0;

/** HMAC-SHA-256 (RFC 2104) of data under key (at most 64 bytes). */
const hmac = (key: Uint8Array, data: Uint8Array): Uint8Array => {
  const b = new Uint8Array(64);
  for (let i = 0; i < 64; i++) b[i] = (key[i] | 0) ^ 0x36;
  const inner = SHA256(E.toUint8Array(b, data));
  for (let i = 0; i < 64; i++) b[i] ^= 0x36 ^ 0x5c;
  return new Uint8Array(SHA256(E.toUint8Array(b, inner)));
};

/** Whether the first n bytes of a and b agree (every byte looked at, whatever the first difference). */
const same = (a: Uint8Array, b: Uint8Array, n: number): boolean => {
  let d = 0;
  for (let i = 0; i < n; i++) d |= a[i] ^ b[i];
  return !d;
};

/** The key in a slot (a view into flash), or undefined. */
const keyOf = (slot: number): Uint8Array | undefined => {
  const b = slot < OWNER_SLOTS ? rd("mkey" + slot) : undefined;
  if (b && b.length > OWNER_KEY_BYTES && crc8(b, 0, OWNER_KEY_BYTES) === b[OWNER_KEY_BYTES]) return sub(b, 0, OWNER_KEY_BYTES);
};

/** Whether only owners may use the device: a key is paired, or the old RequireBond setting waits for one. */
export const isProtected = (): boolean => {
  return !!owners || !!(J[J_FLAGS] & Setting.RequireBond);
};

/** A new connection: a fresh nonce, nobody proved. */
export const ownersReset = (): void => {
  for (let i = 0; i < NONCE_BYTES; i++) nonce[i] = E.hwRand();
  owner = -1;
  ctr = 0;
  owners = 0;
  for (let s = 0; s < OWNER_SLOTS; s++) if (keyOf(s)) owners |= 1 << s;
};

/** AUTH: slot u8, Nc, mac. Returns the reply body (the device's proof), or undefined: Denied. */
export const auth = (b: Uint8Array): Uint8Array | undefined => {
  const k = keyOf(b[0]);
  if (!k) return;
  // label, device nonce, central nonce (E.toUint8Array joins its arguments' bytes)
  const m = E.toUint8Array(AUTH_LABEL, nonce, sub(b, 1, 1 + NONCE_BYTES));
  if (!same(hmac(k, m), sub(b, 1 + NONCE_BYTES), AUTH_MAC_BYTES)) return;
  m[0] = SESSION_LABEL;
  ks.set(hmac(k, m));
  owner = b[0];
  ctr = 0;
  m[0] = DEVICE_LABEL;
  return sub(hmac(k, m), 0, AUTH_MAC_BYTES);
};

/** A signed request's body (ends with ctr u16, mac): whether it comes from this link's owner, unseen. */
export const signedBy = (op: number, id: number, b: Uint8Array): boolean => {
  const n = b.length - SIGNATURE_BYTES;
  if (owner < 0 || n < 0 || u16(b, n) <= ctr) return false;
  if (!same(hmac(ks, E.toUint8Array(b[n], b[n + 1], op, id, sub(b, 0, n))), sub(b, n + 2), SIGNATURE_MAC_BYTES)) return false;
  ctr = u16(b, n);
  return true;
};

/**
 * PAIR: slot, key[, passkey]: allowed in the trust window, on an owner's link, or with the passkey of
 * the old RequireBond setting. Returns a Status; the slot is in pairedSlot.
 */
export let pairedSlot = 0;
export const pair = (b: Uint8Array, trust: boolean): number => {
  let p = 0;
  for (let i = 1 + OWNER_KEY_BYTES; i < b.length; i++) p = p * 10 + b[i] - 48;
  if (!trust && owner < 0 && !(J[J_PASSKEY] && b.length === 7 + OWNER_KEY_BYTES && p + 1 === J[J_PASSKEY])) return Status.Denied;
  let s = b[0];
  if (s === ANY_SLOT) for (s = 0; s < OWNER_SLOTS && owners & (1 << s); ) s++;
  if (s >= OWNER_SLOTS) return b[0] === ANY_SLOT ? Status.NoSpace : Status.BadRequest;
  const f = E.toUint8Array(sub(b, 1, 1 + OWNER_KEY_BYTES), 0);
  f[OWNER_KEY_BYTES] = crc8(f, 0, OWNER_KEY_BYTES);
  try {
    S.erase("mkey" + s);
    S.write("mkey" + s, f);
  } catch (e) {
    return Status.NoSpace;
  }
  owners |= 1 << s;
  pairedSlot = s;
  if (owner === s) owner = -1;
  // the old setting is now met by an owner key
  jSet(J_FLAGS, J[J_FLAGS] & ~Setting.RequireBond);
  jSet(J_PASSKEY, 0);
  return Status.Ok;
};

/** UNPAIR: a slot or ANY_SLOT (all). Returns a Status. */
export const unpair = (s: number): number => {
  if (s >= OWNER_SLOTS && s !== ANY_SLOT) return Status.BadRequest;
  for (let i = 0; i < OWNER_SLOTS; i++)
    if (s === ANY_SLOT || s === i) {
      S.erase("mkey" + i);
      owners &= ~(1 << i);
      if (owner === i) owner = -1;
    }
  return Status.Ok;
};
