/**
 * The interpreter's own timers, in real time (every other interpreter test drives a clock): a
 * 4-second program started over BLE plays its levels at their times (none more than a few tens of
 * milliseconds out from the others), ends on time and is logged.
 */
import { expect, it } from "vitest";
import { InterpreterCentral } from "../../companion/sim/interpreter/central";
import { End, Op, SLOT_BASE, Status } from "../../shared/codes";
import { PATTERN_CUSTOM, type Program, encodeProgram, totalSeconds } from "../../shared/program";
import { bootInterpreter, describeInterpreter } from "../helpers/interpreter";
import { expectedTimeline } from "../helpers/timeline";

const SHORT: Program = {
  name: "Four seconds",
  steps: [
    { region: 0, pattern: PATTERN_CUSTOM, duration: 2, intensity: 0.8, cue: 0, curve: [0.2, 0.9, 0.5], curveStepMs: 300 },
    { region: 1, pattern: PATTERN_CUSTOM, duration: 2, intensity: 0.6, cue: 0, curve: [1, 0.3], curveStepMs: 500 },
  ],
};
/**
 * How far apart the level changes may be from the program's times (2 cores shared with other test
 * files, and Espruino wakes a little before a timer is due). The times are measured from the first
 * level, whose own timer may have been the late one, so it is the spread that is bounded.
 */
const SPREAD_MS = 60;

describeInterpreter("real time on the real interpreter", () => {
  it("plays a 4-second program on the interpreter's own timers, on time, and logs it", async () => {
    const dev = await bootInterpreter({ clock: "real" });
    const c = new InterpreterCentral(dev);
    await c.connect({ mtu: 53 });
    await c.info();
    expect((await c.upload(0, encodeProgram(SHORT))).status).toBe(Status.Ok);
    expect((await c.request(Op.Start, [SLOT_BASE])).status).toBe(Status.Ok);
    await dev.advance(totalSeconds(SHORT) * 1000 + 500);

    const motor = dev.motorTimeline();
    const start = motor.find((s) => s.v > 0)!.t;
    const exp = expectedTimeline(SHORT, start).motor;
    const got = motor.filter((s) => s.t >= start);
    expect(got.length).toBe(exp.length);
    for (let i = 0; i < exp.length; i++) expect(got[i].v).toBeCloseTo(exp[i].v, 9);
    const late = exp.map((e, i) => got[i].t - e.t);
    expect(Math.max(...late) - Math.min(...late), `ms late by level: ${late.map((ms) => ms.toFixed(1)).join(" ")}`).toBeLessThan(SPREAD_MS);
    const log = await c.readLog(0);
    expect(log.records.map((r) => [r.program, r.end, r.planned])).toEqual([[SLOT_BASE, End.Finished, totalSeconds(SHORT)]]);
    expect(dev.errors).toEqual([]);
  });
});
