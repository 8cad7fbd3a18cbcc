/**
 * Fuzz of the device's protocol handler, through the real VirtualNrf and the firmware bundle:
 * 100,000 frames (50,000 at 20-byte payloads, 50,000 at 50) written into the request
 * characteristic: random bytes, credits, and mostly messages of every op with mutated bodies
 * (random, truncated, extended, out-of-range fields) so they reach the handlers, some with a wrong
 * CRC, a wrong packet index, a missing last packet, or too long to reassemble. Fixed seeds.
 *
 * The test mirrors the device's reassembly (shared/frame.ts, as ble.ts uses it) to know which
 * frames make a complete request, and drains the device's paced notify queue after every frame.
 * It checks: no uncaught exception (device.errors empty, state running), every complete request
 * answered exactly once, in order, with its op and id (or Op.Error for an undecodable one) and a
 * known status code, every device message well-formed, the motor never above its cap; and
 * afterwards the device serves a normal `massager sync` (through noble) with every record once.
 */
import { describe, expect, it } from "vitest";
import { Op, Status, SLOT_BASE } from "../../shared/codes";
import { DONE, HDR_FIRST, HDR_STREAM, MORE, Reassembler, decodeMessage, encodeMessage, packetize, type Message } from "../../shared/frame";
import { PROGRAM_MAX_BYTES, CHUNK_MAX_BYTES, REQUEST_MAX_BYTES, SLOTS } from "../../shared/limits";
import { encodeSettings } from "../../shared/messages";
import { crc32 } from "../../shared/crc";
import { encodeProgram } from "../../shared/program";
import { NOTIFY_CHAR_UUID, REQUEST_CHAR_UUID, SERVICE_UUID } from "../../shared/uuids";
import { NUS_SERVICE } from "../../companion/sim/board/nrf";
import type { VirtualDevice } from "../../companion/sim/board/device";
import { sync } from "../../companion/device/sync";
import { simNoble } from "../helpers/sim-noble";
import { buttonSessions, bytes, expectHistoryHolds, int, pick, recordsInFlash, seededRandom, tempHistory, type Random } from "../helpers/faults";
import { bootDevice, expectMotorWithinCap } from "../helpers/firmware";

const FRAMES_PER_PAYLOAD = Number(process.env.FUZZ_FRAMES ?? 50_000);
const REQUEST_OPS = [
  Op.Info, Op.TimeSet, Op.Status, Op.SettingsSet, Op.Auth, Op.Pair, Op.Unpair, Op.LogRead, Op.LogAck, Op.ProgList, Op.ProgBegin,
  Op.ProgWrite, Op.ProgCommit, Op.ProgRead, Op.ProgDelete, Op.ProgSelect, Op.Start, Op.Pause, Op.Resume, Op.Stop,
];
const u16 = (v: number) => [v & 0xff, (v >> 8) & 0xff];
const u32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];

/** A field value at the edges: 0, 1, the max, just past a limit, or anything. */
function edge(rnd: Random, max: number, limits: number[] = []): number {
  const r = rnd();
  if (r < 0.15) return 0;
  if (r < 0.25) return max;
  if (r < 0.45 && limits.length) {
    const l = pick(rnd, limits);
    return Math.max(0, Math.min(max, l + int(rnd, -1, 1)));
  }
  return int(rnd, 0, max);
}

const programId = (rnd: Random) => edge(rnd, 255, [0, 1, 2, 3, SLOT_BASE, SLOT_BASE + 3, SLOT_BASE + 4, 0xff]);

