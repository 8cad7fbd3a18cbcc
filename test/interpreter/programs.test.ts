/**
 * Custom programs on the real interpreter: the largest program the validator accepts goes through
 * upload, commit, list, select and a session to its end; a deleted slot stays deleted; every
 * program op with every id answers with a status (the virtual device's), never Unknown.
 */
import { expect, it } from "vitest";
import { InterpreterCentral } from "../../companion/sim/interpreter/central";
import { End, Op, SLOT_BASE, Status } from "../../shared/codes";
import { crc32 } from "../../shared/crc";
import { largestProgram } from "../../shared/largest-program";
import { MAX_STEPS, SLOTS } from "../../shared/limits";
import { decodeInfo, decodeProgramList, encodeProgBegin, encodeProgRead, encodeProgWrite } from "../../shared/messages";
import { PRESET_COUNT } from "../../shared/presets";
import { type Program, encodeProgram, totalSeconds } from "../../shared/program";
import { Central } from "../helpers/central";
import { actOnInterpreter, bootInterpreter, bootTwin, describeInterpreter } from "../helpers/interpreter";
import { expectedTimeline } from "../helpers/timeline";

const SHORT_ACTS_AFTER_RELEASE = 25 + 350;
const TINY: Program = { name: "Tiny", steps: [{ region: 1, pattern: 4, duration: 2, intensity: 0.4, cue: 0 }] };

async function connected() {
  const dev = await bootInterpreter();
  const c = new InterpreterCentral(dev);
  await c.connect({ mtu: 53 });
  await c.info();
  return { dev, c };
}

async function ids(c: InterpreterCentral): Promise<{ selected: number; ids: number[] }> {
  const l = decodeProgramList((await c.request(Op.ProgList)).body)!;
  return { selected: l.selected, ids: l.entries.map((e) => e.id) };
}

describeInterpreter("custom programs on the real interpreter", () => {
  it("the largest valid program is uploaded, committed, listed, selected and played to its end", async () => {
    const { dev, c } = await connected();
    const p = largestProgram();
    const bytes = encodeProgram(p);
    expect((await c.upload(0, bytes)).status).toBe(Status.Ok);
    const list = decodeProgramList((await c.request(Op.ProgList)).body)!;
    expect(list.entries.find((e) => e.id === SLOT_BASE)).toEqual({
      id: SLOT_BASE, steps: MAX_STEPS, seconds: totalSeconds(p), crc: crc32(bytes, 0, bytes.length, 0), name: p.name,
    });
    expect((await c.request(Op.ProgSelect, [0])).status).toBe(Status.Ok);
    expect((await c.request(Op.ProgSelect, [SLOT_BASE])).status).toBe(Status.Ok);
    expect(decodeInfo((await c.info()).body)!.selected).toBe(SLOT_BASE);
    await c.disconnect(); // a session started over BLE stops with the link: start this one with the button

    await actOnInterpreter(dev, [{ press: 100 }]);
    const start = dev.now + SHORT_ACTS_AFTER_RELEASE;
    await dev.advance(SHORT_ACTS_AFTER_RELEASE + totalSeconds(p) * 1000 + 1000);
    const exp = expectedTimeline(p, start).motor;
    const motor = dev.motorTimeline().filter((s) => s.t >= start);
    expect(motor.map((s) => s.t)).toEqual(exp.map((s) => s.t));
    for (let i = 0; i < exp.length; i++) expect(motor[i].v).toBeCloseTo(exp[i].v, 9);

    await c.connect({ mtu: 53 });
    await c.info(); // the payload is the one INFO agrees on
    const log = await c.readLog(0);
    expect(log.records.map((r) => [r.program, r.end, r.planned])).toEqual([[SLOT_BASE, End.Finished, totalSeconds(p)]]);
    expect(dev.errors).toEqual([]);
  }, 120_000);

  it("a deleted slot is gone: not listed, not startable, not selectable, and still gone after a reboot", async () => {
    const { dev, c } = await connected();
    const id = SLOT_BASE + 1;
    expect((await c.upload(1, encodeProgram(TINY))).status).toBe(Status.Ok);
    expect(await ids(c)).toEqual({ selected: id, ids: [0, 1, 2, id] });
    expect((await c.request(Op.ProgDelete, [id])).status).toBe(Status.Ok);
    expect(await ids(c)).toEqual({ selected: 0, ids: [0, 1, 2] });
    const gone: Array<[number, number[] | Uint8Array]> = [[Op.Start, [id]], [Op.ProgSelect, [id]], [Op.ProgDelete, [id]], [Op.ProgRead, encodeProgRead({ id, offset: 0, len: 16 })]];
    for (const [op, body] of gone) expect((await c.request(op, body)).status, `op 0x${op.toString(16)}`).toBe(Status.NoEntry);
    expect(await dev.eval<string[]>('require("Storage").list(/^mprog/)')).toEqual([]);

    await dev.reboot();
    await c.connect({ mtu: 53 });
    expect((await c.info()).status).toBe(Status.Ok);
    expect(await ids(c)).toEqual({ selected: 0, ids: [0, 1, 2] });
    expect((await c.request(Op.Start, [id])).status).toBe(Status.NoEntry);
    expect(dev.errors).toEqual([]);
  });

  it("every program op with every id or slot answers with its status, as the virtual device does, never Unknown", async () => {
    const { dev, c } = await connected();
    const twin = await bootTwin();
    const tc = new Central(twin);
    tc.connect({ mtu: 53 });
    tc.info();
    const requests: Array<[string, number, number[] | Uint8Array]> = [];
    for (let id = 0; id < 256; id++) {
      requests.push(["select", Op.ProgSelect, [id]], ["read", Op.ProgRead, encodeProgRead({ id, offset: 0, len: 16 })]);
      requests.push(["delete", Op.ProgDelete, [id]], ["start", Op.Start, [id]]);
      requests.push(["begin", Op.ProgBegin, encodeProgBegin({ slot: id, size: 8, crc: 1 })]);
      requests.push(["write", Op.ProgWrite, encodeProgWrite({ slot: id, offset: 0, data: new Uint8Array(4) })], ["commit", Op.ProgCommit, [id]]);
    }
    const seen = new Map<string, number[]>();
    for (const [name, op, body] of requests) {
      const r = await c.request(op, body);
      const t = tc.request(op, Uint8Array.from(body));
      const id = body[0];
      expect(r.status, `${name} ${id}: the virtual device answers ${t.status}`).toBe(t.status);
      expect(r.status, `${name} ${id}`).not.toBe(Status.Unknown);
      if (op === Op.Start && r.status === Status.Ok) {
        await c.request(Op.Stop);
        tc.request(Op.Stop);
      }
      seen.set(name, [...(seen.get(name) ?? []), r.status]);
    }
    // between the presets and the slots, and past the slots: nothing there
    for (const name of ["select", "read", "delete", "start"])
      for (const id of [PRESET_COUNT, SLOT_BASE - 1, SLOT_BASE + SLOTS, 0xfe]) expect(seen.get(name)![id], `${name} ${id}`).toBe(Status.NoEntry);
    expect(seen.get("begin")![SLOTS]).toBe(Status.BadRequest);
    expect(dev.errors).toEqual([]);
  }, 120_000);
});
