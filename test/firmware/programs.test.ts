/**
 * Programs uploaded over BLE, long sessions without drift, limits the device refuses, state that
 * survives reboots and power loss, and a log that never overwrites what the central has not taken.
 */
import { describe, expect, it } from "vitest";
import type { VirtualDevice } from "../../companion/sim/board/device";
import { checkedDevices } from "../helpers/firmware";
import { Central } from "../helpers/central";
import { expectedTimeline } from "../helpers/timeline";
import { End, Op, SLOT_BASE, Status } from "../../shared/codes";
import { LOG_SEGMENTS, LOG_SEGMENT_RECORDS } from "../../shared/limits";
import { crc32 } from "../../shared/crc";
import { decodeProgramError, decodeInfo, decodeProgramList, decodeU16, encodeProgBegin, encodeProgWrite, encodeU32, decodeTimeReply } from "../../shared/messages";
import { describeProgramError, encodeProgram, PATTERN_CUSTOM, Program } from "../../shared/program";

const bootDevice = checkedDevices();
async function connected(): Promise<{ dev: VirtualDevice; c: Central }> {
  const dev = await bootDevice();
  const c = new Central(dev);
  c.connect({ mtu: 53 });
  c.info();
  return { dev, c };
}

const TWENTY: Program = {
  name: "Twenty minutes",
  steps: [
    { region: 0, pattern: PATTERN_CUSTOM, duration: 300, intensity: 0.7, cue: 1, curve: [0.3, 0.9, 0.5], curveStepMs: 370 },
    { region: 1, pattern: 3, duration: 300, intensity: 0.6, cue: 1 },
    { region: 1, pattern: 1, duration: 300, intensity: 0.65, cue: 2 },
    { region: 2, pattern: 4, duration: 300, intensity: 0.5, cue: 1 },
  ],
};

const TINY: Program = { name: "Tiny", steps: [{ region: 1, pattern: 4, duration: 2, intensity: 0.4, cue: 0 }] };

function programIds(c: Central): number[] {
  return decodeProgramList(c.request(Op.ProgList).body)!.entries.map((e) => e.id);
}

