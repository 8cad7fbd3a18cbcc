/**
 * Power loss during a flash write, at EVERY write of a scenario that exercises each kind the
 * firmware makes: log appends (and new segments), acknowledgements (a journal slot, the journal
 * started afresh in its other file when one is half full, erasing acknowledged segments), program
 * uploads and commits (the staging file, chunks, the commit marker, erasing the old generation, the
 * selection in the journal), and a reboot (which writes nothing). For every n, the n-th flash write of the scenario tears (a seeded
 * part of its bytes lands) and the device loses power; it boots again and:
 *  - the log is readable over BLE, and no earlier record is damaged or missing (except records
 *    already acknowledged, which the device may free);
 *  - at most the record being written is lost;
 *  - sequence numbers never repeat: no seq ever names two different records, in any run;
 *  - each program slot holds the old program or the new one, never a broken one, and it runs;
 *  - the scenario then goes on, and at the end the whole log is still consistent.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { VirtualDevice } from "../../companion/sim/board/device";
import { Central } from "../helpers/central";
import { Op, SLOT_BASE, State, Status } from "../../shared/codes";
import { crc32 } from "../../shared/crc";
import { u32 } from "../../shared/bytes";
import { decodeInfo, decodeProgramList, decodeStatus, encodeU32, encodeProgRead, type Info } from "../../shared/messages";
import { decodeProgram, encodeProgram, PATTERN_CUSTOM, type Program } from "../../shared/program";
import { validateProgram } from "../../shared/validate";
import type { Flash } from "../../companion/sim/board/flash";
import { sync } from "../../companion/device/sync";
import { simNoble } from "../helpers/sim-noble";
import { expectHistoryHolds, recordsInFlash, tempHistory } from "../helpers/faults";
import { bootDevice, expectMotorWithinCap } from "../helpers/firmware";

const P1: Program = {
  name: "First",
  steps: [
    { region: 0, pattern: 4, duration: 2, intensity: 0.5, cue: 0 },
    { region: 1, pattern: PATTERN_CUSTOM, duration: 2, intensity: 0.7, cue: 2, curve: [0.3, 1, 0.2, 0.8], curveStepMs: 100 },
  ],
};
const P2: Program = {
  name: "Second, longer program",
  steps: Array.from({ length: 6 }, (_, i) => ({
    region: i % 3, pattern: i % 2 ? 3 : PATTERN_CUSTOM, duration: 2, intensity: 0.3 + i / 10, cue: i % 3 === 0 ? 1 : 0,
    ...(i % 2 ? {} : { curve: [0.1, 0.5, 1, 0.5, 0.25, 0.75], curveStepMs: 120 }),
  })),
};
const IMAGES = new Map<number, Uint8Array>([P1, P2].map((p) => {
  const b = encodeProgram(p);
  return [crc32(b, 0, b.length, 0), b];
}));

interface Ctx {
  dev: VirtualDevice;
  c: Central;
  /** The program (crc) being uploaded into a slot by the op in progress, if any. */
  uploading?: { slot: number; crc: number };
}

type OpFn = (x: Ctx) => void;

function connect(dev: VirtualDevice): Central {
  const c = new Central(dev);
  c.connect({ mtu: 53 });
  c.info();
  return c;
}

function info(c: Central): Info {
  return decodeInfo(c.info().body)!;
}

const session: OpFn = ({ dev }) => {
  dev.pressButton(100);
  dev.advance(700);
  dev.pressButton(1600);
  dev.advance(400);
};
const ackAllBut = (keep: number): OpFn => ({ c }) => {
  const newest = info(c).newest;
  c.ack(Math.max(0, newest - keep));
};
const upload = (slot: number, p: Program): OpFn => (x) => {
  const b = encodeProgram(p);
  x.uploading = { slot, crc: crc32(b, 0, b.length, 0) };
  const r = x.c.upload(slot, b, 24);
  if (x.dev.state !== "running") return;
  expect(r.status, `upload of ${p.name} into slot ${slot}`).toBe(Status.Ok);
  x.uploading = undefined;
};
const reboot: OpFn = (x) => {
  x.c.disconnect();
  x.dev.reboot();
  x.dev.advance(0);
  x.c = connect(x.dev);
};

/**
 * The scenario: 72 sessions (three segments), an acknowledgement every third session (24 acks:
 * the journal fills half its 32 slots and starts afresh in its other file; acknowledged segments
 * are erased), two
 * uploads into slot 0 (empty → P1 → P2) and one into slot 2, and a reboot.
 */
function scenario(): OpFn[] {
  const ops: OpFn[] = [];
  for (let i = 0; i < 72; i++) {
    ops.push(session);
    if (i % 3 === 2) ops.push(ackAllBut(i % 2 ? 2 : 0));
    if (i === 5) ops.push(upload(0, P1));
    if (i === 30) ops.push(reboot);
    if (i === 40) ops.push(upload(0, P2));
    if (i === 50) ops.push(upload(2, P1));
  }
  return ops;
}

