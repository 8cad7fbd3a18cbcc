import { asciiBytes, asciiString, concatBytes, pack, u16 } from "./bytes";

/*
 * Session program, binary form (what is uploaded and stored in a slot):
 *
 *   0   version   u8   PROGRAM_VERSION
 *   1   steps     u8   step count n
 *   2   nameLen   u8   L
 *   3   name      L bytes, printable ASCII
 *   then n steps:
 *   +0  region    u8   0 front, 1 crown, 2 back
 *   +1  pattern   u8   0 press, 1 pinch, 2 stretch, 3 circular, 4 steady, 5 custom
 *   +2  duration  u16  seconds
 *   +4  intensity u8   percent of the motor cap, 0..100
 *   +5  cue       u8   0 none, 1 region cue, 2 tap
 *   custom pattern only:
 *   +6  curveStep u8   milliseconds per curve point / 10
 *   +7  points    u8   k
 *   +8  levels    k u8 percent of the step's intensity
 */
export const PROGRAM_VERSION = 1;

export const REGIONS = ["front", "crown", "back"];
export const PATTERNS = ["press", "pinch", "stretch", "circular", "steady", "custom"];
export const CUES = ["none", "region", "tap"];
/** The last index of REGIONS, PATTERNS (custom) and CUES (tap): what the device checks, without the words. */
export const REGION_MAX = 2;
export const PATTERN_CUSTOM = 5;
export const CUE_NONE = 0;
export const CUE_REGION = 1;
export const CUE_TAP = 2;

export interface Step {
  region: number;
  pattern: number;
  /** seconds */
  duration: number;
  /** 0..1 of the motor cap */
  intensity: number;
  cue: number;
  /** custom pattern: levels 0..1 and milliseconds per level */
  curve?: number[];
  curveStepMs?: number;
}

export interface Program {
  name: string;
  steps: Step[];
}

/*
 * The built-in patterns as curves: levels (percent of the step's intensity) played in a loop, one
 * every stepMs. They follow the technique the studies describe: fingertip presses, pinches, slow
 * stretches, small circles.
 */
export const PATTERN_STEP_MS = [250, 100, 250, 250, 1000];
export const PATTERN_CURVES = [
  [100, 100, 30, 30, 30, 30],
  [100, 20, 100, 20, 40, 40, 40, 40, 40, 40],
  [30, 45, 60, 75, 90, 100, 100, 100, 30, 30],
  [45, 70, 100, 70],
  [100],
];

/*
 * Cues: pulses at the full cap, (on ms, off ms) pairs, played at the start of a step. Short sharp
 * pulses with gaps are unlike any massage curve, and the LED lights with them.
 */
export const CUE_PULSES = [
  [],
  [80, 120, 80, 120, 80, 120],
  [150, 100],
];

export const cueMs = (cue: number): number => {
  const p = CUE_PULSES[cue] || [];
  let t = 0;
  for (let i = 0; i < p.length; i++) t += p[i];
  return t;
};

export const totalSeconds = (p: Program): number => {
  let t = 0;
  for (let i = 0; i < p.steps.length; i++) t += p.steps[i].duration;
  return t;
};

export const programBytes = (p: Program): number => {
  let n = 3 + p.name.length;
  for (let i = 0; i < p.steps.length; i++) {
    const s = p.steps[i];
    n += 6;
    if (s.pattern === PATTERN_CUSTOM) n += 2 + (s.curve ? s.curve.length : 0);
  }
  return n;
};

export const encodeProgram = (p: Program): Uint8Array => {
  let b = pack("111", [PROGRAM_VERSION, p.steps.length, p.name.length], asciiBytes(p.name));
  for (let i = 0; i < p.steps.length; i++) {
    const s = p.steps[i];
    b = concatBytes(b, pack("11211", [s.region, s.pattern, s.duration, Math.round(s.intensity * 100), s.cue]));
    if (s.pattern === PATTERN_CUSTOM) {
      const c = s.curve || [];
      const levels = new Uint8Array(c.length);
      for (let k = 0; k < c.length; k++) levels[k] = Math.round(c[k] * 100);
      b = concatBytes(b, pack("11", [Math.round((s.curveStepMs || 0) / 10), c.length], levels));
    }
  }
  return b;
};

/**
 * Decodes a program image. Returns a string saying what is wrong with the bytes when it cannot;
 * the limits themselves are checked by validateProgram (validate.ts), on both sides.
 */
export const decodeProgram = (b: Uint8Array): Program | string => {
  if (b.length < 3) return "program: truncated header";
  if (b[0] !== PROGRAM_VERSION) return "program: unknown format version " + b[0];
  const n = b[1];
  const L = b[2];
  let o = 3 + L;
  if (o > b.length) return "program: name runs past the end";
  const steps: Step[] = [];
  for (let i = 0; i < n; i++) {
    if (o + 6 > b.length) return "steps[" + i + "]: truncated";
    const s: Step = {
      region: b[o],
      pattern: b[o + 1],
      duration: u16(b, o + 2),
      intensity: b[o + 4] / 100,
      cue: b[o + 5],
    };
    o += 6;
    if (s.pattern === PATTERN_CUSTOM) {
      const k = b[o + 1];
      if (o + 2 > b.length || o + 2 + k > b.length) return "steps[" + i + "].curve: truncated";
      s.curveStepMs = b[o] * 10;
      const c: number[] = [];
      for (let j = 0; j < k; j++) c.push(b[o + 2 + j] / 100);
      s.curve = c;
      o += 2 + k;
    }
    steps.push(s);
  }
  if (o !== b.length) return "program: " + (b.length - o) + " unexpected bytes after the last step";
  return { name: asciiString(b, 3, L), steps: steps };
};

/** The curve (levels 0..1) and ms per level the motor plays for a step. */
export const stepCurve = (s: Step): number[] => {
  if (s.pattern === PATTERN_CUSTOM) return s.curve || [1];
  const c = PATTERN_CURVES[s.pattern] || [100];
  const r: number[] = [];
  for (let i = 0; i < c.length; i++) r.push(c[i] / 100);
  return r;
};

export const stepCurveMs = (s: Step): number => {
  return s.pattern === PATTERN_CUSTOM ? s.curveStepMs || 250 : PATTERN_STEP_MS[s.pattern] || 1000;
};