describe("custom programs", () => {
  it("a 20-minute program uploaded over BLE ends at 1200 s of virtual time exactly (no drift)", async () => {
    const { dev, c } = await connected();
    expect(c.upload(0, encodeProgram(TWENTY)).status).toBe(Status.Ok);
    expect(c.request(Op.Start, [SLOT_BASE]).status).toBe(Status.Ok);
    const tl0 = dev.motorTimeline().length;
    const start = dev.motorTimeline()[tl0 - 1].t;
    dev.advance(1_300_000);
    const tl = dev.motorTimeline();
    const end = tl[tl.length - 1];
    expect(end.v).toBe(0);
    expect(end.t - start).toBe(1_200_000);
    // Step by step it is the program: the expected timeline from the uploaded steps.
    const exp = expectedTimeline(TWENTY, start).motor;
    const act = tl.slice(tl0 - 1);
    expect(act.length).toBe(exp.length);
    for (let i = 0; i < exp.length; i++) {
      expect(act[i].t).toBe(exp[i].t);
      expect(act[i].v).toBeCloseTo(exp[i].v, 9);
    }
    const r = c.readLog(0).records[0];
    expect(r).toMatchObject({ program: SLOT_BASE, planned: 1200, regions: [300, 600, 300], end: End.Finished });
    expect(dev.pendingTimers()).toBe(0);
  });

  it("refuses a program beyond the limits with Invalid and a message naming the field; the old one stays", async () => {
    const { dev, c } = await connected();
    const good = encodeProgram(TINY);
    expect(c.upload(0, good).status).toBe(Status.Ok);
    // Raw bytes, as a companion that skips validation would send: 40 steps of 90 s at 250 %.
    const raw = (steps: number, seconds: number, intensity: number) => {
      const name = "Too much";
      const b = new Uint8Array(3 + name.length + steps * 6);
      b.set([1, steps, name.length]);
      for (let i = 0; i < name.length; i++) b[3 + i] = name.charCodeAt(i);
      for (let i = 0; i < steps; i++) b.set([0, 0, seconds & 0xff, seconds >> 8, intensity, 0], 3 + name.length + i * 6);
      return b;
    };
    const cases: Array<[Uint8Array, string]> = [
      [raw(40, 90, 250), "steps: 40 steps is above the limit 24"],
      [raw(2, 90, 250), "steps[0].intensity: 2.5 is above the limit 1.0"],
      [raw(4, 900, 100), "steps: total 3600 s is above the longest session 1800 s"],
      [raw(1, 1, 50), "steps[0].duration: 1 s is below the limit 2 s"],
    ];
    for (const [bytes, message] of cases) {
      const m = c.upload(0, bytes);
      expect(m.op).toBe(Op.ProgCommit);
      expect(m.status).toBe(Status.Invalid);
      expect(m.body).toHaveLength(8);
      expect(describeProgramError(decodeProgramError(m.body)!)).toBe(message);
    }
    const list = decodeProgramList(c.request(Op.ProgList).body)!;
    expect(list.entries.find((e) => e.id === SLOT_BASE)!.crc).toBe(crc32(good, 0, good.length, 0));
    expect(dev.flash.list(/^mprog/)).toHaveLength(1);
    // A wrong CRC is Corrupt; too large is TooLarge; a bad offset says where to go on.
    const g2 = encodeProgram(TWENTY);
    expect(c.request(Op.ProgBegin, encodeProgBegin({ slot: 1, size: g2.length, crc: 1234 })).status).toBe(Status.Ok);
    const w = c.request(Op.ProgWrite, encodeProgWrite({ slot: 1, offset: 5, data: g2.subarray(5, 10) }));
    expect(w.status).toBe(Status.BadOffset);
    expect(decodeU16(w.body)).toBe(0);
    for (let o = 0; o < g2.length; o += 30) c.request(Op.ProgWrite, encodeProgWrite({ slot: 1, offset: o, data: g2.subarray(o, o + 30) }));
    expect(c.request(Op.ProgCommit, [1]).status).toBe(Status.Corrupt);
    expect(c.request(Op.ProgBegin, encodeProgBegin({ slot: 1, size: 700, crc: 1 })).status).toBe(Status.TooLarge);
    expect(programIds(c)).toEqual([0, 1, 2, SLOT_BASE]);
  });

  it("resumes an interrupted upload from the offset the device reports, across a disconnect and a reboot", async () => {
    const { dev, c } = await connected();
    const bytes = encodeProgram(TWENTY);
    const crc = crc32(bytes, 0, bytes.length, 0);
    const begin = () => decodeU16(c.request(Op.ProgBegin, encodeProgBegin({ slot: 3, size: bytes.length, crc })).body)!;
    expect(begin()).toBe(0);
    const write = (o: number, n: number) => c.request(Op.ProgWrite, encodeProgWrite({ slot: 3, offset: o, data: bytes.subarray(o, o + n) }));
    expect(decodeU16(write(0, 20).body)).toBe(20);
    c.disconnect();
    c.connect({ mtu: 53 });
    c.info();
    expect(begin()).toBe(20);
    expect(decodeU16(write(20, 15).body)).toBe(35);
    c.disconnect();
    dev.reboot();
    dev.advance(0);
    c.connect({ mtu: 53 });
    c.info();
    expect(begin()).toBe(35);
    for (let o = 35; o < bytes.length; o += 30) expect(write(o, 30).status).toBe(Status.Ok);
    expect(c.request(Op.ProgCommit, [3]).status).toBe(Status.Ok);
    expect(programIds(c)).toEqual([0, 1, 2, SLOT_BASE + 3]);
  });

  it("power loss at any flash write of an upload keeps the old program or the complete new one", async () => {
    const { dev, c } = await connected();
    const old = encodeProgram(TINY);
    const neu = encodeProgram(TWENTY);
    expect(c.upload(0, old).status).toBe(Status.Ok);
    const crcOld = crc32(old, 0, old.length, 0);
    const crcNew = crc32(neu, 0, neu.length, 0);
    let sawOld = 0;
    let sawNew = 0;
    for (let n = 1; n < 40; n++) {
      if (!dev.flash.list(/^mprog/).length) throw new Error("lost every program");
      const before = dev.flash.writeCount;
      dev.flash.failAfterWrites(n);
      try {
        c.upload(0, neu, 30);
      } catch {
        // the device lost power mid-upload: no reply
      }
      const cut = dev.state === "off";
      dev.flash.cancelFault();
      if (cut) dev.boot();
      dev.advance(0);
      if (c.dev.nrf.connected) c.disconnect();
      c.connect({ mtu: 53 });
      c.info();
      const entry = decodeProgramList(c.request(Op.ProgList).body)!.entries.find((e) => e.id === SLOT_BASE)!;
      expect([crcOld, crcNew]).toContain(entry.crc);
      if (entry.crc === crcNew) {
        sawNew++;
        expect(dev.flash.writeCount - before).toBeGreaterThan(0);
        // Put the old one back for the next round.
        expect(c.upload(0, old).status).toBe(Status.Ok);
      } else sawOld++;
      if (!cut) break;
    }
    // Cuts before the marker keep the old program; cuts after it (old file erase, selection) the new.
    expect(sawOld).toBeGreaterThanOrEqual(3);
    expect(sawNew).toBeGreaterThanOrEqual(2);
  });
});

