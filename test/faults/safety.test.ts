/**
 * Safety properties, over random inputs (seeded PRNG, bounded counts), on the firmware bundle:
 *
 * 2,000 random programs through PROG_BEGIN / PROG_WRITE / PROG_COMMIT: random byte images, random
 * valid-shaped programs at the edges of the limits (1 or 24 steps, 2 s or 900 s steps, intensity 0
 * or 1, 2 or 16 curve levels, 50 or 2000 ms curve steps, 1800 s in all), and programs just past a
 * limit. The device accepts exactly what the shared validator accepts; every accepted program is
 * started over BLE and, in half of the runs, has its link cut at a random moment. Always: the motor
 * duty never exceeds the cap (0.85), a session never runs past the longest session (1800 s) and ends
 * exactly when its program does, the motor ends off with no timer left, and a session started over
 * BLE runs on to its end when the link is lost (the person holds the device; its button stops it).
 *
 * 500 random button sequences (presses and releases at random times: taps, double presses, long
 * and very long holds, pauses): the duty never exceeds the cap, a long press during a session
 * always stops it within one tick of its threshold (1.5 s after the debounced press), and every
 * sequence ends with the motor off and no timer running (by a final long press, or, every 25th
 * sequence, by letting the session run to its natural end).
 */
import { describe, expect, it } from "vitest";
import type { VirtualDevice } from "../../companion/sim/board/device";
import { Central } from "../helpers/central";
import { End, Op, SLOT_BASE, State, Status } from "../../shared/codes";
import { PROGRAM_MAX_BYTES, CURVE_MAX_POINTS, CURVE_MIN_POINTS, CURVE_STEP_MAX_MS, CURVE_STEP_MIN_MS, LONGEST_SESSION_S, MAX_STEPS, MOTOR_DUTY_MAX, NAME_MAX_BYTES, SLOTS, STEP_MAX_S, STEP_MIN_S, TRUST_HOLD_MS, TRUST_WINDOW_MS } from "../../shared/limits";
import { decodeInfo, decodeProgramError, decodeStatus, encodeU32 } from "../../shared/messages";
import { decodeProgram, describeProgramError, encodeProgram, PATTERN_CUSTOM, type Program, type Step } from "../../shared/program";
import { validateProgram } from "../../shared/validate";
import { bytes, int, motorAt, motorLive, pick, seededRandom, type Random } from "../helpers/faults";
import { bootDevice } from "../helpers/firmware";

const PROGRAMS = 2000;
const SEQUENCES = 500;
const CAP = MOTOR_DUTY_MAX;
const LONG_MS = 1500;
const DEBOUNCE_MS = 25;

function connect(dev: VirtualDevice): Central {
  const c = new Central(dev);
  c.connect({ mtu: 53 });
  c.info();
  return c;
}

/** Max duty of the motor samples after index `from`. */
function maxDuty(dev: VirtualDevice, from: number): number {
  let m = 0;
  const tl = motorLive(dev);
  for (let i = from; i < tl.length; i++) if (tl[i].v > m) m = tl[i].v;
  return m;
}

const edgeOf = (rnd: Random, lo: number, hi: number) => (rnd() < 0.35 ? pick(rnd, [lo, hi]) : int(rnd, lo, hi));

