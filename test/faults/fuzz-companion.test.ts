/**
 * Fuzz of the companion's side of the protocol:
 *  - the decoders (frame reassembly and message, every reply body, log records, program images)
 *    fed 100,000 random inputs each: they return a value, null or a status, and never throw;
 *  - a lying device behind noble's real classes: every request the companion writes is answered
 *    with random notifications (junk messages and events, stream packets, garbled packets) and a
 *    random reply (random status and body, a mutated well-shaped body, Op.Error, or nothing), over
 *    100,000 device messages in all, through Link's reply and stream handling and DeviceClient's
 *    decoding, plus whole `sync` and `push` runs. Every call resolves or fails with one of the
 *    companion's typed errors (MassagerError: a sentence for a person), never anything else.
 * Fixed seeds, bounded counts.
 */
import { afterEach, describe, expect, it } from "vitest";
import { MassagerError } from "../../companion/errors";
import type { DeviceClient } from "../../companion/device/client";
import { sync } from "../../companion/device/sync";
import { push } from "../../companion/device/upload";
import { NUS_SERVICE } from "../../companion/sim/board/nrf";
import { Op, Status } from "../../shared/codes";
import { DONE, HDR_FIRST, HDR_LAST, HDR_STREAM, Reassembler, decodeMessage, encodeMessage, packetize } from "../../shared/frame";
import {
  decodeAckReply, decodeAuth, decodeInfo, decodeLogAck, decodeLogRead, decodeLogReadReply, decodeProgBegin, decodeProgRead, decodeProgWrite,
  decodeProgramList, decodePair, decodeStatus, decodeTimeReply, decodeU16, decodeU32, encodeAckReply, encodeInfo,
  encodeLogReadReply, encodeProgramList, encodeStatus, encodeTimeReply, encodeU16,
} from "../../shared/messages";
import { decodeProgram, encodeProgram } from "../../shared/program";
import { decodeRecord } from "../../shared/record";
import { validateProgram } from "../../shared/validate";
import { NOTIFY_CHAR_UUID, SERVICE_UUID } from "../../shared/uuids";
import { simNoble, type SimNoble } from "../helpers/sim-noble";
import { bytes, int, pick, seededRandom, tempHistory, type Random } from "../helpers/faults";

const N = 100_000;
let sim: SimNoble | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe("the companion's decoders fed random bytes", () => {
  it(`${N.toLocaleString("en")} random inputs into each decoder: values, null or a status, never an exception`, () => {
    const rnd = seededRandom(4242);
    const decoders: [string, (b: Uint8Array) => unknown][] = [
      ["decodeMessage", decodeMessage], ["decodeInfo", decodeInfo], ["decodeStatus", decodeStatus],
      ["decodeTimeReply", decodeTimeReply], ["decodeLogReadReply", decodeLogReadReply], ["decodeAckReply", decodeAckReply],
      ["decodeProgramList", decodeProgramList], ["decodeU16", decodeU16], ["decodeU32", decodeU32], ["decodeAuth", decodeAuth],
      ["decodePair", decodePair], ["decodeLogAck", decodeLogAck],
      ["decodeLogRead", decodeLogRead], ["decodeProgBegin", decodeProgBegin],
      ["decodeProgWrite", decodeProgWrite], ["decodeProgRead", decodeProgRead],
      ["decodeRecord", (b) => decodeRecord(b, 0)],
      ["decodeProgram+validate", (b) => {
        const p = decodeProgram(b);
        return typeof p === "string" ? p : validateProgram(p);
      }],
    ];
    const rq = new Reassembler(320);
    let whole = 0;
    for (let i = 0; i < N; i++) {
      // mostly short inputs, some long; every 4th a real encoding with a few bytes changed
      const b = i % 4 === 0 ? mutate(rnd, pick(rnd, validBodies)) : bytes(rnd, rnd() < 0.9 ? int(rnd, 0, 40) : int(rnd, 40, 400));
      for (const [name, fn] of decoders) {
        try {
          fn(b);
        } catch (e) {
          throw new Error(`${name}(${Buffer.from(b).toString("hex")}) threw ${String(e)}`);
        }
      }
      const r = rq.push(b);
      expect(typeof r).toBe("number");
      if (r === DONE) {
        whole++;
        expect(() => decodeMessage(rq.message().slice())).not.toThrow();
      }
    }
    expect(whole).toBeGreaterThan(100);
  });
});