/** A body shaped for `op`, with random or edge field values. */
function body(rnd: Random, op: number, payload: number, newest: number): number[] {
  switch (op) {
    case Op.Info:
      return [int(rnd, 0, payload)];
    case Op.TimeSet:
      return u32(edge(rnd, 0xffffffff, [1_700_000_000, 2_000_000_000]));
    case Op.SettingsSet:
      return [...encodeSettings(int(rnd, 0, 255))];
    case Op.Auth:
      // no owner is paired (PAIR needs the button's window): every proof is refused
      return [edge(rnd, 255, [0, 3, 4, 0xff]), ...bytes(rnd, 24)];
    case Op.Pair:
      return [edge(rnd, 255, [0, 3, 4, 0xff]), ...bytes(rnd, 16), ...(rnd() < 0.3 ? [...String(int(rnd, 0, 999999)).padStart(6, "0")].map((c) => c.charCodeAt(0)) : [])];
    case Op.Unpair:
      return [edge(rnd, 255, [0, 3, 4, 0xff])];
    case Op.LogRead:
      return [...u32(edge(rnd, 0xffffffff, [0, newest, newest - 1])), ...u16(edge(rnd, 0xffff, [0, 1, 64, 120])), edge(rnd, 255, [0, 8, 127]), ...u32(rnd() < 0.5 ? 0 : int(rnd, 0, 0xffffffff))];
    case Op.LogAck:
      return [...u32(edge(rnd, 0xffffffff, [0, newest, newest + 1])), ...u32(int(rnd, 0, 0xffffffff))];
    case Op.ProgBegin:
      return [edge(rnd, 255, [0, 3, SLOTS]), ...u16(edge(rnd, 0xffff, [0, 1, 40, PROGRAM_MAX_BYTES])), ...u32(int(rnd, 0, 0xffffffff))];
    case Op.ProgWrite: {
      const n = int(rnd, 0, Math.min(CHUNK_MAX_BYTES, 3 * (payload - 1)));
      return [edge(rnd, 255, [0, 3, 4]), ...u16(edge(rnd, 0xffff, [0, 40, PROGRAM_MAX_BYTES])), ...bytes(rnd, n)];
    }
    case Op.ProgCommit:
      return [edge(rnd, 255, [0, 3, 4])];
    case Op.ProgRead:
      return [programId(rnd), ...u16(edge(rnd, 0xffff, [0, 20, 100])), edge(rnd, 255, [0, 128, 129])];
    case Op.ProgDelete:
    case Op.ProgSelect:
    case Op.Start:
      return [programId(rnd)];
    default:
      return [];
  }
}

/**
 * A whole upload now and then (begin, every chunk in order, commit) of random bytes or of a real
 * program image with a byte or two changed: the CRC matches, so the device's decoder and validator
 * judge it (Invalid, or Ok when the change kept it valid).
 */
function uploadFrames(rnd: Random, payload: number): Uint8Array[][] {
  const steps = Array.from({ length: int(rnd, 1, 6) }, (_, i) => ({
    region: int(rnd, 0, 2), pattern: int(rnd, 0, 5), duration: int(rnd, 2, 200), intensity: int(rnd, 0, 100) / 100,
    cue: int(rnd, 0, 2), curve: Array.from({ length: int(rnd, 2, 16) }, () => int(rnd, 0, 100) / 100), curveStepMs: 10 * int(rnd, 5, 200),
    i,
  }));
  let img = rnd() < 0.3 ? bytes(rnd, int(rnd, 1, 200)) : encodeProgram({ name: "Fuzz " + int(rnd, 0, 99), steps: steps.map(({ i: _i, ...s }) => (s.pattern === 5 ? s : { ...s, curve: undefined, curveStepMs: undefined })) });
  if (rnd() < 0.8) {
    img = img.slice();
    for (let k = int(rnd, 1, 2); k > 0; k--) img[int(rnd, 0, img.length - 1)] = int(rnd, 0, 255);
  }
  const slot = int(rnd, 0, SLOTS - 1);
  const msgs: Uint8Array[] = [encodeMessage(Op.ProgBegin, int(rnd, 1, 255), 0, Uint8Array.from([slot, ...u16(img.length), ...u32(crc32(img, 0, img.length, 0))]))];
  const chunk = Math.min(CHUNK_MAX_BYTES, 2 * (payload - 1));
  for (let o = 0; o < img.length; o += chunk)
    msgs.push(encodeMessage(Op.ProgWrite, int(rnd, 1, 255), 0, Uint8Array.from([slot, ...u16(o), ...img.subarray(o, o + chunk)])));
  msgs.push(encodeMessage(Op.ProgCommit, int(rnd, 1, 255), 0, Uint8Array.of(slot)));
  return msgs.map((m) => {
    const pkts: Uint8Array[] = [];
    packetize(m, payload, (p) => pkts.push(p));
    return pkts;
  });
}