/** A valid-shaped program at the edges of the limits, its total at most `budget` seconds. */
function edgeProgram(rnd: Random, budget: number): Program {
  const n = rnd() < 0.2 ? pick(rnd, [1, MAX_STEPS]) : int(rnd, 1, 8);
  const steps: Step[] = [];
  let left = budget;
  for (let i = 0; i < n; i++) {
    const pattern = int(rnd, 0, 5);
    const room = Math.max(STEP_MIN_S, Math.min(STEP_MAX_S, Math.floor(left / (n - i))));
    const s: Step = {
      region: int(rnd, 0, 2),
      pattern,
      duration: i === n - 1 && rnd() < 0.3 ? Math.max(STEP_MIN_S, Math.min(STEP_MAX_S, left)) : edgeOf(rnd, STEP_MIN_S, room),
      intensity: rnd() < 0.4 ? pick(rnd, [0, 1, 0.01, 0.99]) : int(rnd, 0, 100) / 100,
      cue: int(rnd, 0, 2),
    };
    if (pattern === PATTERN_CUSTOM) {
      const k = edgeOf(rnd, CURVE_MIN_POINTS, CURVE_MAX_POINTS);
      s.curve = Array.from({ length: k }, () => (rnd() < 0.3 ? pick(rnd, [0, 1]) : int(rnd, 0, 100) / 100));
      s.curveStepMs = 10 * edgeOf(rnd, CURVE_STEP_MIN_MS / 10, CURVE_STEP_MAX_MS / 10);
    }
    left -= s.duration;
    steps.push(s);
  }
  const nameLen = edgeOf(rnd, 1, NAME_MAX_BYTES);
  return { name: Array.from({ length: nameLen }, () => String.fromCharCode(int(rnd, 0x20, 0x7e))).join(""), steps };
}

/** A program just past one limit: the device must refuse it. */
function pastALimit(rnd: Random): Program {
  const p = edgeProgram(rnd, 600);
  const s = p.steps[0];
  switch (int(rnd, 0, 6)) {
    case 0:
      s.duration = STEP_MAX_S + 1;
      break;
    case 1:
      s.intensity = 1.01;
      break;
    case 2:
      p.steps = Array.from({ length: MAX_STEPS + 1 }, () => ({ ...s, duration: 10, cue: 0 }));
      break;
    case 3:
      p.steps = Array.from({ length: 3 }, () => ({ ...s, duration: 601, cue: 0 })); // 1803 s in all
      break;
    case 4:
      Object.assign(s, { pattern: PATTERN_CUSTOM, curve: Array.from({ length: CURVE_MAX_POINTS + 1 }, () => 0.5), curveStepMs: 100 });
      break;
    case 5:
      Object.assign(s, { pattern: PATTERN_CUSTOM, curve: [0.5, 1], curveStepMs: CURVE_STEP_MIN_MS - 10 });
      break;
    default:
      s.region = 3;
  }
  return p;
}

/** An image: random bytes, a valid-shaped program, or one just past a limit. */
function image(rnd: Random, i: number): { img: Uint8Array; kind: string } {
  const r = rnd();
  if (r < 0.4) {
    if (rnd() < 0.5) return { img: bytes(rnd, int(rnd, 1, PROGRAM_MAX_BYTES)), kind: "random" };
    // random bytes behind a plausible header: version 1, a step count, a name length
    const img = bytes(rnd, int(rnd, 10, 200));
    img[0] = 1;
    img[1] = int(rnd, 0, 4);
    img[2] = int(rnd, 0, 8);
    return { img, kind: "random" };
  }
  if (r < 0.5) return { img: encodeProgram(pastALimit(rnd)), kind: "past a limit" };
  // the budget: mostly short sessions, some long ones, every 50th exactly the longest session
  const budget = i % 50 === 0 ? LONGEST_SESSION_S : rnd() < 0.8 ? int(rnd, 4, 90) : int(rnd, 90, 600);
  const p = edgeProgram(rnd, budget);
  if (i % 50 === 0) {
    // fill to exactly 1800 s where the steps allow it
    let total = p.steps.reduce((a, s) => a + s.duration, 0);
    for (const s of p.steps) {
      const add = Math.min(STEP_MAX_S - s.duration, LONGEST_SESSION_S - total);
      s.duration += add;
      total += add;
    }
  }
  return { img: encodeProgram(p), kind: "valid-shaped" };
}

