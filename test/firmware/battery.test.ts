/**
 * The battery on the virtual board's cell model (companion/sim/board/battery.ts: drain, sag under
 * the motor, recovery at rest, noise): what the device says about it, and what it does when it
 * runs low. Thresholds are shared/limits.ts BATTERY_*: Low below 20 %, Critical below 8 %, 5 points
 * of hysteresis, two Critical readings in a row to end a session, readings at most every 10 s and
 * only at a session's own wake-ups (an idle device never wakes to read it).
 */
import { describe, expect, it } from "vitest";
import { Battery, End, Op, State, Status } from "../../shared/codes";
import {
  BATTERY_CRITICAL, BATTERY_CRITICAL_READINGS, BATTERY_HYSTERESIS, BATTERY_LOW, BATTERY_RAMP_MS, BATTERY_SAMPLE_MS, MOTOR_DUTY_MAX,
} from "../../shared/limits";
import { decodeInfo, decodeStatus } from "../../shared/messages";
import { presetProgram } from "../../shared/presets";
import { totalSeconds } from "../../shared/program";
import type { VirtualDevice } from "../../companion/sim/board/device";
import { Central } from "../helpers/central";
import { checkedDevices } from "../helpers/firmware";

const boot = checkedDevices();
const PRESET_S = totalSeconds(presetProgram(0)!);
/** A short press acts this long after its release (debounce + the double-press window). */
const PRESS_ACTS_MS = 25 + 350;

function connect(dev: VirtualDevice): Central {
  const c = new Central(dev);
  c.connect({ mtu: 53 });
  c.info();
  return c;
}

const status = (c: Central) => decodeStatus(c.request(Op.Status).body)!;
const info = (c: Central) => decodeInfo(c.info().body)!;
const motorFrom = (dev: VirtualDevice, t: number) => dev.motorTimeline().filter((s) => s.t >= t);

describe("the battery, as the device reads it", () => {
  it("INFO and STATUS give the charge and its state; an idle device arms no timer to read it", async () => {
    const dev = await boot({ batteryPercent: 100 });
    const c = connect(dev);
    expect(info(c)).toMatchObject({ battery: 100, batteryState: Battery.Ok });
    dev.battery.setPercent(15, dev.clock.now());
    expect(info(c)).toMatchObject({ battery: 15, batteryState: Battery.Low });
    expect(status(c)).toMatchObject({ battery: 15, batteryState: Battery.Low });
    dev.battery.setPercent(5, dev.clock.now());
    expect(info(c)).toMatchObject({ battery: 5, batteryState: Battery.Critical });
    c.disconnect();
    dev.advance(3_600_000);
    expect(dev.pendingTimers()).toBe(0);
  });

  it("noise around the Low threshold does not make the state flap: at most one change in 10 minutes of readings", async () => {
    const dev = await boot({ batteryPercent: BATTERY_LOW + 1, batteryNoiseVolts: 0.02 });
    const c = connect(dev);
    const states: number[] = [];
    const seen = new Set<number>();
    for (let i = 0; i < 60; i++) {
      const r = info(c);
      states.push(r.batteryState);
      seen.add(r.battery);
      dev.advance(10_000);
    }
    expect(seen.size).toBeGreaterThan(2); // the readings did wander
    const changes = states.filter((s, i) => i > 0 && s !== states[i - 1]).length;
    expect(changes).toBeLessThanOrEqual(1);
    expect(BATTERY_HYSTERESIS).toBeGreaterThan(2 * 2); // ±2 % of noise never crosses back
  });
});

