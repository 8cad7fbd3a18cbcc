/**
 * Button in, motor timeline out: the real bundle in the virtual device, virtual time advanced by
 * the test, compared with expectations computed by test/helpers/timeline.ts from the preset table.
 */
import { describe, expect, it } from "vitest";
import type { VirtualDevice } from "../../companion/sim/board/device";
import { checkedDevices } from "../helpers/firmware";
import { Central } from "../helpers/central";
import { expectedTimeline, regionCueTimes, Sample } from "../helpers/timeline";
import { presetProgram, PRESET_COUNT } from "../../shared/presets";
import { End, Op } from "../../shared/codes";
import { decodeRecord, LogRecord } from "../../shared/record";
import { decodeInfo } from "../../shared/messages";

/** Debounce (25 ms) + the double-press window (350 ms): a short press acts this long after release. */
const SHORT_ACTS_AFTER_RELEASE = 25 + 350;
/** Debounce + the 1.5 s long press. */
const LONG_ACTS_AFTER_PRESS = 25 + 1500;

const device = checkedDevices();

/** Short press at the current time; returns the virtual time its action happens. */
function shortPress(dev: VirtualDevice): number {
  dev.pressButton(100);
  return dev.clock.now() + SHORT_ACTS_AFTER_RELEASE;
}

function expectTimeline(actual: Sample[], expected: Sample[]): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(actual[i].t, `sample ${i} time`).toBe(expected[i].t);
    expect(actual[i].v, `sample ${i} at ${expected[i].t} ms`).toBeCloseTo(expected[i].v, 9);
  }
}

function flashRecords(dev: VirtualDevice): LogRecord[] {
  const out: LogRecord[] = [];
  for (const f of dev.flash.list(/^mlog/)) {
    const b = dev.flash.readBytes(f)!;
    for (let o = 0; o + 20 <= b.length; o += 20) {
      const r = decodeRecord(b, o);
      if (r) out.push(r);
    }
  }
  return out;
}

function pulsesAfter(dev: VirtualDevice, t: number): number {
  return dev.motorTimeline().filter((s) => s.t >= t && s.v > 0).length;
}