describe("safety over random programs", () => {
  it(`${PROGRAMS} random programs: accepted iff valid; the cap, the longest session, motor off, link loss`, async () => {
    const dev = await bootDevice({ seed: 3 });
    let c = connect(dev);
    const rnd = seededRandom(2024);
    const stats = { accepted: 0, refused: 0, tooLarge: 0, ranToEnd: 0, cut: 0, longest: 0 };
    const t = Date.now();
    for (let i = 0; i < PROGRAMS; i++) {
      const { img, kind } = image(rnd, i);
      const slot = i % SLOTS;
      const decoded = decodeProgram(img);
      const valid = typeof decoded !== "string" && validateProgram(decoded).length === 0;
      const r = c.upload(slot, img, 40);
      if (r.op === Op.ProgBegin) {
        expect(img.length, `begin refused a ${kind} image`).toBeGreaterThan(PROGRAM_MAX_BYTES);
        expect(r.status).toBe(Status.TooLarge);
        stats.tooLarge++;
        continue;
      }
      expect(r.op).toBe(Op.ProgCommit);
      expect(r.status, `${kind} image ${i} (${Buffer.from(img).toString("hex")}): the device's verdict is the validator's`).toBe(valid ? Status.Ok : Status.Invalid);
      if (!valid) {
        // the device's reason, in 8 bytes, reads as the shared decoder's or validator's first sentence
        expect(describeProgramError(decodeProgramError(r.body)!)).toBe(typeof decoded === "string" ? decoded : validateProgram(decoded)[0]);
        stats.refused++;
        continue;
      }
      stats.accepted++;
      const p = decoded as Program;
      const total = p.steps.reduce((a, s) => a + s.duration, 0);
      expect(total).toBeLessThanOrEqual(LONGEST_SESSION_S);
      if (total === LONGEST_SESSION_S) stats.longest++;
      const from = motorLive(dev).length;
      // a fresh cell for each (hours of motor drain it down; the battery's own cues are tested apart)
      dev.battery.setPercent(100, dev.clock.now());
      const t0 = dev.clock.now();
      expect(c.request(Op.Start, [SLOT_BASE + slot]).status).toBe(Status.Ok);
      // cut the link at a random moment in half of the sessions, else run to the end
      const cutAt = rnd() < 0.5 ? int(rnd, 1, total * 1000 - 1) : -1;
      if (cutAt > 0) {
        dev.advance(t0 + cutAt - dev.clock.now());
        c.disconnect();
        const again = connect(dev);
        expect(decodeStatus(again.request(Op.Status).body)!.state, "a BLE session runs on when its link is lost").toBe(State.Running);
        again.disconnect();
        stats.cut++;
      }
      {
        dev.advance(t0 + total * 1000 + 2000 - dev.clock.now());
        const tl = motorLive(dev);
        const last = tl[tl.length - 1];
        expect(last.v).toBe(0);
        // it ends exactly at the program's end (if the motor was ever on), never past the longest session
        if (tl.length > from) expect(last.t - t0).toBeLessThanOrEqual(total * 1000);
        expect(last.t - t0).toBeLessThanOrEqual(LONGEST_SESSION_S * 1000);
        stats.ranToEnd++;
        if (cutAt <= 0) c.disconnect();
      }
      expect(maxDuty(dev, from)).toBeLessThanOrEqual(CAP);
      expect(dev.motor).toBe(0);
      expect(dev.pendingTimers()).toBe(0);
      c = connect(dev);
      // the record says how it ended and for how long it ran
      const rec = c.readLog(decodeInfo(c.info().body)!.newest - 1, 1).records[0];
      expect(rec.planned).toBe(total);
      expect(rec.end).toBe(End.Finished);
      expect(rec.regions[0] + rec.regions[1] + rec.regions[2]).toBe(total);
      if (stats.accepted % 100 === 0) c.ack(decodeInfo(c.info().body)!.newest);
    }
    console.log(`${PROGRAMS} programs in ${Date.now() - t} ms:`, stats);
    expect(stats.accepted).toBeGreaterThan(500);
    expect(stats.refused).toBeGreaterThan(500);
    expect(stats.longest).toBeGreaterThan(5);
    expect(stats.cut).toBeGreaterThan(100);
    expect(dev.errors).toEqual([]);
  }, 120_000);
});

