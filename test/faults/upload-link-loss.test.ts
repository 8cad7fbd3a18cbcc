/**
 * Link loss during a program upload (`massager push`'s code through noble's classes), at every
 * chunk: the link is dropped after every request packet the central writes (a chunk cut in the air)
 * and after every reply packet the device sends (the chunk arrived, its reply did not). After each
 * cut the old program is intact and active: PROG_LIST shows its CRC in the slot, it is selected,
 * PROG_READ gives its bytes back, and a START runs its motor timeline. The next attempt resumes
 * from the offset the device reports (exactly the bytes of the chunks that reached it), sends only
 * the rest, and the slot then lists the new program's CRC.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { push, chunkSize } from "../../companion/device/upload";
import type { DeviceClient } from "../../companion/device/client";
import { MassagerError } from "../../companion/errors";
import type { Flash } from "../../companion/sim/board/flash";
import type { VirtualDevice } from "../../companion/sim/board/device";
import { Op, SLOT_BASE, State } from "../../shared/codes";
import { crc32 } from "../../shared/crc";
import { DONE, Reassembler, decodeMessage } from "../../shared/frame";
import { PROGRAM_MAX_BYTES, CURVE_MAX_POINTS, MAX_STEPS, MESSAGE_MAX_BYTES } from "../../shared/limits";
import { decodeProgWrite } from "../../shared/messages";
import { encodeProgram, PATTERN_CUSTOM, type Program } from "../../shared/program";
import { validateProgram } from "../../shared/validate";
import { simNoble } from "../helpers/sim-noble";
import { expectedTimeline } from "../helpers/timeline";
import { cutAfterPackets, cutAfterWrites } from "../helpers/faults";
import { bootDevice, expectMotorWithinCap } from "../helpers/firmware";

const SLOT = 1;
const ID = SLOT_BASE + SLOT;

const OLD: Program = {
  name: "Old",
  steps: [
    { region: 0, pattern: 4, duration: 3, intensity: 0.5, cue: 1 },
    { region: 2, pattern: PATTERN_CUSTOM, duration: 3, intensity: 0.8, cue: 2, curve: [0.2, 1, 0.6], curveStepMs: 150 },
  ],
};

/** The largest program the format allows: 24 custom steps of 16 levels, a 24-character name. */
const NEW: Program = {
  name: "Evening long custom 24ch",
  steps: Array.from({ length: MAX_STEPS }, (_, i) => ({
    region: i % 3,
    pattern: PATTERN_CUSTOM,
    duration: 60,
    intensity: 0.4 + (i % 5) / 10,
    cue: i % 3 === 0 ? 1 : 0,
    curve: Array.from({ length: CURVE_MAX_POINTS }, (_, k) => ((k * 7 + i) % 11) / 10),
    curveStepMs: 50 + 10 * i,
  })),
};

const oldBytes = encodeProgram(OLD);
const newBytes = encodeProgram(NEW);
const oldCrc = crc32(oldBytes, 0, oldBytes.length, 0);
const newCrc = crc32(newBytes, 0, newBytes.length, 0);
let base: Flash;

beforeAll(async () => {
  expect(validateProgram(OLD)).toEqual([]);
  expect(validateProgram(NEW)).toEqual([]);
  expect(newBytes.length).toBeGreaterThan(PROGRAM_MAX_BYTES - 4);
  // a device whose slot 1 holds OLD, committed and selected
  const sim = await simNoble({ flash: (await bootDevice()).flash.clone() });
  const { client } = await sim.connect();
  await push(client, OLD, { slot: SLOT });
  expect((await client.programs()).selected).toBe(ID);
  await sim.close();
  base = sim.device.flash.clone();
});

/** Requests the device received whole, in order (decoded from the packets that reached it). */
function requestLog(): { seen(p: Uint8Array): void; ops: { op: number; offset: number; bytes: number }[] } {
  const rx = new Reassembler(MESSAGE_MAX_BYTES);
  const ops: { op: number; offset: number; bytes: number }[] = [];
  return {
    ops,
    seen(p) {
      if (rx.push(p) !== DONE) return;
      const m = decodeMessage(rx.message().slice());
      if (typeof m === "number") return;
      const w = m.op === Op.ProgWrite ? decodeProgWrite(m.body) : null;
      ops.push({ op: m.op, offset: w ? w.offset : 0, bytes: w ? w.data.length : 0 });
    },
  };
}

/** The program in the slot is `bytes`: listed with its CRC, selected, read back whole, and START plays it. */
async function expectActive(client: DeviceClient, dev: VirtualDevice, program: Program, bytes: Uint8Array, playMs: number): Promise<void> {
  const crc = crc32(bytes, 0, bytes.length, 0);
  const list = await client.programs();
  expect(list.entries.find((e) => e.id === ID)?.crc).toBe(crc);
  expect(list.selected).toBe(ID);
  expect(Buffer.from(await client.readProgram(ID)).equals(Buffer.from(bytes))).toBe(true);
  const from = dev.motorTimeline().length;
  await client.start(0xff); // the selected program
  const st = await client.status();
  expect(st).toMatchObject({ state: State.Running, program: ID });
  dev.advance(playMs);
  const act = dev.motorTimeline().slice(from);
  // the steps that start within playMs are enough (the expected timeline is quadratic in its length)
  let t = 0;
  const steps = program.steps.filter((s) => ((t += s.duration * 1000), t - s.duration * 1000 < playMs));
  const exp = expectedTimeline({ name: program.name, steps }, act[0].t).motor.filter((s) => s.t <= act[0].t + playMs);
  expect(exp.length).toBeGreaterThan(5);
  expect(act.slice(0, exp.length).map((s) => [s.t, +s.v.toFixed(9)])).toEqual(exp.map((s) => [s.t, +s.v.toFixed(9)]));
  if ((await client.status()).state === State.Running) await client.stop();
  expect(dev.motor).toBe(0);
}