/** One frame: the packets of one attempted request (or junk). */
function frame(rnd: Random, payload: number, newest: number, queue: Uint8Array[][]): Uint8Array[] {
  if (queue.length) return queue.shift()!;
  const r = rnd();
  if (r < 0.01) {
    queue.push(...uploadFrames(rnd, payload));
    return queue.shift()!;
  }
  if (r < 0.05) return [bytes(rnd, int(rnd, 0, payload))]; // random bytes
  if (r < 0.08) return [Uint8Array.of(HDR_STREAM | int(rnd, 0, 127))]; // a credit
  const op = rnd() < 0.85 ? pick(rnd, REQUEST_OPS) : int(rnd, 0, 255);
  let b = body(rnd, op, payload, newest);
  const m = rnd();
  if (m < 0.15) b = b.slice(0, int(rnd, 0, b.length)); // truncated body
  else if (m < 0.25) b = [...b, ...bytes(rnd, int(rnd, 1, 12))]; // longer than it should be
  else if (m < 0.35) b = [...bytes(rnd, int(rnd, 0, 40))]; // any bytes at all
  else if (m < 0.37) b = [...bytes(rnd, int(rnd, 300, 330))]; // too long to reassemble
  if (op === Op.Info && b.length) b[0] = Math.min(b[0], payload); // never claim more than the link carries
  // (a reply to op 0x80 with id 0 would read as a status event: ids of such requests are never 0)
  const msg = encodeMessage(op, op === Op.EvtStatus ? int(rnd, 1, 255) : int(rnd, 0, 255), rnd() < 0.9 ? 0 : int(rnd, 0, 255), Uint8Array.from(b));
  const f = rnd();
  if (f < 0.06) msg[msg.length - 1 - int(rnd, 0, 1)] ^= 1 + int(rnd, 0, 254); // wrong CRC
  else if (f < 0.08) msg[int(rnd, 0, msg.length - 1)] ^= 1 << int(rnd, 0, 7); // a flipped bit
  const pkts: Uint8Array[] = [];
  packetize(msg, payload, (p) => pkts.push(p));
  const g = rnd();
  if (g < 0.04 && pkts.length > 1) pkts.pop(); // the last packet never comes
  else if (g < 0.06 && pkts.length > 1) pkts[1][0] = (pkts[1][0] & 0xe0) | ((pkts[1][0] + 1 + int(rnd, 0, 2)) & 31); // wrong index
  else if (g < 0.07) pkts[0][0] &= ~HDR_FIRST; // no first packet
  else if (g < 0.08) pkts.splice(int(rnd, 0, pkts.length - 1), 0, bytes(rnd, int(rnd, 1, payload))); // junk in between
  return pkts;
}

/** What the device must answer, packet by packet: the firmware's onWrite over the same Reassembler. */
class Mirror {
  rq = new Reassembler(REQUEST_MAX_BYTES);
  /** Replies owed, in order: [op, id]. */
  readonly owed: [number, number][] = [];

  push(p: Uint8Array): void {
    if (p.length === 1 && p[0] & HDR_STREAM) return; // a credit: no reply
    const was = this.rq.active || (p.length > 0 && (p[0] & HDR_FIRST) !== 0);
    const r = this.rq.push(p);
    if (r === MORE) return;
    const raw = this.rq.message();
    const m = r === DONE ? decodeMessage(raw.slice()) : r;
    if (typeof m !== "number") this.owed.push([m.op, m.id]);
    else if (was) this.owed.push([Op.Error, raw[1] | 0]);
  }
}

/** The central's side: every notification decoded; replies (not events, not stream packets) kept. */
function listen(dev: VirtualDevice): { replies: Message[]; stream: number; close(): void } {
  const rx = new Reassembler(4096);
  const out = { replies: [] as Message[], stream: 0, close: () => undefined as void };
  const fn = (svc: string, _chr: string, p: Uint8Array) => {
    if (svc === NUS_SERVICE) return;
    if (p[0] & HDR_STREAM) {
      out.stream++;
      return;
    }
    const r = rx.push(p);
    expect(r === DONE || r === MORE, `the device sent a broken packet (${r})`).toBe(true);
    if (r !== DONE) return;
    const m = decodeMessage(rx.message().slice());
    expect(typeof m, "the device sent an undecodable message").not.toBe("number");
    if (typeof m !== "number" && !(m.op === Op.EvtStatus && m.id === 0)) out.replies.push(m);
  };
  dev.nrf.on("notify", fn);
  out.close = () => void dev.nrf.off("notify", fn);
  return out;
}