describe("safety over random button sequences", () => {
  it(`${SEQUENCES} sequences: the cap, long press stops within a tick, the motor always ends off`, async () => {
    const dev = await bootDevice({ seed: 5 });
    const rnd = seededRandom(777);
    const c = connect(dev);
    const status = () => decodeStatus(c.request(Op.Status).body)!;
    const active = () => {
      const s = status().state;
      return s === State.Running || s === State.Paused;
    };
    let longStops = 0;
    let natural = 0;
    const t = Date.now();
    for (let q = 0; q < SEQUENCES; q++) {
      const from = motorLive(dev).length;
      dev.battery.setPercent(100, dev.clock.now());
      const events = int(rnd, 1, 10);
      const log: string[] = [];
      // a 5-second hold while idle opens the trust window: a timer of its own for a minute
      let trust = false;
      for (let e = 0; e < events; e++) {
        const kind = rnd();
        const hold = kind < 0.55 ? int(rnd, 40, 900) : kind < 0.7 ? int(rnd, 900, 1499) : kind < 0.95 ? int(rnd, 1500, 4000) : int(rnd, 4800, 6500);
        const wasActive = active();
        const down = dev.clock.now();
        dev.buttonDown();
        dev.advance(hold);
        if (hold >= LONG_MS + DEBOUNCE_MS + 1 && wasActive) {
          // a long press on a running or paused session: stopped within one tick of the threshold
          const tl = motorLive(dev);
          for (let k = tl.length - 1; k >= 0 && tl[k].t > down + LONG_MS + DEBOUNCE_MS; k--)
            expect(tl[k].v, `sequence ${q}: motor after the long press`).toBe(0);
          expect(motorAt(dev, down + LONG_MS + DEBOUNCE_MS)).toBe(0);
          expect(active()).toBe(false);
          longStops++;
        }
        // (both edges are debounced alike: a hold past 5 s opens it)
        if (hold > TRUST_HOLD_MS && !wasActive && !active()) trust = true;
        dev.buttonUp();
        log.push(`${wasActive ? "A" : "i"}${hold}`);
        // a gap: a double press, a short wait, or a pause of up to a minute
        const g = rnd();
        const gap = g < 0.3 ? int(rnd, 30, 300) : g < 0.85 ? int(rnd, 400, 3000) : int(rnd, 5000, 60_000);
        log.push(`_${gap}`);
        dev.advance(gap);
      }
      dev.advance(1000);
      if (active()) {
        if (q % 25 === 0) {
          // run to its natural end (a preset: at most 900 s); a paused one resumes with a tap first
          if (status().state === State.Paused) {
            dev.pressButton(100);
            dev.advance(500);
            expect(status().state).toBe(State.Running);
          }
          dev.advanceUntil(() => !active(), LONGEST_SESSION_S * 1000 + 10_000, 60_000);
          natural++;
        } else {
          dev.buttonDown();
          dev.advance(2000);
          dev.buttonUp();
          longStops++;
        }
      }
      dev.advance(trust ? TRUST_WINDOW_MS + 3000 : 3000); // buzzes, gesture timers and the trust window end
      expect(active(), `sequence ${q}: ${log.join(" ")}`).toBe(false);
      expect(dev.motor, `sequence ${q}: the motor ends off`).toBe(0);
      expect(dev.pendingTimers(), `sequence ${q}: no timer left (${log.join(" ")}) at ${dev.clock.now()}: ${JSON.stringify(dev.clock.firmwareTimers())}`).toBe(0);
      expect(maxDuty(dev, from)).toBeLessThanOrEqual(CAP);
      if (q % 100 === 99) c.ack(decodeInfo(c.info().body)!.newest);
    }
    console.log(`${SEQUENCES} sequences in ${Date.now() - t} ms: ${longStops} long-press stops, ${natural} ran to their end`);
    expect(longStops).toBeGreaterThan(100);
    expect(dev.errors).toEqual([]);
  }, 120_000);
});
