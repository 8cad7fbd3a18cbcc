/**
 * The battery on the real interpreter (E.getBattery, as on a Puck.js, set by the harness): a start
 * below Critical is refused with its cue, and a cell that falls below Critical mid-session ends it
 * with End.Battery, the motor ramped down, as on the virtual device (test/firmware/battery.test.ts).
 */
import { expect, it } from "vitest";
import { InterpreterCentral } from "../../companion/sim/interpreter/central";
import { Battery, End, Op, State, Status } from "../../shared/codes";
import { BATTERY_CRITICAL, BATTERY_CRITICAL_READINGS, BATTERY_HYSTERESIS, BATTERY_RAMP_MS, BATTERY_SAMPLE_MS } from "../../shared/limits";
import { decodeInfo, decodeStatus } from "../../shared/messages";
import { bootInterpreter, describeInterpreter } from "../helpers/interpreter";

/** Volts at 5 % and 50 % of a Puck.js's 2.0…3.0 V range. */
const EMPTY = 2.05;
const HALF = 2.5;

async function connected(volts: number) {
  const dev = await bootInterpreter({ volts });
  const c = new InterpreterCentral(dev);
  await c.connect({ mtu: 53 });
  await c.info();
  return { dev, c };
}

describeInterpreter("the battery on the real interpreter", () => {
  it("below Critical: START answers LowBattery, the refused cue plays, nothing is logged", async () => {
    const { dev, c } = await connected(EMPTY);
    expect(decodeInfo((await c.info()).body)).toMatchObject({ battery: 5, batteryState: Battery.Critical });
    const t0 = dev.now;
    expect((await c.request(Op.Start, [0])).status).toBe(Status.LowBattery);
    await dev.advance(2000);
    const cue = dev.motorTimeline().filter((s) => s.t >= t0);
    expect(cue.filter((s) => s.v > 0).length).toBeGreaterThanOrEqual(3);
    expect(cue[cue.length - 1].v).toBe(0);
    expect(decodeStatus((await c.request(Op.Status)).body)!.state).toBe(State.Idle);
    expect(decodeInfo((await c.info()).body)!.newest).toBe(0);
    expect(dev.errors).toEqual([]);
  });

  it("a cell that falls below Critical mid-session ends it with End.Battery, ramped down, one record", async () => {
    const { dev, c } = await connected(HALF);
    expect((await c.request(Op.Start, [0])).status).toBe(Status.Ok);
    await dev.advance(30_000);
    await dev.setBattery(EMPTY);
    const drop = dev.now;
    await dev.advance(BATTERY_CRITICAL_READINGS * BATTERY_SAMPLE_MS + 2000);
    expect(decodeStatus((await c.request(Op.Status)).body)).toMatchObject({ state: State.Stopped, lastEnd: End.Battery });
    const tl = dev.motorTimeline();
    const off = tl[tl.length - 1];
    expect(off.v).toBe(0);
    expect(off.t - drop).toBeLessThanOrEqual(BATTERY_CRITICAL_READINGS * BATTERY_SAMPLE_MS + BATTERY_RAMP_MS + 500);
    const ramp = tl.filter((x) => x.t > off.t - BATTERY_RAMP_MS - 1 && x.t < off.t);
    expect(ramp.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < ramp.length; i++) expect(ramp[i].v).toBeLessThanOrEqual(ramp[i - 1].v);
    const log = await c.readLog(0);
    expect(log.records.map((r) => r.end)).toEqual([End.Battery]);
    // the reading at the end, with the sag under the motor added back (a bench supply has none)
    expect(log.records[0].battery).toBeLessThan(BATTERY_CRITICAL + BATTERY_HYSTERESIS);
    expect(dev.errors).toEqual([]);
  });
});
