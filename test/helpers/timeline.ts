/**
 * Expected motor and LED timelines for a program, computed for tests from the program's steps and
 * shared's PATTERN_CURVES / PATTERN_STEP_MS / CUE_PULSES and limits only — written independently of
 * firmware/schedule.ts, so a test compares the device against the rules, not against itself.
 *
 * Rules (see firmware/schedule.ts's header for the device's statement of them):
 *  - each step starts with its cue: CUE_PULSES[cue] = on, off, on, off… ms at level 1.0;
 *  - then its curve: one level every stepMs, looping, from the end of the cue to the end of the step,
 *    × the step's intensity;
 *  - soft start: during the SOFT_START_MS after the start and after each resume, level × (k+1)/n in
 *    the k-th of n = SOFT_START_STEPS equal parts;
 *  - the PWM duty is level × MOTOR_DUTY_MAX; paused time shifts everything after it; at the end 0.
 */
import { MOTOR_DUTY_MAX, SOFT_START_MS, SOFT_START_STEPS } from "../../shared/limits";
import { CUE_PULSES, PATTERN_CURVES, PATTERN_CUSTOM, PATTERN_STEP_MS, Program } from "../../shared/program";

export interface Sample {
  t: number;
  v: number;
}

/** A pause: at session time `at` (ms, pauses excluded) for `ms` of wall time. */
export interface Pause {
  at: number;
  ms: number;
}

/** [session ms, level] breakpoints of one program, before soft start, ending with [total, 0]. */
function programLevels(p: Program): Array<[number, number, boolean]> {
  const out: Array<[number, number, boolean]> = [];
  let start = 0;
  for (const s of p.steps) {
    const end = start + s.duration * 1000;
    let t = start;
    const pulses = CUE_PULSES[s.cue];
    for (let i = 0; i < pulses.length; i++) {
      const on = i % 2 === 0;
      out.push([t, on ? 1 : 0, on]);
      t += pulses[i];
    }
    const custom = s.pattern === PATTERN_CUSTOM;
    const levels = custom ? s.curve!.map((x) => x * 100) : PATTERN_CURVES[s.pattern];
    const every = custom ? s.curveStepMs! : PATTERN_STEP_MS[s.pattern];
    for (let j = 0; t < end; j++, t += every) out.push([t, (levels[j % levels.length] / 100) * s.intensity, false]);
    start = end;
  }
  out.push([start, 0, false]);
  return out;
}

/** Level × soft-start factor at session time t, given the breakpoints and the ramp origins. */
function factor(t: number, ramps: number[]): number {
  const part = SOFT_START_MS / SOFT_START_STEPS;
  let f = 1;
  for (const r of ramps) if (t >= r && t < r + SOFT_START_MS) f = (Math.floor((t - r) / part) + 1) / SOFT_START_STEPS;
  return f;
}

/**
 * Expected motor duty and LED changes in wall time (ms), for a session that starts at `startMs`
 * and pauses as given. Consecutive equal values are merged, like the simulator's pin timeline.
 */
export function expectedTimeline(p: Program, startMs: number, pauses: Pause[] = []): { motor: Sample[]; led: Sample[] } {
  const base = programLevels(p);
  const total = base[base.length - 1][0];
  const ramps = [0, ...pauses.map((x) => x.at)];
  const part = SOFT_START_MS / SOFT_START_STEPS;
  // Every session time where something can change: the program's breakpoints, soft-start edges, pauses.
  const times = new Set<number>(base.map((b) => b[0]));
  for (const r of ramps) for (let k = 1; k <= SOFT_START_STEPS; k++) times.add(r + k * part);
  for (const x of pauses) times.add(x.at);
  const sorted = [...times].filter((t) => t <= total).sort((a, b) => a - b);
  const wall = (t: number, afterPause: boolean) =>
    startMs + t + pauses.filter((x) => x.at < t || (afterPause && x.at === t)).reduce((a, x) => a + x.ms, 0);
  const at = (t: number): [number, boolean] => {
    let cur: [number, number, boolean] = [0, 0, false];
    for (const b of base) if (b[0] <= t) cur = b;
    return [t >= total ? 0 : cur[1] * factor(t, ramps), t < total && cur[2]];
  };
  const motor: Sample[] = [];
  const led: Sample[] = [];
  const push = (list: Sample[], t: number, v: number) => {
    const last = list[list.length - 1];
    if (last && last.t === t) list.pop();
    const prev = list[list.length - 1];
    if ((prev ? prev.v : 0) !== v) list.push({ t, v });
  };
  for (const t of sorted) {
    const pause = pauses.find((x) => x.at === t);
    if (pause) {
      push(motor, wall(t, false), 0);
      push(led, wall(t, false), 0);
    }
    const [level, cue] = at(t);
    push(motor, wall(t, true), Math.min(level * MOTOR_DUTY_MAX, MOTOR_DUTY_MAX));
    push(led, wall(t, true), cue ? 1 : 0);
  }
  return { motor, led };
}

/** Wall times (ms) at which each step with a region cue starts. */
export function regionCueTimes(p: Program, startMs: number): number[] {
  const r: number[] = [];
  let t = startMs;
  for (const s of p.steps) {
    if (s.cue === 1) r.push(t);
    t += s.duration * 1000;
  }
  return r;
}
