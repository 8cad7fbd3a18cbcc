/**
 * A button session of each preset on the real interpreter: selected with double presses, started
 * with a short press, played to its end, and one stopped by a long press. The motor timeline is
 * the one test/helpers/timeline.ts computes from the preset, and the same as the virtual device's
 * for the same presses; the log records are byte for byte the virtual device's.
 */
import { expect, it } from "vitest";
import { InterpreterCentral } from "../../companion/sim/interpreter/central";
import { End } from "../../shared/codes";
import { MOTOR_DUTY_MAX } from "../../shared/limits";
import { PRESET_COUNT, presetProgram } from "../../shared/presets";
import { totalSeconds } from "../../shared/program";
import { Central } from "../helpers/central";
import { type Act, actOnInterpreter, actOnTwin, bootInterpreter, bootTwin, describeInterpreter } from "../helpers/interpreter";
import { type Sample, expectedTimeline } from "../helpers/timeline";

/** Debounce (25 ms) + the double-press window (350 ms): a short press acts this long after its release. */
const SHORT_ACTS_AFTER_RELEASE = 25 + 350;

function expectSamples(actual: Sample[], expected: Sample[], what: string): void {
  expect(actual.map((s) => s.t), `${what}: times`).toEqual(expected.map((s) => s.t));
  for (let i = 0; i < expected.length; i++) expect(actual[i].v, `${what}: level at ${expected[i].t} ms`).toBeCloseTo(expected[i].v, 9);
}

describeInterpreter("button sessions on the real interpreter", () => {
  it("plays every preset to its end, and a long press stops one; timelines and records as on the virtual device", async () => {
    const acts: Act[] = [];
    let now = 0;
    const act = (...a: Act[]) => {
      for (const x of a) now += "press" in x ? x.press : "wait" in x ? x.wait : 0;
      acts.push(...a);
    };
    const sessions: Array<{ preset: number; start: number }> = [];
    for (let i = 0; i < PRESET_COUNT; i++) {
      if (i) act({ press: 80 }, { wait: 120 }, { press: 80 }, { wait: 3000 }); // double press: the next preset
      act({ press: 100 });
      sessions.push({ preset: i, start: now + SHORT_ACTS_AFTER_RELEASE });
      act({ wait: SHORT_ACTS_AFTER_RELEASE + totalSeconds(presetProgram(i)!) * 1000 + 1000 });
    }
    // back to the first preset, then a long press 100 s into it
    act({ press: 80 }, { wait: 120 }, { press: 80 }, { wait: 3000 }, { press: 100 }, { wait: 100_000 }, { down: true }, { wait: 1600 }, { up: true }, { wait: 1000 });

    const dev = await bootInterpreter();
    await actOnInterpreter(dev, acts);
    const twin = await bootTwin();
    actOnTwin(twin, acts);

    const motor = dev.motorTimeline();
    for (const s of sessions) {
      const p = presetProgram(s.preset)!;
      const end = s.start + totalSeconds(p) * 1000;
      const exp = expectedTimeline(p, s.start);
      expectSamples(motor.filter((x) => x.t >= s.start && x.t <= end), exp.motor, `preset ${s.preset}`);
      expectSamples(dev.timeline(dev.board.ledPins[0]).filter((x) => x.t >= s.start && x.t <= end), exp.led, `preset ${s.preset} LED`);
    }
    expectSamples(motor, twin.motorTimeline(), "whole run against the virtual device");
    for (const x of motor) expect(x.v).toBeLessThanOrEqual(MOTOR_DUTY_MAX);
    expect(dev.level(dev.board.motorPin)).toBe(0);

    const c = new InterpreterCentral(dev);
    await c.connect({ mtu: 53 });
    await c.info();
    const log = await c.readLog(0);
    expect(log.records.map((r) => [r.program, r.end])).toEqual([[0, End.Finished], [1, End.Finished], [2, End.Finished], [0, End.StoppedButton]]);
    const tc = new Central(twin);
    tc.connect({ mtu: 53 });
    tc.info();
    const twinLog = tc.readLog(0);
    expect(log.bytes).toEqual(Uint8Array.from(twinLog.packets.flatMap((p) => [...p.subarray(1)])).subarray(0, log.bytes.length));
    expect(dev.errors).toEqual([]);
  }, 120_000);
});