describe("state across reboots", () => {
  it("keeps the log and the programs, and sequence numbers continue", async () => {
    const { dev, c } = await connected();
    expect(c.upload(1, encodeProgram(TINY)).status).toBe(Status.Ok);
    expect(c.request(Op.Start, [SLOT_BASE + 1]).status).toBe(Status.Ok);
    dev.advance(3000);
    expect(c.request(Op.Start, [0]).status).toBe(Status.Ok);
    expect(c.request(Op.Stop).status).toBe(Status.Ok);
    const logId = decodeInfo(c.info().body)!.logId;
    expect(c.ack(1).status).toBe(Status.Ok);
    c.disconnect();
    dev.powerCut();
    dev.boot();
    dev.advance(0);
    c.connect({ mtu: 53 });
    const info = decodeInfo(c.info().body)!;
    expect(info).toMatchObject({ logId, newest: 2, acked: 1, held: 1, selected: SLOT_BASE + 1 });
    expect(programIds(c)).toEqual([0, 1, 2, SLOT_BASE + 1]);
    expect(c.readLog(1).records.map((r) => [r.seq, r.end])).toEqual([[2, End.StoppedRemote]]);
    // This boot's first number: records from 3 on carry this boot's uptime.
    expect(decodeTimeReply(c.request(Op.TimeSet, encodeU32(1_780_000_000)).body)!.bootSeq).toBe(3);
    // A button session (the selected custom program) gets the next number.
    dev.pressButton(100);
    dev.advance(3000);
    const recs = c.readLog(1).records;
    expect(recs.map((r) => [r.seq, r.program, r.uptime])).toEqual([[2, 0, true], [3, SLOT_BASE + 1, false]]);
    // Acknowledge everything, reboot: numbering continues from the floor, nothing is re-read.
    expect(c.ack(3).status).toBe(Status.Ok);
    c.disconnect();
    dev.reboot();
    dev.advance(0);
    dev.pressButton(100);
    dev.advance(3000);
    c.connect({ mtu: 53 });
    c.info();
    expect(c.readLog(3).records.map((r) => r.seq)).toEqual([4]);
  });

  it("holds a year of daily sessions, then counts what it cannot store instead of overwriting", async () => {
    const { dev, c } = await connected();
    expect(c.upload(0, encodeProgram(TINY)).status).toBe(Status.Ok);
    c.disconnect();
    const cap = LOG_SEGMENTS * LOG_SEGMENT_RECORDS;
    expect(cap).toBeGreaterThanOrEqual(365);
    for (let i = 0; i < cap + 2; i++) {
      dev.pressButton(100);
      dev.advance(2600);
    }
    c.connect({ mtu: 53 });
    let info = decodeInfo(c.info().body)!;
    expect(info).toMatchObject({ newest: cap, held: cap, unlogged: 2 });
    const first = c.readLog(0, 10).records;
    expect(first[0].seq).toBe(1);
    // Acknowledged records make room again.
    expect(c.ack(cap).status).toBe(Status.Ok);
    c.disconnect();
    dev.pressButton(100);
    dev.advance(2600);
    c.connect({ mtu: 53 });
    info = decodeInfo(c.info().body)!;
    expect(info).toMatchObject({ newest: cap + 1, held: 1, acked: cap, unlogged: 2 });
    expect(c.readLog(cap).records.map((r) => r.seq)).toEqual([cap + 1]);
    expect(dev.flash.list(/^mlog/).length).toBeLessThanOrEqual(2);
  });
});
