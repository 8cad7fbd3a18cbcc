import { LIMITS } from "../shared/limits";
import { Op, Setting } from "../shared/codes";
import { NAME_PREFIX, NOTIFY_CHAR_UUID, REQUEST_CHAR_UUID, SERVICE_UUID } from "../shared/uuids";
import { DONE, HDR_FIRST, MORE, Message, Reassembler, decodeMessage, encodeMessage, packetize, streamPacket } from "../shared/frame";
import { RECORD_BYTES } from "../shared/record";
import { boardPayload } from "./board";
import { logRecord } from "./log";
import { settingsFlags } from "./settings";

/*
 * The BLE transport: one custom service (REQUEST written by the central, NOTIFY for replies, stream
 * packets and events), a Reassembler for requests, and a TX pacer that sends LIMITS.txBurst packets
 * every LIMITS.txTickMs while its queue is non-empty (no timer otherwise). Log records stream after
 * a LOG_READ reply, one packet made at a time from flash. Packets are at most the payload the
 * central announced in INFO (20 until then, never above the board's).
 */
const rq = new Reassembler(LIMITS.messageMaxBytes);
const q: Uint8Array[] = [];
const Q_EVENTS_MAX = 12;
const CONSOLE_MS = 60000;
let payload = LIMITS.minPayload;
let connected = false;
let txTimer: any;
let consoleOpen = false;
let dispatch = function (m: Message): void {};
let linkLost = function (): void {};

/** The notification: one object, its value replaced per packet. */
const NOTE: any = {};
const UPD: any = {};
NOTE[NOTIFY_CHAR_UUID] = { value: 0, notify: true };
UPD[SERVICE_UUID] = NOTE;

/** The stream: seqs of the records of the current LOG_READ (filled by the handler). */
export const streamSeqs = new Uint32Array(64);
let stBytes = 0;
let stPer = 0;
let stPkt = 0;
let stPkts = 0;
const scratch = new Uint8Array(LIMITS.maxPayload);

function push(p: Uint8Array): void {
  q.push(p);
}

function txTick(): void {
  txTimer = undefined;
  for (let i = 0; i < LIMITS.txBurst; i++) {
    const p = q.length ? q.shift() : stPkt < stPkts ? streamNext() : undefined;
    if (!p) return;
    NOTE[NOTIFY_CHAR_UUID].value = p;
    try {
      NRF.updateServices(UPD);
    } catch (e) {
      // not connected or not subscribed: the packet is lost, as a dropped notification would be
    }
  }
  if (q.length || stPkt < stPkts) txTimer = setTimeout(txTick, LIMITS.txTickMs);
}

/** Sends one message (split into packets); the first burst goes out at once. */
export function bleSend(op: number, id: number, status: number, body: Uint8Array | null): void {
  if (!connected) return;
  packetize(encodeMessage(op, id, status, body), payload, push);
  if (txTimer === undefined) txTick();
}

/** A status event, dropped when the queue is long (the central can ask STATUS). */
export function bleEvent(body: Uint8Array): void {
  if (q.length < Q_EVENTS_MAX) bleSend(Op.EvtStatus, 0, 0, body);
}

export function blePayload(): number {
  return payload;
}

export function setPayload(n: number): void {
  payload = Math.max(LIMITS.minPayload, Math.min(n, boardPayload));
}

/** Most records one LOG_READ may stream at the current payload. */
export function streamCap(): number {
  return Math.min(streamSeqs.length, Math.floor((LIMITS.streamMaxPackets * (payload - 1)) / RECORD_BYTES));
}

/** Streams the first `count` records of streamSeqs after what is queued now. */
export function streamStart(count: number): void {
  stBytes = count * RECORD_BYTES;
  stPer = payload - 1;
  stPkt = 0;
  stPkts = Math.ceil(stBytes / stPer);
}

function streamNext(): Uint8Array {
  const k = stPkt++;
  const a = k * stPer;
  const b = Math.min(stBytes, a + stPer);
  for (let x = a; x < b; ) {
    const ri = Math.floor(x / RECORD_BYTES);
    const o = x - ri * RECORD_BYTES;
    const n = Math.min(RECORD_BYTES - o, b - x);
    const r = logRecord(streamSeqs[ri]);
    if (r) scratch.set(r.subarray(o, o + n), x - a);
    else scratch.fill(0, x - a, x - a + n);
    x += n;
  }
  return streamPacket(k, scratch, 0, b - a);
}

function onWrite(e: { data: ArrayBuffer }): void {
  const p = new Uint8Array(e.data);
  const was = rq.active || (p.length > 0 && p[0] & HDR_FIRST);
  const r = rq.push(p);
  if (r === MORE) return;
  if (r !== DONE) {
    if (was) bleSend(Op.Error, rq.partialId(), r, new Uint8Array([rq.partialOp()]));
    return;
  }
  const raw = rq.message();
  const m = decodeMessage(raw);
  if (typeof m === "number") bleSend(Op.Error, raw[1] | 0, m, new Uint8Array([raw[0] | 0]));
  else dispatch(m);
}

/** (Re)declares the services; the Nordic UART is on unless LockConsole (outside a console window). */
export function bleServices(): void {
  const c: any = {};
  c[REQUEST_CHAR_UUID] = { value: [0], maxLen: boardPayload, writable: true, onWrite: onWrite };
  c[NOTIFY_CHAR_UUID] = { value: [0], maxLen: boardPayload, readable: true, notify: true };
  const s: any = {};
  s[SERVICE_UUID] = c;
  NRF.setServices(s, { uart: consoleOpen || !(settingsFlags() & Setting.LockConsole) });
}

/** The 5-second hold: the console is reachable for 60 s (it takes effect at the next connection). */
export function bleConsole(): void {
  if (consoleOpen || !(settingsFlags() & Setting.LockConsole)) return;
  consoleOpen = true;
  bleServices();
  setTimeout(function () {
    consoleOpen = false;
    bleServices();
  }, CONSOLE_MS);
}

export function bleConsoleOpen(): boolean {
  return consoleOpen;
}

function reset(): void {
  rq.active = false;
  q.splice(0, q.length);
  stPkts = 0;
  if (txTimer !== undefined) clearTimeout(txTimer);
  txTimer = undefined;
  payload = LIMITS.minPayload;
}

export function bleInit(onMessage: (m: Message) => void, onLinkLost: () => void): void {
  dispatch = onMessage;
  linkLost = onLinkLost;
  bleServices();
  const a = NRF.getAddress();
  NRF.setAdvertising({}, { name: NAME_PREFIX + " " + (a.substr(12, 2) + a.substr(15, 2)).toUpperCase() });
  NRF.on("connect", function () {
    reset();
    connected = true;
  });
  NRF.on("disconnect", function () {
    connected = false;
    reset();
    linkLost();
  });
}