/** Real encodings of every reply body and a program image (what "mostly well-formed" mutates). */
const validBodies: Uint8Array[] = [
  encodeInfo({
    proto: 2, board: 1, battery: 90, batteryState: 0, flags: 1, caps: 127, payload: 50, settings: 0, owners: 0, nonce: new Uint8Array(8),
    time: 1_800_000_000, uptime: 100, storageFree: 20000, logId: 7, newest: 40, acked: 37, held: 3, unlogged: 0, selected: 0, firmware: "0.1.0",
  }),
  encodeStatus({ state: 1, program: 16, step: 2, region: 1, elapsed: 30, planned: 240, level: 50, selected: 16, cue: 0, battery: 80, batteryState: 0, lastEnd: 255 }),
  encodeTimeReply({ uptime: 100, bootSeq: 3 }),
  encodeLogReadReply({ logId: 7, first: 5, count: 10, more: 2, newest: 16 }),
  encodeAckReply({ acked: 10, held: 0 }),
  encodeProgramList(16, [{ id: 0, steps: 6, seconds: 240, crc: 0x12345678, name: "Daily 4 min" }, { id: 16, steps: 2, seconds: 40, crc: 1, name: "Mine" }]),
  encodeU16(40),
  encodeProgram({ name: "Evening", steps: [{ region: 0, pattern: 5, duration: 60, intensity: 0.6, cue: 1, curve: [0.2, 1], curveStepMs: 250 }] }),
];

function mutate(rnd: Random, b: Uint8Array): Uint8Array {
  const r = rnd();
  if (r < 0.3) return b.slice(0, int(rnd, 0, b.length)); // truncated
  const c = Uint8Array.from(b);
  for (let k = int(rnd, 1, 3); k > 0 && c.length; k--) c[int(rnd, 0, c.length - 1)] = int(rnd, 0, 255);
  return r < 0.5 ? Uint8Array.from([...c, ...bytes(rnd, int(rnd, 1, 20))]) : c;
}

/** A reply body for `op`: random, or a real encoding mutated. */
function replyBody(rnd: Random, op: number): Uint8Array {
  if (rnd() < 0.3) return bytes(rnd, int(rnd, 0, 60));
  const byOp: { [op: number]: number } = { [Op.Info]: 0, [Op.Status]: 1, [Op.TimeSet]: 2, [Op.LogRead]: 3, [Op.LogAck]: 4, [Op.ProgList]: 5, [Op.ProgBegin]: 6, [Op.ProgWrite]: 6, [Op.ProgRead]: 7 };
  const base = validBodies[byOp[op] ?? int(rnd, 0, validBodies.length - 1)];
  return rnd() < 0.4 ? base : mutate(rnd, base);
}

/**
 * Turns the virtual device into a liar: requests never reach the firmware; each is answered (a
 * moment later) by random notifications and a random reply. Returns the count of device messages.
 */
function lie(s: SimNoble, seed: number): { messages(): number; off(): void } {
  const rnd = seededRandom(seed);
  const nrf = s.device.nrf;
  const orig = nrf.centralWrite;
  const rq = new Reassembler(320);
  let messages = 0;
  const emit = (p: Uint8Array) => nrf.emit("notify", SERVICE_UUID, NOTIFY_CHAR_UUID, p);
  const send = (m: Uint8Array, payload: number) => {
    messages++;
    packetize(m, payload, emit);
  };
  nrf.centralWrite = function (service: string, characteristic: string, data: Uint8Array): void {
    if (service.toLowerCase().replace(/-/g, "") === NUS_SERVICE) return;
    if (rq.push(new Uint8Array(data)) !== DONE) return;
    const req = decodeMessage(rq.message().slice());
    if (typeof req === "number") return;
    const payload = nrf.connection?.payload ?? 20;
    setImmediate(() => {
      if (!nrf.connected) return;
      // junk first: messages for other ids and ops, events, garbled packets, stray stream packets
      for (let k = int(rnd, 0, 30); k > 0; k--) {
        const j = rnd();
        if (j < 0.35) send(encodeMessage(int(rnd, 0, 255), int(rnd, 0, 255), int(rnd, 0, 255), bytes(rnd, int(rnd, 0, 40))), payload);
        else if (j < 0.55) send(encodeMessage(Op.EvtStatus, 0, 0, replyBody(rnd, Op.Status)), payload);
        else if (j < 0.75) emit(Uint8Array.from([HDR_STREAM | int(rnd, 0, 127), ...bytes(rnd, int(rnd, 0, payload - 1))]));
        else if (j < 0.9) {
          messages++;
          emit(Uint8Array.from([HDR_FIRST | HDR_LAST, ...bytes(rnd, int(rnd, 0, payload - 1))])); // garbled message
        } else emit(bytes(rnd, int(rnd, 0, payload)));
      }
      const r = rnd();
      if (r < 0.02) return; // no reply at all: the request times out
      if (r < 0.1) return send(encodeMessage(Op.Error, req.id, int(rnd, 0, 12), Uint8Array.of(req.op)), payload);
      const status = rnd() < 0.75 ? Status.Ok : int(rnd, 0, 255);
      send(encodeMessage(req.op, req.id, status, replyBody(rnd, req.op)), payload);
      // a LOG_READ reply is followed by stream packets (random, some numbered in order)
      if (req.op === Op.LogRead) for (let k = 0; k < int(rnd, 0, 20); k++) emit(Uint8Array.from([HDR_STREAM | (rnd() < 0.7 ? k : int(rnd, 0, 127)), ...bytes(rnd, payload - 1)]));
    });
  };
  return {
    messages: () => messages,
    off: () => {
      nrf.centralWrite = orig;
    },
  };
}

