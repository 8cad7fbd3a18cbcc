import { MESSAGE_MAX_BYTES, MIN_PAYLOAD, MAX_PAYLOAD, STREAM_MAX_PACKETS, STREAM_MAX_RECORDS, TX_BURST, TX_TICK_MS } from "../shared/limits";
import { Op, Setting } from "../shared/codes";
import { NAME_PREFIX, NOTIFY_CHAR_UUID, REQUEST_CHAR_UUID, SERVICE_UUID } from "../shared/uuids";
import { DONE, HDR_FIRST, HDR_STREAM, MORE, Message, Reassembler, decodeMessage, encodeMessage, packetize, streamPacket } from "../shared/frame";
import { RECORD_BYTES } from "../shared/record";
import { boardPayload } from "./board";
import { logRecord } from "./log";
import { settingsFlags } from "./settings";

/*
 * The BLE transport: one custom service (REQUEST written by the central, NOTIFY for replies, stream
 * packets and events), a Reassembler for requests, and a TX pacer, ticking every TX_TICK_MS only while
 * it has something to send. Notifications that do not fit the radio's queue are dropped silently, so
 * the pacer never outruns a slow link: message packets go one a tick (a long reply at a 30 ms
 * interval still fits the queue), and log records stream after a LOG_READ reply, up to TX_BURST a
 * tick but never more than the central's window beyond its last credit, each packet made from flash
 * when its turn comes. Packets are at most the payload the central announced in INFO (20 until then,
 * never above the board's).
 */
const rq = new Reassembler(MESSAGE_MAX_BYTES);
const q: Uint8Array[] = [];
const Q_EVENTS_MAX = 12;
const CONSOLE_MS = 60000;
export let payload = MIN_PAYLOAD;
let connected = false;
let txTimer: any;
export let consoleOpen = false;
let dispatch = (m: Message): void => {};

/** The notification: one object, its value replaced per packet. */
const UPD: any = {};
const NOTE: any = (UPD[SERVICE_UUID] = {});
const VAL: any = (NOTE[NOTIFY_CHAR_UUID] = { notify: true });

/** The stream: seqs of the records of the current LOG_READ (filled by the handler), its bytes, packets. */
export const streamSeqs = new Uint32Array(STREAM_MAX_RECORDS);
let stBytes = 0;
let stPer = 0;
let stPkt = 0;
let stPkts = 0;
/** Credit window of the current stream (0: the central sends no credits) and the last credit. */
let stWin = 0;
let stCredit = 0;
const scratch = new Uint8Array(MAX_PAYLOAD);

const streamNext = (): Uint8Array => {
  const a = stPkt * stPer;
  const b = Math.min(stBytes, a + stPer);
  // one flash lookup per record in the packet, not per byte: the device is slow at calls
  let k = -1;
  let r: Uint8Array | undefined;
  for (let x = a; x < b; x++) {
    const i = Math.floor(x / RECORD_BYTES);
    if (i !== k) {
      k = i;
      r = logRecord(streamSeqs[i]);
    }
    scratch[x - a] = r ? r[x % RECORD_BYTES] : 0;
  }
  return streamPacket(stPkt++, scratch, 0, b - a);
};

const canStream = (): boolean => {
  return stPkt < stPkts && (!stWin || stPkt < stCredit + stWin);
};

const notify = (p: Uint8Array): void => {
  VAL.value = p;
  try {
    NRF.updateServices(UPD);
  } catch (e) {
    // not connected or not subscribed: lost, as a dropped notification would be
  }
};

const txTick = (): void => {
  txTimer = undefined;
  if (q.length) notify(q.shift() as Uint8Array);
  else for (let i = 0; i < TX_BURST && canStream(); i++) notify(streamNext());
  if (q.length || canStream()) txTimer = setTimeout(txTick, TX_TICK_MS);
};

/** Sends one message (split into packets); the first burst goes out at once. */
export const bleSend = (op: number, id: number, status: number, body: Uint8Array | null): void => {
  if (!connected) return;
  packetize(encodeMessage(op, id, status, body), payload, (p) => {
    q.push(p);
  });
  if (txTimer === undefined) txTick();
};

/** A status event, dropped when the queue is long (the central can ask STATUS). */
export const bleEvent = (body: Uint8Array): void => {
  if (q.length < Q_EVENTS_MAX) bleSend(Op.EvtStatus, 0, 0, body);
};

export const setPayload = (n: number): void => {
  payload = Math.max(MIN_PAYLOAD, Math.min(n, boardPayload));
};

/** Most records one LOG_READ may stream at the current payload. */
export const streamCap = (): number => {
  return Math.min(STREAM_MAX_RECORDS, Math.floor((STREAM_MAX_PACKETS * (payload - 1)) / RECORD_BYTES));
};

/** Streams the first count records of streamSeqs once the queue (with the reply) is out. */
export const streamStart = (count: number, win: number): void => {
  stWin = win;
  stCredit = 0;
  stBytes = count * RECORD_BYTES;
  stPer = payload - 1;
  stPkt = 0;
  stPkts = Math.ceil(stBytes / stPer);
};

const onWrite = (e: { data: ArrayBuffer }): void => {
  const p = new Uint8Array(e.data);
  if (p.length === 1 && p[0] & HDR_STREAM) {
    // a credit for the stream (frame.ts creditPacket): more may go
    if ((p[0] & 0x7f) > stCredit) stCredit = p[0] & 0x7f;
    if (txTimer === undefined) txTick();
    return;
  }
  const was = rq.active || p[0] & HDR_FIRST;
  const r = rq.push(p);
  if (r === MORE) return;
  const raw = rq.message();
  const m = r === DONE ? decodeMessage(raw) : r;
  if (typeof m !== "number") dispatch(m);
  else if (was) bleSend(Op.Error, raw[1] | 0, m, new Uint8Array([raw[0] | 0]));
};

/** (Re)declares the services; the Nordic UART is on unless LockConsole (outside a console window). */
export const bleServices = (): void => {
  const c: any = {};
  const s: any = {};
  c[REQUEST_CHAR_UUID] = { value: [0], maxLen: boardPayload, writable: true, onWrite: onWrite };
  c[NOTIFY_CHAR_UUID] = { value: [0], maxLen: boardPayload, readable: true, notify: true };
  s[SERVICE_UUID] = c;
  NRF.setServices(s, { uart: consoleOpen || !(settingsFlags() & Setting.LockConsole) });
};

/** The 5-second hold: with the console locked, it is reachable for 60 s (from the next connection). */
export const bleConsole = (): void => {
  if (consoleOpen || !(settingsFlags() & Setting.LockConsole)) return;
  consoleOpen = true;
  bleServices();
  setTimeout(() => {
    consoleOpen = false;
    bleServices();
  }, CONSOLE_MS);
};

const reset = (c: boolean): void => {
  connected = c;
  rq.active = false;
  q.splice(0, q.length);
  stPkts = 0;
  if (txTimer !== undefined) clearTimeout(txTimer);
  txTimer = undefined;
  payload = MIN_PAYLOAD;
};

export const bleInit = (onMessage: (m: Message) => void, onLinkLost: () => void): void => {
  dispatch = onMessage;
  bleServices();
  const a: string = (NRF as any).getAddress();
  NRF.setAdvertising({}, { name: NAME_PREFIX + " " + (a.substr(12, 2) + a.substr(15, 2)).toUpperCase() });
  NRF.on("connect", () => {
    reset(true);
  });
  NRF.on("disconnect", () => {
    reset(false);
    onLinkLost();
  });
};
