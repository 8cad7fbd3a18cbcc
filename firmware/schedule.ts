import { LIMITS } from "../shared/limits";
import { CUE_PULSES, Program, stepCurve, stepCurveMs } from "../shared/program";

/*
 * The session schedule, pure: what the motor does at session time t (ms since the start, pauses
 * excluded) and when that can next change. Every time is an offset from the session's start, so
 * nothing drifts however late a timer fires.
 *
 * A step plays its cue first (CUE_PULSES: on/off ms pairs at full level 1.0), then its curve
 * (stepCurve levels, one every stepCurveMs) in a loop from the end of the cue, × the step's
 * intensity (clamped to LIMITS.intensityMax). Soft start: for softStartMs after the start and after
 * every resume (`ramp0`), levels × (k + 1) / softStartSteps in the k-th of softStartSteps equal parts.
 */
export interface Plan {
  prog: Program;
  /** Step start offsets in ms; starts[n] is the program's end. */
  starts: number[];
  curves: number[][];
  curveMs: number[];
  /** Where the session ends: the program's end, or the longest session, whichever is first. */
  end: number;
}

/** What levelAt computes (one preallocated object, filled in place). */
export interface Tick {
  level: number;
  /** Session time of the next possible change (ms). */
  next: number;
  step: number;
  /** 1 while a cue pulse is on (the LED follows it). */
  cue: number;
}

export function planOf(p: Program): Plan {
  const starts = [0];
  const curves: number[][] = [];
  const curveMs: number[] = [];
  let t = 0;
  for (let i = 0; i < p.steps.length; i++) {
    t += p.steps[i].duration * 1000;
    starts.push(t);
    curves.push(stepCurve(p.steps[i]));
    curveMs.push(stepCurveMs(p.steps[i]));
  }
  return { prog: p, starts: starts, curves: curves, curveMs: curveMs, end: Math.min(t, LIMITS.longestSessionS * 1000) };
}

/** Index of the step playing at t (steps count when t is at or past the end). */
export function stepAt(pl: Plan, t: number): number {
  const st = pl.starts;
  let i = 0;
  while (i < st.length - 1 && t >= st[i + 1]) i++;
  return i;
}

export function levelAt(pl: Plan, t: number, ramp0: number, out: Tick): void {
  const i = stepAt(pl, t);
  out.step = i;
  out.cue = 0;
  out.level = 0;
  out.next = pl.end;
  if (t >= pl.end || i >= pl.curves.length) return;
  const s = pl.prog.steps[i];
  const st = pl.starts[i];
  const local = t - st;
  const pulses = CUE_PULSES[s.cue] || [];
  let c = 0;
  let k = 0;
  while (k < pulses.length && local >= c + pulses[k]) c += pulses[k++];
  let lv: number;
  let nx: number;
  if (k < pulses.length) {
    lv = out.cue = (k & 1) ^ 1;
    nx = st + c + pulses[k];
  } else {
    const ms = pl.curveMs[i];
    const cv = pl.curves[i];
    const j = Math.floor((local - c) / ms);
    lv = cv[j % cv.length] * Math.max(0, Math.min(s.intensity, LIMITS.intensityMax));
    nx = st + c + (j + 1) * ms;
  }
  const d = t - ramp0;
  if (d >= 0 && d < LIMITS.softStartMs) {
    const w = LIMITS.softStartMs / LIMITS.softStartSteps;
    const q = Math.floor(d / w);
    lv *= (q + 1) / LIMITS.softStartSteps;
    if (ramp0 + (q + 1) * w < nx) nx = ramp0 + (q + 1) * w;
  }
  out.level = lv;
  out.next = Math.min(nx, pl.starts[i + 1], pl.end);
}

/** Milliseconds spent in each region (0 front, 1 crown, 2 back) by session time t, into out[0..2]. */
export function regionMs(pl: Plan, t: number, out: number[]): void {
  out[0] = out[1] = out[2] = 0;
  const st = pl.starts;
  for (let i = 0; i < st.length - 1; i++) {
    const b = Math.min(st[i + 1], t);
    if (b > st[i]) out[Math.max(0, Math.min(pl.prog.steps[i].region, 2))] += b - st[i];
  }
}