/** A call either resolves or fails with a typed companion error. */
async function typed(what: string, p: Promise<unknown>): Promise<"ok" | "error"> {
  try {
    await p;
    return "ok";
  } catch (e) {
    if (!(e instanceof MassagerError)) throw new Error(`${what} failed with an untyped ${String((e as Error)?.stack ?? e)}`);
    expect((e as Error).message.length, (e as Error).message).toBeGreaterThan(10);
    return "error";
  }
}

const CALLS: [string, (c: DeviceClient, rnd: Random) => Promise<unknown>][] = [
  ["info", (c) => c.info()],
  ["setTime", (c, r) => c.setTime(int(r, 0, 0xffffffff))],
  ["status", (c) => c.status()],
  ["setSettings", (c, r) => c.setSettings(int(r, 0, 3))],
  ["logRead", (c, r) => c.logRead(int(r, 0, 100), int(r, 0, 64), { logId: int(r, 0, 9) })],
  ["ack", (c, r) => c.ack(int(r, 0, 100), int(r, 0, 9))],
  ["pair", (c, r) => c.pair(bytes(r, 16))],
  ["unpair", (c, r) => c.unpair(int(r, 0, 255))],
  ["programs", (c) => c.programs()],
  ["readProgramChunk", (c, r) => c.readProgramChunk(int(r, 0, 20), int(r, 0, 100), int(r, 0, 128))],
  ["progBegin", (c, r) => c.progBegin(int(r, 0, 3), int(r, 1, 600), int(r, 0, 0xffffffff))],
  ["progWriteStatus", (c, r) => c.progWriteStatus(int(r, 0, 3), int(r, 0, 600), bytes(r, int(r, 1, 60)))],
  ["progCommit", (c, r) => c.progCommit(int(r, 0, 3))],
  ["start", (c, r) => c.start(int(r, 0, 255))],
  ["stop", (c) => c.stop()],
];

describe("a lying device: random replies through noble, Link and DeviceClient", () => {
  it(`${N.toLocaleString("en")} random device messages: every call resolves or fails with a typed error`, async () => {
    sim = await simNoble({ link: { mtu: 53 } });
    const { client, link } = await sim.connect({ requestTimeoutMs: 15, retries: 0 });
    const liar = lie(sim, 99);
    const rnd = seededRandom(100);
    const h = tempHistory();
    const outcomes = { ok: 0, error: 0 };
    try {
      let calls = 0;
      while (liar.messages() < N) {
        calls++;
        if (!link.isConnected) await link.connect().catch(() => undefined);
        if (calls % 500 === 0) {
          // whole flows against the liar, bounded
          outcomes[await typed("sync", sync(client, h.history, { deviceId: "liar", idleMs: 2, firstPacketMs: 5, maxStalls: 3, maxReconnects: 0 }))]++;
          outcomes[await typed("push", push(client, { name: "P", steps: [{ region: 0, pattern: 4, duration: 30, intensity: 0.5, cue: 0 }] }, { slot: int(rnd, 0, 3), maxReconnects: 0 }))]++;
          continue;
        }
        const [name, fn] = pick(rnd, CALLS);
        outcomes[await typed(name, fn(client, rnd))]++;
      }
      console.log(`${liar.messages()} device messages over ${calls} calls:`, outcomes);
      expect(outcomes.ok).toBeGreaterThan(100);
      expect(outcomes.error).toBeGreaterThan(100);
    } finally {
      liar.off();
      h.done();
    }
    // the real device answers again: the link still works
    expect((await client.status()).state).toBeGreaterThanOrEqual(0);
  }, 120_000);
});