type Cut = { kind: "write" | "reply"; at: number };

async function uploadCutAt(mtu: number, cut: Cut): Promise<{ resumedFrom: number }> {
  const t0 = Date.now();
  const sim = await simNoble({ link: { mtu }, flash: base.clone(), linkOptions: process.env.DBG ? { debug: (l) => console.log(Date.now() - t0, l) } : {} });
  try {
    const dev = sim.device;
    const { client } = await sim.connect();
    const log = requestLog();
    const arm = cut.kind === "write" ? cutAfterWrites(dev, cut.at, log.seen) : cutAfterPackets(dev, cut.at);
    const logAll = cut.kind === "reply" ? cutAfterWrites(dev, Infinity, log.seen) : null;
    let err: unknown;
    try {
      await push(client, NEW, { slot: SLOT, maxReconnects: 0 });
    } catch (e) {
      err = e;
    }
    arm.off();
    logAll?.off();
    const what = `${cut.kind} cut at ${cut.at} (payload ${mtu - 3})`;
    expect(arm.cut(), what).toBe(true);
    expect(err, `${what}: ${String(err)}`).toBeInstanceOf(MassagerError);
    expect(dev.errors).toEqual([]);

    // the device took the chunks that reached it whole; COMMIT only if it reached it
    const committed = log.ops.some((o) => o.op === Op.ProgCommit);
    let reached = 0;
    for (const o of log.ops) if (o.op === Op.ProgWrite && o.offset === reached) reached += o.bytes;
    if (committed) await expectActive(client, dev, NEW, newBytes, 3000);
    else await expectActive(client, dev, OLD, oldBytes, 6500);

    // the next attempt resumes from the offset the device reports and completes
    const progress: number[] = [];
    const r = await push(client, NEW, { slot: SLOT, onProgress: (p) => progress.push(p.sent) });
    const expectFrom = committed ? 0 : reached;
    expect(r.resumedFrom, what).toBe(expectFrom);
    expect(progress[0]).toBe(expectFrom);
    expect(r.chunks).toBe(Math.ceil((newBytes.length - expectFrom) / chunkSize(client.link.payload)));
    expect(r).toMatchObject({ crc: newCrc, id: ID, selected: true, bytes: newBytes.length });
    await expectActive(client, dev, NEW, newBytes, 3000);
    expect(dev.flash.list(/^mprog/)).toHaveLength(1); // no staging file or old generation left
    expect(dev.errors).toEqual([]);
    expectMotorWithinCap(dev);
    return { resumedFrom: r.resumedFrom };
  } finally {
    await sim.close();
  }
}

/** Request packets the central writes and reply packets it receives in one clean upload. */
async function cleanUpload(mtu: number): Promise<{ writes: number; replies: number }> {
  const sim = await simNoble({ link: { mtu }, flash: base.clone() });
  try {
    const { client } = await sim.connect();
    const w = cutAfterWrites(sim.device, Infinity);
    const n = cutAfterPackets(sim.device, Infinity);
    const r = await push(client, NEW, { slot: SLOT });
    w.off();
    n.off();
    expect(r).toMatchObject({ crc: newCrc, resumedFrom: 0, selected: true });
    return { writes: w.delivered(), replies: n.delivered() };
  } finally {
    await sim.close();
  }
}

describe("link loss during a program upload, at every chunk", () => {
  for (const mtu of [23, 53]) {
    it(`payload ${mtu - 3}: the old program stays active until the commit; the next push resumes and completes`, async () => {
      const t = Date.now();
      const { writes, replies } = await cleanUpload(mtu);
      const chunks = Math.ceil(newBytes.length / chunkSize(mtu - 3));
      expect(writes).toBeGreaterThan(chunks);
      const resumed = new Set<number>();
      for (let m = 0; m < writes; m++) resumed.add((await uploadCutAt(mtu, { kind: "write", at: m })).resumedFrom);
      for (let k = 0; k < replies; k++) resumed.add((await uploadCutAt(mtu, { kind: "reply", at: k })).resumedFrom);
      console.log(`payload ${mtu - 3}: ${writes} write cuts, ${replies} reply cuts in ${Date.now() - t} ms`);
      // every chunk boundary was a resume point at least once
      for (let c = 0; c < chunks; c++) expect(resumed.has(c * chunkSize(mtu - 3))).toBe(true);
      expect(oldCrc).not.toBe(newCrc);
    }, 60_000);
  }
});
