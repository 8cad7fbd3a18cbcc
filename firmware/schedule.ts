import { FULL_POWER_LEVEL, INTENSITY_MAX, LONGEST_SESSION_S, SOFT_START_MS, SOFT_START_STEPS } from "../shared/limits";
import { CUE_TABLE, CURVE_TABLE, HEADER_BYTES, PATTERN_CUSTOM, STEP_BYTES } from "../shared/program";
import { u16 } from "../shared/bytes";

/*
 * The session schedule: what the motor does at session time t (ms since the start, pauses
 * excluded) and when that can next change, read from the program image by offset. Every time is an
 * offset from the session's start, so nothing drifts however late a timer fires.
 *
 * A step plays its cue first (shared/program.ts CUE_TABLE: on/off pulses at full level 1.0), then
 * its curve (CURVE_TABLE for the built-in patterns, the step's own bytes for a custom one: ms per
 * level / 10, count, levels in percent) in a loop from the end of the cue, × the step's intensity
 * (clamped to INTENSITY_MAX). Soft start: for SOFT_START_MS after the start and after every resume
 * (ramp0), levels × (k + 1) / SOFT_START_STEPS in the k-th of SOFT_START_STEPS parts.
 */
const CURVES = E.toUint8Array(CURVE_TABLE);
const CUES = E.toUint8Array(CUE_TABLE);

/** The image playing; the step at the last levelAt, where it starts (ms) and its offset in the image. */
let img: Uint8Array = new Uint8Array(0);
export let step = 0;
let stepT = 0;
let stepO = 0;
/** Where the session ends (the program's end or the longest session, ms), and the program's length. */
export let planEnd = 0;
export let planSeconds = 0;
/** levelAt's results: the level, the session time of the next possible change, cue on, the region. */
export let level = 0;
export let next = 0;
export let cueOn = 0;
export let region = 0;
/** The cue of the step playing (program.ts CUE_*). */
export let stepCue = 0;

/** Bytes of the step at offset o (a custom step's curve follows its 6 bytes). */
const stepBytes = (b: Uint8Array, o: number): number => {
  return STEP_BYTES + (b[o + 1] === PATTERN_CUSTOM ? 2 + b[o + 7] : 0);
};

/** A program image's length in seconds (its steps' durations). */
export const imageSeconds = (b: Uint8Array): number => {
  let t = 0;
  for (let i = 0, o = HEADER_BYTES + b[2]; i < b[1]; i++, o += stepBytes(b, o)) t += u16(b, o + 2);
  return t;
};

/** Sets the image to play from its first step. */
export const planStart = (b: Uint8Array): void => {
  img = b;
  step = stepT = 0;
  stepO = HEADER_BYTES + b[2];
  planSeconds = imageSeconds(b);
  planEnd = Math.min(planSeconds, LONGEST_SESSION_S) * 1000;
};

/** Seconds spent in each region (0 front, 1 crown, 2 back) by session time t (as the log record keeps them). */
export const regionSeconds = (t: number): number[] => {
  const r = [0, 0, 0];
  for (let i = 0, o = HEADER_BYTES + img[2], s = 0; i < img[1]; i++, o += stepBytes(img, o)) {
    r[Math.min(img[o], 2)] += Math.min(u16(img, o + 2) * 1000, Math.max(0, t - s));
    s += u16(img, o + 2) * 1000;
  }
  return r.map((ms) => {
    return Math.round(ms / 1000);
  });
};

export const levelAt = (t: number, ramp0: number): void => {
  const b = img;
  // the step playing at t: forward from the last one (session time never goes back)
  while (step < b[1] && t >= stepT + u16(b, stepO + 2) * 1000) {
    stepT += u16(b, stepO + 2) * 1000;
    stepO += stepBytes(b, stepO);
    step++;
  }
  cueOn = level = 0;
  next = planEnd;
  if (t >= planEnd || step >= b[1]) return;
  const o = stepO;
  const end = stepT + u16(b, o + 2) * 1000;
  region = b[o];
  stepCue = b[o + 5];
  // the cue's pulses: count, then durations / 10 ms, per cue in order
  let q = 0;
  for (let c = 0; c < b[o + 5]; c++) q += 1 + CUES[q];
  let c = stepT;
  let k = 0;
  while (k < CUES[q] && t >= c + CUES[q + 1 + k] * 10) c += CUES[q + 1 + k++] * 10;
  if (k < CUES[q]) {
    level = cueOn = (k & 1) ^ 1;
    next = c + CUES[q + 1 + k] * 10;
  } else {
    // the curve: a custom step's own bytes, or the built-in pattern's row of CURVE_TABLE
    let cv = b;
    let p = o + STEP_BYTES;
    if (b[o + 1] !== PATTERN_CUSTOM) {
      cv = CURVES;
      for (p = 0, k = 0; k < b[o + 1]; k++) p += 2 + CURVES[p + 1];
    }
    const ms = cv[p] * 10;
    const L = cv[p + 1];
    const j = Math.floor((t - c) / ms);
    const v = cv[p + 2 + (j % L)];
    level = (v / 100) * Math.max(0, Math.min(b[o + 4] / 100, INTENSITY_MAX));
    // Sleep through curve points that repeat this level (a constant curve: to the step's end), so the
    // chip wakes only when the motor changes; at full power keep waking for the motor's throttle.
    let n = j + 1;
    if (level < FULL_POWER_LEVEL) while (n - j < L && cv[p + 2 + (n % L)] === v) n++;
    next = n - j >= L && level < FULL_POWER_LEVEL ? end : c + n * ms;
  }
  const w = SOFT_START_MS / SOFT_START_STEPS;
  const r = Math.floor((t - ramp0) / w);
  if (r >= 0 && r < SOFT_START_STEPS) {
    level *= (r + 1) / SOFT_START_STEPS;
    next = Math.min(next, ramp0 + (r + 1) * w);
  }
  next = Math.min(next, end, planEnd);
};