describe("starting a session on a low battery", () => {
  it("below Critical: the button gives the refused cue and no session, START answers LowBattery, nothing is logged", async () => {
    const dev = await boot({ batteryPercent: BATTERY_CRITICAL - 3 });
    const t0 = dev.clock.now();
    dev.pressButton(100);
    dev.advance(3000);
    const cue = motorFrom(dev, t0);
    expect(cue.filter((s) => s.v > 0).length).toBeGreaterThanOrEqual(3); // short buzzes
    expect(cue[cue.length - 1].v).toBe(0);
    expect(cue[cue.length - 1].t - t0).toBeLessThan(2000);
    expect(dev.pendingTimers()).toBe(0); // nothing left running
    const c = connect(dev);
    expect(status(c)).toMatchObject({ state: State.Idle, batteryState: Battery.Critical });
    expect(c.request(Op.Start, [0]).status).toBe(Status.LowBattery);
    expect(info(c).newest).toBe(0);
  });

  it("Low: a distinct cue first, then the session, its time counted from after the cue; it runs to its end", async () => {
    const dev = await boot({ batteryPercent: BATTERY_LOW - 2 });
    const c = connect(dev);
    const t0 = dev.clock.now();
    expect(c.request(Op.Start, [0]).status).toBe(Status.Ok);
    dev.advance(900);
    expect(status(c)).toMatchObject({ state: State.Running, elapsed: 0, batteryState: Battery.Low });
    const cue = motorFrom(dev, t0).filter((s) => s.t < t0 + 1000);
    expect(cue.filter((s) => s.v >= MOTOR_DUTY_MAX - 1e-9).length).toBe(2); // two long buzzes at full
    dev.advance(PRESET_S * 1000 + 2000);
    const s = status(c);
    expect(s).toMatchObject({ state: State.Finished, lastEnd: End.Finished });
    const rec = c.readLog(0).records[0];
    expect(rec).toMatchObject({ end: End.Finished, planned: PRESET_S });
    expect(rec.battery).toBeLessThan(BATTERY_LOW);
  });

  it("the sag under the motor is not taken for an empty cell: a cell at 20 % runs a preset to its end", async () => {
    const dev = await boot({ batteryPercent: 20 });
    const c = connect(dev);
    expect(c.request(Op.Start, [0]).status).toBe(Status.Ok);
    dev.advance(PRESET_S * 1000 + 2000);
    expect(status(c)).toMatchObject({ state: State.Finished, lastEnd: End.Finished });
  });
});

describe("a battery that runs out during a session", () => {
  it("ends the session with End.Battery after two Critical readings, the motor ramped down, one record", async () => {
    const dev = await boot({ batteryPercent: 100 });
    const c = connect(dev);
    const events = () => c.events().map((m) => decodeStatus(m.body)!);
    dev.pressButton(100);
    dev.advance(PRESS_ACTS_MS + 60_000);
    expect(status(c).state).toBe(State.Running);
    const drop = dev.clock.now();
    dev.battery.setPercent(BATTERY_CRITICAL - 4, drop);
    dev.advance(BATTERY_CRITICAL_READINGS * BATTERY_SAMPLE_MS + 2000);
    const s = status(c);
    expect(s).toMatchObject({ state: State.Stopped, lastEnd: End.Battery, batteryState: Battery.Critical });
    expect(events().at(-1)).toMatchObject({ state: State.Stopped, lastEnd: End.Battery });
    // the motor steps down over BATTERY_RAMP_MS, never up, and ends off
    const tl = dev.motorTimeline();
    const offAt = tl[tl.length - 1].t;
    expect(tl[tl.length - 1].v).toBe(0);
    expect(offAt - drop).toBeLessThanOrEqual(BATTERY_CRITICAL_READINGS * BATTERY_SAMPLE_MS + BATTERY_RAMP_MS + 500);
    const ramp = tl.filter((x) => x.t > offAt - BATTERY_RAMP_MS - 1 && x.t < offAt);
    expect(ramp.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < ramp.length; i++) expect(ramp[i].v).toBeLessThanOrEqual(ramp[i - 1].v);
    const recs = c.readLog(0).records;
    expect(recs.map((r) => r.end)).toEqual([End.Battery]);
    expect(recs[0].battery).toBeLessThan(BATTERY_CRITICAL);
    expect(dev.pendingTimers()).toBe(0);
    // and the button now gives the refused cue, not a session
    dev.pressButton(100);
    dev.advance(3000);
    expect(status(c).state).toBe(State.Stopped);
  });

  it("one Critical reading alone (a dip) does not end it", async () => {
    const dev = await boot({ batteryPercent: 100 });
    const c = connect(dev);
    expect(c.request(Op.Start, [0]).status).toBe(Status.Ok);
    dev.advance(30_000);
    dev.battery.setPercent(BATTERY_CRITICAL - 4, dev.clock.now());
    dev.advance(BATTERY_SAMPLE_MS);
    dev.battery.setPercent(60, dev.clock.now());
    dev.advance(PRESET_S * 1000);
    expect(status(c)).toMatchObject({ state: State.Finished, lastEnd: End.Finished });
  });

  it("a cell drained by the motor itself: the session ends for the battery, never past it", async () => {
    const dev = await boot({ batteryPercent: BATTERY_CRITICAL + 2 });
    const c = connect(dev);
    const st = info(c).batteryState;
    expect(st).toBe(Battery.Low);
    expect(c.request(Op.Start, [1]).status).toBe(Status.Ok);
    dev.advance(totalSeconds(presetProgram(1)!) * 1000 + 2000);
    const s = status(c);
    expect(s.lastEnd).toBe(End.Battery);
    expect(dev.battery.percent).toBeGreaterThan(0);
  });
});