/** Every record the device returns over BLE (LOG_READ from 0, batch by batch). */
function readAll(c: Central): Map<number, Uint8Array> {
  const out = new Map<number, Uint8Array>();
  let after = 0;
  for (;;) {
    const r = c.readLog(after, 64);
    expect(r.records.length, "every streamed record arrives whole").toBe(r.reply.count);
    // the raw bytes, from the stream packets
    const per = c.payload - 1;
    const data = new Uint8Array(r.reply.count * 20);
    let o = 0;
    for (const p of r.packets) {
      data.set(p.subarray(1, 1 + Math.min(per, data.length - o)), o);
      o += per;
    }
    for (let i = 0; i < r.reply.count; i++) out.set(r.records[i].seq, data.slice(i * 20, i * 20 + 20));
    if (r.reply.count === 0 || r.reply.more === 0) break;
    after = r.records[r.records.length - 1].seq;
  }
  return out;
}

/** Each slot holds a whole program from IMAGES (or nothing), which decodes, validates and starts. */
function expectProgramsWhole(x: Ctx, before: Map<number, number>): Map<number, number> {
  const { c, dev } = x;
  const list = decodeProgramList(c.request(Op.ProgList).body)!;
  const now = new Map<number, number>();
  for (const e of list.entries) {
    if (e.id < SLOT_BASE) continue;
    const slot = e.id - SLOT_BASE;
    now.set(slot, e.crc);
    const allowed = [before.get(slot), x.uploading?.slot === slot ? x.uploading.crc : undefined];
    expect(allowed, `slot ${slot} holds crc ${e.crc}`).toContain(e.crc);
    // read it back whole and check it
    const first = c.request(Op.ProgRead, encodeProgRead({ id: e.id, offset: 0, len: 128 }));
    expect(first.status).toBe(Status.Ok);
    const total = first.body[0] | (first.body[1] << 8);
    const bytes = new Uint8Array(total);
    let off = 0;
    let chunk = first.body.subarray(2);
    for (;;) {
      bytes.set(chunk.subarray(0, total - off), off);
      off += chunk.length;
      if (off >= total || chunk.length === 0) break;
      chunk = c.request(Op.ProgRead, encodeProgRead({ id: e.id, offset: off, len: 128 })).body.subarray(2);
    }
    expect(Buffer.from(bytes).equals(Buffer.from(IMAGES.get(e.crc)!))).toBe(true);
    const p = decodeProgram(bytes) as Program;
    expect(validateProgram(p)).toEqual([]);
    expect(c.request(Op.Start, [e.id]).status).toBe(Status.Ok);
    expect(decodeStatus(c.request(Op.Status).body)!).toMatchObject({ state: State.Running, program: e.id });
    dev.advance(300);
    expect(c.request(Op.Stop).status).toBe(Status.Ok);
    expect(dev.motor).toBe(0);
  }
  // a slot that had a program keeps one (old or new)
  for (const [slot] of before) expect(now.has(slot), `slot ${slot} kept a program`).toBe(true);
  return now;
}

interface RunResult {
  cut: boolean;
  kind: string;
  lost: number;
}

let base: Flash;

beforeAll(async () => {
  const dev = await bootDevice({ seed: 9 });
  base = dev.flash.clone();
  dev.powerCut();
});

