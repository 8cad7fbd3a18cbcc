import { FULL_POWER_LEVEL, INTENSITY_MAX, LONGEST_SESSION_S, SOFT_START_MS, SOFT_START_STEPS } from "../shared/limits";
import { CUE_PULSES, Program, stepCurve, stepCurveMs } from "../shared/program";

/*
 * The session schedule, pure: what the motor does at session time t (ms since the start, pauses
 * excluded) and when that can next change. Every time is an offset from the session's start, so
 * nothing drifts however late a timer fires.
 *
 * A step plays its cue first (CUE_PULSES: on/off ms pairs at full level 1.0), then its curve
 * (stepCurve levels, one every stepCurveMs) in a loop from the end of the cue, × the step's
 * intensity (clamped to INTENSITY_MAX). Soft start: for SOFT_START_MS after the start and after
 * every resume (ramp0), levels × (k + 1) / SOFT_START_STEPS in the k-th of SOFT_START_STEPS parts.
 */
export interface Plan {
  /** the program */
  p: Program;
  /** step start offsets in ms; s[n] is the program's end */
  s: number[];
  /** each step's curve (levels 0..1) and ms per level */
  c: number[][];
  m: number[];
  /** where the session ends: the program's end or the longest session, whichever is first */
  e: number;
}

/** levelAt's results: the level, the session time of the next possible change, the step, cue on. */
export let level = 0;
export let next = 0;
export let step = 0;
export let cueOn = 0;

export const planOf = (p: Program): Plan => {
  const pl: Plan = { p: p, s: [0], c: [], m: [], e: 0 };
  let t = 0;
  for (let i = 0; i < p.steps.length; i++) {
    t += p.steps[i].duration * 1000;
    pl.s.push(t);
    pl.c.push(stepCurve(p.steps[i]));
    pl.m.push(stepCurveMs(p.steps[i]));
  }
  pl.e = Math.min(t, LONGEST_SESSION_S * 1000);
  return pl;
};

/** Index of the step playing at t (the step count when t is at or past the end). */
export const stepAt = (pl: Plan, t: number): number => {
  let i = 0;
  while (i < pl.c.length && t >= pl.s[i + 1]) i++;
  return i;
};

export const levelAt = (pl: Plan, t: number, ramp0: number): void => {
  const i = (step = stepAt(pl, t));
  cueOn = level = 0;
  next = pl.e;
  if (t >= pl.e) return;
  const s = pl.p.steps[i];
  const st = pl.s[i];
  const pulses = CUE_PULSES[s.cue] || [];
  let c = st;
  let k = 0;
  while (k < pulses.length && t >= c + pulses[k]) c += pulses[k++];
  if (k < pulses.length) {
    level = cueOn = (k & 1) ^ 1;
    next = c + pulses[k];
  } else {
    const cv = pl.c[i];
    const L = cv.length;
    const j = Math.floor((t - c) / pl.m[i]);
    const v = cv[j % L];
    level = v * Math.max(0, Math.min(s.intensity, INTENSITY_MAX));
    // Sleep through curve points that repeat this level (a constant curve: to the step's end), so the
    // chip wakes only when the motor changes; at full power keep waking for the motor's throttle.
    let n = j + 1;
    let constant = false;
    if (level < FULL_POWER_LEVEL) {
      while (n - j < L && cv[n % L] === v) n++;
      constant = n - j >= L;
    }
    next = constant ? pl.s[i + 1] : c + n * pl.m[i];
  }
  const w = SOFT_START_MS / SOFT_START_STEPS;
  const q = Math.floor((t - ramp0) / w);
  if (q >= 0 && q < SOFT_START_STEPS) {
    level *= (q + 1) / SOFT_START_STEPS;
    next = Math.min(next, ramp0 + (q + 1) * w);
  }
  next = Math.min(next, pl.s[i + 1], pl.e);
};

/** Milliseconds spent in each region (0 front, 1 crown, 2 back) by session time t, into out[0..2]. */
export const regionMs = (pl: Plan, t: number, out: number[]): void => {
  out[0] = out[1] = out[2] = 0;
  for (let i = 0; i < pl.c.length; i++) {
    const b = Math.min(pl.s[i + 1], t);
    if (b > pl.s[i]) out[Math.max(0, Math.min(pl.p.steps[i].region, 2))] += b - pl.s[i];
  }
};