describe("button → preset session", () => {
  it("runs the 4-minute preset step by step, cues each region, stops, logs once and leaves no timer", async () => {
    const dev = await device();
    const p = presetProgram(0)!;
    const start = shortPress(dev);
    dev.advance(250_000);

    const exp = expectedTimeline(p, start);
    const motor = dev.motorTimeline();
    expect(motor[0].t).toBe(start);
    expectTimeline(motor, exp.motor);
    // Region cues fall exactly at the region boundaries, with the LED.
    const cues = regionCueTimes(p, start);
    expect(cues).toEqual([start, start + 80_000, start + 160_000]);
    const ledOn = dev.timeline(dev.board.ledPins[0]).filter((s) => s.v === 1).map((s) => s.t);
    for (const c of cues) {
      expect(ledOn).toContain(c);
      expect(dev.levelAt(dev.board.motorPin, c)).toBeGreaterThan(0);
    }
    expectTimeline(dev.timeline(dev.board.ledPins[0]), exp.led);
    // Off at the end, exactly at 240 s, and no timer left.
    expect(motor[motor.length - 1]).toEqual({ t: start + 240_000, v: 0, freq: 200 });
    expect(dev.motor).toBe(0);
    expect(dev.led[0]).toBe(0);
    expect(dev.pendingTimers()).toBe(0);

    // One record, read over BLE and found in flash.
    const c = new Central(dev);
    c.connect();
    c.info();
    const { reply, records } = c.readLog(0);
    expect(reply.count).toBe(1);
    expect(records).toHaveLength(1);
    const r = records[0];
    expect(r).toMatchObject({ seq: 1, planned: 240, regions: [80, 80, 80], program: 0, end: End.Finished, uptime: true, boot: 0 });
    expect(r.start).toBe(Math.round(start / 1000));
    expect(r.battery).toBeGreaterThan(80);
    expect(flashRecords(dev)).toEqual(records);
  });

  it("long press mid-session stops at once (still held) and logs the actual seconds", async () => {
    const dev = await device();
    const start = shortPress(dev);
    dev.clock.advanceTo(start + 100_000);
    const down = dev.clock.now();
    dev.buttonDown();
    dev.advance(LONG_ACTS_AFTER_PRESS - 1);
    expect(dev.motor).toBeGreaterThan(0);
    dev.advance(1);
    expect(dev.motor).toBe(0);
    expect(dev.buttonPressed).toBe(true);
    const stopAt = down + LONG_ACTS_AFTER_PRESS;
    const tl = dev.motorTimeline();
    expect(tl[tl.length - 1]).toMatchObject({ t: stopAt, v: 0 });
    dev.advance(3000);
    dev.buttonUp();
    dev.advance(2000);
    expect(dev.pendingTimers()).toBe(0);
    const recs = flashRecords(dev);
    expect(recs).toHaveLength(1);
    const ran = (stopAt - start) / 1000; // 101.525 s: 80 s front, 21.5 s crown
    expect(recs[0].end).toBe(End.StoppedButton);
    expect(recs[0].regions).toEqual([80, Math.round(ran - 80), 0]);
    expect(recs[0].regions[0] + recs[0].regions[1]).toBe(Math.round(ran));
    // Releasing after the stop did not start anything.
    expect(dev.motorTimeline()).toHaveLength(tl.length);
  });

  it("pause and resume shift the schedule by the paused time and nothing else", async () => {
    const dev = await device();
    const p = presetProgram(0)!;
    const start = shortPress(dev);
    dev.clock.advanceTo(start + 30_000);
    const pauseAt = shortPress(dev);
    dev.clock.advanceTo(pauseAt + 12_345);
    expect(dev.motor).toBe(0);
    expect(dev.pendingTimers()).toBe(0); // paused: nothing armed
    const resumeAt = shortPress(dev);
    dev.advance(250_000);
    const pausedMs = resumeAt - pauseAt;
    const exp = expectedTimeline(p, start, [{ at: pauseAt - start, ms: pausedMs }]);
    expectTimeline(dev.motorTimeline(), exp.motor);
    const tl = dev.motorTimeline();
    expect(tl[tl.length - 1].t).toBe(start + 240_000 + pausedMs);
    const recs = flashRecords(dev);
    expect(recs).toHaveLength(1);
    expect(recs[0].regions).toEqual([80, 80, 80]);
    expect(recs[0].end).toBe(End.Finished);
  });

  it("sleeps through repeated levels: a steady step wakes the chip only at its end", async () => {
    const dev = await device();
    // Select "Calm 15 min" (two double presses): its first step is 60 s of steady massage at 35 %.
    for (let i = 0; i < 2; i++) {
      dev.pressButton(80);
      dev.advance(120);
      dev.pressButton(80);
      dev.advance(3000);
    }
    const start = shortPress(dev);
    dev.advance(SHORT_ACTS_AFTER_RELEASE + 2000); // past the region cue and the soft start
    const timers = dev.clock.firmwareTimers();
    expect(timers).toHaveLength(1);
    expect(timers[0].due).toBe(start + 60_000);
    const writes = dev.motorTimeline().length;
    dev.advance(50_000);
    expect(dev.motorTimeline().length).toBe(writes);
  });

  it("double press while idle selects the next program, buzzes its number, wraps, and persists", async () => {
    const dev = await device();
    const c = new Central(dev);
    c.connect();
    const selected = () => decodeInfo(c.info().body)!.selected;
    expect(selected()).toBe(0);
    const seen: number[] = [];
    for (let i = 0; i < PRESET_COUNT + 1; i++) {
      const t0 = dev.clock.now();
      dev.pressButton(80);
      dev.advance(120);
      dev.pressButton(80);
      dev.advance(3000);
      const sel = selected();
      seen.push(sel);
      expect(pulsesAfter(dev, t0)).toBe(sel + 1); // the number buzzed: position + 1
      expect(dev.led[0]).toBe(0);
    }
    expect(seen).toEqual([1, 2, 0, 1]);
    expect(dev.pendingTimers()).toBe(0);
    // No session started by any of it.
    expect(flashRecords(dev)).toHaveLength(0);
    // The selection survives a reboot, and a short press starts that program.
    c.disconnect();
    dev.reboot();
    dev.advance(0);
    const start = shortPress(dev);
    dev.advance(1000);
    expectTimeline(dev.motorTimeline().filter((s) => s.t >= start), expectedTimeline(presetProgram(1)!, start).motor.filter((s) => s.t <= dev.clock.now()));
  });
});