/** Runs the scenario with the n-th flash write torn (n = 0: no fault). */
async function run(n: number, tornSeed: number): Promise<RunResult & { writes: number }> {
  const flash = base.clone();
  const dev = await bootDevice({ flash, seed: 9 });
  const x: Ctx = { dev, c: connect(dev) };
  const ever = new Map<number, string>();
  const note = (recs: Map<number, Uint8Array>) => {
    for (const [seq, b] of recs) {
      const hex = Buffer.from(b).toString("hex");
      const had = ever.get(seq);
      expect(had === undefined || had === hex, `seq ${seq} names two different records`).toBe(true);
      ever.set(seq, hex);
    }
  };
  const w0 = flash.writeCount;
  // the torn write lands nothing, a seeded part of its bytes, or all of them (then the power is
  // lost before the next write), in turn
  if (n > 0) flash.failAfterWrites(n, { tornBytes: [0, undefined, 1 << 20][tornSeed % 3] });
  let progs = new Map<number, number>();
  let result: RunResult = { cut: false, kind: "", lost: 0 };
  for (const op of scenario()) {
    const before = recordsInFlash(flash);
    const ackBefore = dev.state === "running" ? info(x.c).acked : 0;
    const beforeLost = info(x.c).unlogged;
    note(before);
    try {
      op(x);
    } catch (e) {
      if (dev.state !== "off") throw e;
    }
    if (dev.state === "off") {
      // power lost in this op: boot again and check
      flash.cancelFault();
      result = { cut: true, kind: op === session ? "append" : String(op).includes(".ack(") ? "ack" : "other", lost: 0 };
      dev.boot();
      dev.advance(0);
      expect(dev.errors).toEqual([]);
      x.c = connect(dev);
      const i = info(x.c);
      const now = readAll(x.c);
      note(now);
      // nothing earlier damaged or missing (unless acknowledged, which may be freed)
      for (const [seq, b] of before) {
        if (seq <= Math.max(ackBefore, i.acked)) continue;
        expect(now.has(seq), `write ${n}: record ${seq} survived (acked before ${ackBefore}, now ${i.acked}; now ${[...now.keys()].join(",")}; files ${flash.list().join(",")})`).toBe(true);
        expect(Buffer.from(now.get(seq)!).equals(Buffer.from(b))).toBe(true);
      }
      // at most the record being written is new, and it is whole
      const fresh = [...now.keys()].filter((s) => !before.has(s));
      expect(fresh.length).toBeLessThanOrEqual(1);
      for (const s of fresh) expect(s).toBeGreaterThan(Math.max(0, ...before.keys()));
      result.lost = op === session ? 1 - fresh.length : 0;
      if (n % 3 === 2 && op === session) expect(fresh.length).toBe(1); // it landed whole: kept
      expect(i.unlogged).toBe(beforeLost); // a torn append is lost, not "could not be logged"
      expect(i.newest).toBeGreaterThanOrEqual(Math.max(0, ...now.keys()));
      progs = expectProgramsWhole(x, progs);
      const up = x.uploading;
      if (up) {
        // the person runs the upload again: it completes, and the slot holds the new program
        x.uploading = undefined;
        op(x);
        progs = expectProgramsWhole({ ...x, uploading: up }, progs);
        expect(progs.get(up.slot)).toBe(up.crc);
      }
    } else if (op !== session) {
      progs = new Map(
        decodeProgramList(x.c.request(Op.ProgList).body)!.entries.filter((e) => e.id >= SLOT_BASE).map((e) => [e.id - SLOT_BASE, e.crc]),
      );
    }
  }
  // after the whole scenario: the log still reads, seqs strictly increase, none repeats
  const all = readAll(x.c);
  note(all);
  const seqs = [...all.keys()];
  expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  const i = info(x.c);
  expect(i.newest).toBeGreaterThanOrEqual(Math.max(...seqs));
  expect(dev.errors).toEqual([]);
  expectMotorWithinCap(dev);
  expect(dev.motor).toBe(0);
  if (n === 0) {
    // the clean run did start the journal afresh (a generation past the first) and free acknowledged segments
    const journal = flash.list(/^mcfg/);
    expect(journal).toHaveLength(1);
    expect(u32(flash.readBytes(journal[0])!, 1)).toBeGreaterThan(1);
    expect(flash.getStats().trashCount).toBeGreaterThan(3);
  }
  return { ...result, writes: flash.writeCount - w0 };
}

describe("power loss at every flash write", () => {
  it("log appends, acknowledgements (with the journal's rotation), uploads, commits, a reboot: never broken", async () => {
    const clean = await run(0, 0);
    expect(clean.cut).toBe(false);
    const writes = clean.writes;
    expect(writes).toBeGreaterThan(100);
    const t = Date.now();
    const kinds = new Map<string, number>();
    let lost = 0;
    for (let n = 1; n <= writes; n++) {
      const r = await run(n, n);
      expect(r.cut, `write ${n} was torn`).toBe(true);
      kinds.set(r.kind, (kinds.get(r.kind) ?? 0) + 1);
      lost += r.lost;
    }
    console.log(`${writes} torn writes in ${Date.now() - t} ms:`, Object.fromEntries(kinds), `records lost: ${lost}`);
    expect(kinds.get("append")).toBeGreaterThanOrEqual(72);
    expect(kinds.get("ack")).toBeGreaterThanOrEqual(24);
  }, 120_000);
});

describe("power lost while the newest record is written", () => {
  it("the next `massager sync` stores every whole record once and the device holds nothing", async () => {
    const dev = await bootDevice({ seed: 4 });
    for (let i = 0; i < 5; i++) session({ dev, c: undefined as unknown as Central });
    dev.flash.failAfterWrites(1, { tornBytes: 11 }); // the 6th record: seq, start, planned land; the rest does not
    session({ dev, c: undefined as unknown as Central });
    expect(dev.state).toBe("off");
    dev.flash.cancelFault();
    const expected = recordsInFlash(dev.flash);
    expect([...expected.keys()]).toEqual([1, 2, 3, 4, 5]);
    const sim = await simNoble({ flash: dev.flash });
    const h = tempHistory();
    try {
      sim.device.advance(0);
      const { client } = await sim.connect();
      const s = await sync(client, h.history, { deviceId: "dev" });
      expectHistoryHolds(h.history, "dev", expected);
      expect(s).toMatchObject({ stored: 5, held: 0 });
      expect((await client.info()).held).toBe(0);
      // the next session gets a new number (the torn one's is never reused), and syncs
      session({ dev: sim.device, c: undefined as unknown as Central });
      const s2 = await sync(client, h.history, { deviceId: "dev" });
      expect(s2).toMatchObject({ stored: 1, held: 0 });
      expect(h.history.lastSeq("dev", (await client.info()).logId)).toBe(7);
      expect(sim.device.errors).toEqual([]);
    } finally {
      await sim.close();
      h.done();
    }
  });
});
