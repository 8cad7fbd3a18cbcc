import { MIN_PAYLOAD, REQUEST_MAX_BYTES, STREAM_MAX_PACKETS, STREAM_MAX_RECORDS, TRUST_WINDOW_MS, TX_BURST, TX_TICK_MS } from "../shared/limits";
import { sub } from "../shared/bytes";
import { Op, Setting, Status } from "../shared/codes";
import { NAME_PREFIX, NOTIFY_CHAR_UUID, REQUEST_CHAR_UUID, SERVICE_UUID } from "../shared/uuids";
import { HDR_FIRST, HDR_LAST, HDR_STREAM, MSG_OVERHEAD } from "../shared/frame";
import { RECORD_BYTES } from "../shared/record";
import { boardPayload } from "./board";
import { logAfter, logSeq } from "./log";
import { isProtected, ownersReset } from "./owners";
import { J, J_FLAGS } from "./store";
import { handle } from "./handler";

/*
 * The BLE transport (shared/frame.ts draws the packets): one custom service (REQUEST written by the
 * central, NOTIFY for replies, stream packets and events), reassembly of requests into one buffer, and
 * a TX pacer that ticks every TX_TICK_MS only while it has something to send. Notifications that do
 * not fit the radio's queue are dropped silently, so the pacer never outruns a slow link: message
 * packets go one a tick, and log records stream after a LOG_READ reply, up to TX_BURST a tick but
 * never more than the central's window beyond its last credit, each packet made from flash when its
 * turn comes. Packets are at most the payload the central announced in INFO (20 until then, never
 * above the board's). The message check is the low 16 bits of CRC-32 (E.CRC32: no table in RAM).
 */
const EVENTS_MAX = 4;
/** Messages waiting (whole), and the one going out: its bytes, next offset, next packet index. */
const txq: Uint8Array[] = [];
let tx: Uint8Array | undefined;
let txOff = 0;
let txIdx = 0;
let txTimer: any;
export let payload = MIN_PAYLOAD;
let connected = false;
/** The trust window (button held 5 s): pairing allowed and the console open. */
export let trust = false;
/** The request being reassembled: bytes, length, next packet index, whether one is in progress. */
const rx = new Uint8Array(REQUEST_MAX_BYTES);
let rxLen = 0;
let rxIdx = 0;
let rxOn = false;

/** The notification: one object, its value replaced per packet. */
const UPD: any = {};
const VAL: any = { notify: true };
UPD[SERVICE_UUID] = {};
UPD[SERVICE_UUID][NOTIFY_CHAR_UUID] = VAL;

/** The stream: the seq it has sent up to, the record being cut and where, packets sent / in all. */
let stSeq = 0;
let stRec: Uint8Array | undefined;
let stRecOff = RECORD_BYTES;
let stPkt = 0;
let stPkts = 0;
/** Records of the stream not yet begun. */
let stLeft = 0;
/** Credit window of the current stream (0: the central sends no credits) and the last credit. */
let stWin = 0;
let stCredit = 0;

const notify = (p: Uint8Array): void => {
  VAL.value = p;
  try {
    NRF.updateServices(UPD);
  } catch (e) {
    // not connected or not subscribed: lost, as a dropped notification would be
  }
};

const canStream = (): boolean => {
  return stPkt < stPkts && (!stWin || stPkt < stCredit + stWin);
};

const txTick = (): void => {
  txTimer = undefined;
  if (!tx) {
    tx = txq.shift();
    txOff = txIdx = 0;
  }
  if (tx) {
    const per = payload - 1;
    const n = Math.min(per, tx.length - txOff);
    const p = new Uint8Array(n + 1);
    p[0] = (txOff ? 0 : HDR_FIRST) | (txOff + n >= tx.length ? HDR_LAST : 0) | (txIdx++ & 31);
    p.set(sub(tx, txOff, (txOff += n)), 1);
    if (txOff >= tx.length) tx = undefined;
    notify(p);
  } else
    for (let k = 0; k < TX_BURST && canStream(); k++) {
      // a stream packet: the next payload − 1 bytes of the records, read from flash as they come
      const p = new Uint8Array(payload);
      let i = 1;
      for (; i < p.length && (stRecOff < RECORD_BYTES || stLeft > 0); i++) {
        if (stRecOff >= RECORD_BYTES) {
          stRec = logAfter(stSeq);
          stSeq = logSeq;
          stRecOff = 0;
          stLeft--;
        }
        p[i] = stRec ? stRec[stRecOff] : 0;
        stRecOff++;
      }
      p[0] = HDR_STREAM | (stPkt++ & 0x7f);
      notify(sub(p, 0, i));
    }
  if (tx || txq.length || canStream()) txTimer = setTimeout(txTick, TX_TICK_MS);
};