function fuzz(dev: VirtualDevice, mtu: number, frames: number, seed: number): { requests: number; statuses: Map<number, number> } {
  const rnd = seededRandom(seed);
  const connect = () => {
    const c = dev.nrf.centralConnect({ mtu });
    dev.advance(0);
    dev.nrf.centralSubscribe(SERVICE_UUID, NOTIFY_CHAR_UUID, true);
    mirror.rq = new Reassembler(REQUEST_MAX_BYTES); // the device starts each link afresh too
    return c;
  };
  const send = (pkts: Uint8Array[]) => {
    for (const p of pkts) {
      mirror.push(p);
      dev.nrf.centralWrite(SERVICE_UUID, REQUEST_CHAR_UUID, p);
    }
    dev.advanceUntil(() => rx.replies.length >= mirror.owed.length && dev.nrf.queuedNotifications === 0, 5000);
  };
  const mirror = new Mirror();
  const conn = connect();
  const rx = listen(dev);
  const statuses = new Map<number, number>();
  const queue: Uint8Array[][] = [];
  let checked = 0;
  for (let i = 0; i < frames; i++) {
    const pkts = frame(rnd, conn.payload, 40, queue);
    // drain after each frame: every reply owed so far has arrived and the radio's queue is empty
    send(pkts);
    if (rx.replies.length !== mirror.owed.length && process.env.FUZZ_DEBUG)
      console.log(i, pkts.map((p) => Buffer.from(p).toString("hex")), mirror.owed.slice(-3), rx.replies.slice(-2), { ...dev.nrf.stats }, dev.errors);
    for (; checked < rx.replies.length; checked++) {
      const m = rx.replies[checked];
      const want = mirror.owed[checked];
      expect(want, `frame ${i}: a reply nobody asked for (op ${m.op} id ${m.id})`).toBeDefined();
      expect([m.op, m.id], `frame ${i}: reply ${checked}`).toEqual(want);
      expect(m.status).toBeGreaterThanOrEqual(Status.Ok);
      expect(m.status).toBeLessThanOrEqual(Status.WrongState);
      statuses.set(m.status, (statuses.get(m.status) ?? 0) + 1);
    }
    expect(rx.replies.length, `frame ${i}: every complete request answered`).toBe(mirror.owed.length);
    if (dev.errors.length || dev.state !== "running") break;
  }
  rx.close();
  dev.nrf.centralDisconnect();
  dev.advance(0);
  expect(dev.errors).toEqual([]);
  expect(dev.state).toBe("running");
  expect(dev.nrf.stats.truncatedNotifications).toBe(0);
  return { requests: mirror.owed.length, statuses };
}

describe("fuzz: 100,000 frames into the device's request characteristic", () => {
  it("no uncaught exception, every complete request answered with a status, and a normal sync afterwards", async () => {
    const dev = await bootDevice({ seed: 77 });
    buttonSessions(dev, 40, seededRandom(77));
    const t = Date.now();
    const a = fuzz(dev, 23, FRAMES_PER_PAYLOAD, 1001);
    const b = fuzz(dev, 53, FRAMES_PER_PAYLOAD, 1002);
    const statuses = new Map(a.statuses);
    for (const [k, v] of b.statuses) statuses.set(k, (statuses.get(k) ?? 0) + v);
    console.log(`${2 * FRAMES_PER_PAYLOAD} frames, ${a.requests + b.requests} answered requests in ${Date.now() - t} ms; statuses`, Object.fromEntries(statuses));
    // the handlers were reached: successes, and every kind of refusal
    for (const s of [Status.Ok, Status.BadRequest, Status.Corrupt, Status.NoEntry, Status.Busy, Status.Unsupported, Status.Invalid, Status.TooLarge, Status.BadOffset])
      expect(statuses.get(s) ?? 0, `status ${s}`).toBeGreaterThan(0);
    expect(a.requests + b.requests).toBeGreaterThan(1.5 * FRAMES_PER_PAYLOAD);
    expectMotorWithinCap(dev);

    // afterwards: a normal sync through noble, every record once, the device freed
    const flash = dev.flash.clone();
    dev.powerCut();
    const sim = await simNoble({ flash, link: { mtu: 53 } });
    const h = tempHistory();
    try {
      sim.device.advance(0);
      const { client } = await sim.connect({ requestTimeoutMs: 500 });
      const expected = recordsInFlash(sim.device.flash);
      const s = await sync(client, h.history, { deviceId: "dev" });
      expect(s.held).toBe(0);
      expectHistoryHolds(h.history, "dev", expected);
      expect(sim.device.errors).toEqual([]);
    } finally {
      await sim.close();
      h.done();
    }
  }, 120_000);
});