/** Sends one message (split into packets as it goes out); the first packet goes at once. */
export const bleSend = (op: number, id: number, status: number, body: ArrayLike<number> | null | undefined): void => {
  if (!connected) return;
  // op, id, status, body, and two bytes for the check
  const m = E.toUint8Array(op, id, status, body || [], 0, 0);
  const n = m.length - 2;
  const c = E.CRC32(sub(m, 0, n));
  m[n] = c;
  m[n + 1] = c >> 8;
  txq.push(m);
  if (txTimer === undefined) txTick();
};

/** A status event, dropped when the queue is long (the central can ask STATUS). */
export const bleEvent = (body: Uint8Array): void => {
  if (txq.length < EVENTS_MAX) bleSend(Op.EvtStatus, 0, 0, body);
};

export const setPayload = (n: number): void => {
  payload = Math.max(MIN_PAYLOAD, Math.min(n, boardPayload));
};

/** Most records one LOG_READ may stream at the current payload. */
export const streamCap = (): number => {
  return Math.min(STREAM_MAX_RECORDS, Math.floor((STREAM_MAX_PACKETS * (payload - 1)) / RECORD_BYTES));
};

/** Streams `count` valid records after seq `after` once the queue (with the reply) is out. */
export const streamStart = (after: number, count: number, win: number): void => {
  stSeq = after;
  stLeft = count;
  stRecOff = RECORD_BYTES;
  stWin = win;
  stCredit = stPkt = 0;
  stPkts = Math.ceil((count * RECORD_BYTES) / (payload - 1));
};

const onWrite = (e: { data: ArrayBuffer }): void => {
  const p = new Uint8Array(e.data);
  const h = p[0];
  let st = Status.BadRequest;
  if (h & HDR_STREAM) {
    if (p.length === 1) {
      // a credit for the stream (frame.ts creditPacket): more may go
      if ((h & 0x7f) > stCredit) stCredit = h & 0x7f;
      if (txTimer === undefined) txTick();
      return;
    }
    // a stream packet has no business here: it breaks the request in progress (or, marked first, is one)
    if (h & HDR_FIRST) rxOn = true;
  } else {
    if (h & HDR_FIRST) {
      rxOn = true;
      rxLen = rxIdx = 0;
    }
    if (rxOn && (h & 31) !== (rxIdx++ & 31)) st = Status.Corrupt;
    else if (rxOn && rxLen + p.length - 1 > rx.length) st = Status.TooLarge;
    else if (rxOn) {
      rx.set(sub(p, 1), rxLen);
      rxLen += p.length - 1;
      if (!(h & HDR_LAST)) return;
      const c = rxLen < MSG_OVERHEAD ? -1 : E.CRC32(sub(rx, 0, rxLen - 2));
      if (c < 0) st = Status.BadRequest;
      else if (rx[rxLen - 2] !== (c & 255) || rx[rxLen - 1] !== ((c >> 8) & 255)) st = Status.Corrupt;
      else st = Status.Ok;
    }
  }
  if (!rxOn) return;
  rxOn = false;
  if (st) bleSend(Op.Error, rxLen > 1 ? rx[1] : 0, st, [rxLen ? rx[0] : 0]);
  else handle(rx[0], rx[1], rx[2], sub(rx, 3, rxLen - 2));
};

/** (Re)declares the services; the Nordic UART (the console) only when nobody locked it, or in the trust window. */
export const bleServices = (): void => {
  const c: any = {};
  const s: any = {};
  c[REQUEST_CHAR_UUID] = { value: [0], maxLen: boardPayload, writable: true, onWrite: onWrite };
  c[NOTIFY_CHAR_UUID] = { value: [0], maxLen: boardPayload, readable: true, notify: true };
  s[SERVICE_UUID] = c;
  NRF.setServices(s, { uart: trust || !(J[J_FLAGS] & Setting.LockConsole || isProtected()) });
};

/** The 5-second hold: pairing allowed, and the console reachable (from the next connection), for TRUST_WINDOW_MS. */
export const trustOpen = (): void => {
  trust = true;
  bleServices();
  setTimeout(() => {
    trust = false;
    bleServices();
  }, TRUST_WINDOW_MS);
};

const linkReset = (c: boolean): void => {
  connected = c;
  rxOn = false;
  txq.splice(0, txq.length);
  tx = undefined;
  stPkts = 0;
  if (txTimer !== undefined) clearTimeout(txTimer);
  txTimer = undefined;
  payload = MIN_PAYLOAD;
  ownersReset();
};

export const bleInit = (): void => {
  bleServices();
  const a: string = (NRF as any).getAddress();
  NRF.setAdvertising({}, { name: NAME_PREFIX + " " + (a.substr(12, 2) + a.substr(15, 2)).toUpperCase() });
  NRF.on("connect", () => {
    linkReset(true);
  });
  NRF.on("disconnect", () => {
    linkReset(false);
  });
};
