import { asciiBytes, asciiString, concatBytes, pack, u16 } from "./bytes";
import {
  CURVE_MAX_POINTS, CURVE_MIN_POINTS, CURVE_STEP_MAX_MS, CURVE_STEP_MIN_MS, INTENSITY_MAX, LONGEST_SESSION_S, MAX_STEPS,
  NAME_MAX_BYTES, STEP_MAX_S, STEP_MIN_S,
} from "./limits";

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
/** Bytes before the name (version, steps, nameLen), and of a step before a custom step's curve. */
export const HEADER_BYTES = 3;
export const STEP_BYTES = 6;

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

/** Each cue's length in ms (the validator's "too short for its cue" rule, on both sides). */
export const CUE_MS = [0, 600, 250];

/*
 * The device's form of the two tables above (test/shared/codecs.test.ts checks they say the same): one
 * string of byte codes the firmware reads by offset, instead of arrays of numbers in its RAM.
 *   CURVE_TABLE, per built-in pattern in order: ms per level / 10, level count k, k levels in percent;
 *     the same bytes a custom step carries after its 6 bytes, so one reader plays both.
 *   CUE_TABLE, per cue in order: pulse count k, then k (on, off, on…) durations / 10 ms.
 */
export const CURVE_TABLE =
  "\x19\x06dd\x1e\x1e\x1e\x1e" +
  "\x0a\x0ad\x14d\x14((((((" +
  "\x19\x0a\x1e-<KZddd\x1e\x1e" +
  "\x19\x04-FdF" +
  "d\x01d";
export const CUE_TABLE = "\x00" + "\x06\x08\x0c\x08\x0c\x08\x0c" + "\x02\x0f\x0a";

export const totalSeconds = (p: Program): number => {
  let t = 0;
  for (let i = 0; i < p.steps.length; i++) t += p.steps[i].duration;
  return t;
};

export const programBytes = (p: Program): number => {
  let n = HEADER_BYTES + p.name.length;
  for (let i = 0; i < p.steps.length; i++) {
    const s = p.steps[i];
    n += STEP_BYTES;
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

/*
 * Program errors, structured, from the validator (validate.ts imageErrors, over the bytes, on both
 * sides; and encodableErrors, the companion's check that a program can be written in bytes at all):
 * a tuple [step, field, rule, k, value]
 *   step   the step index, or PE_WHOLE (0xFF) for the program as a whole
 *   field  PE (which field), rule PR (what is wrong with it)
 *   k      the level index for PE.Level (steps[i].curve[k])
 *   value  the offending value (or count) where the sentence has one, else 0
 * The device sends the first one in PROG_COMMIT's Invalid reply (messages.ts encodeProgramError);
 * describeProgramError prints the sentence, e.g. "steps[0].intensity: 2.5 is above the limit 1.0".
 * Fields from PE.Intensity on are fractions 0..1 (sent ×100 on the wire).
 */
export const PE_WHOLE = 0xff;

export const enum PE {
  Program = 0,
  Name = 1,
  Steps = 2,
  Step = 3,
  Region = 4,
  Pattern = 5,
  Duration = 6,
  Cue = 7,
  Curve = 8,
  CurveStepMs = 9,
  Intensity = 10,
  Level = 11,
}

export const enum PR {
  NotNumber = 0,
  Below = 1,
  Above = 2,
  NotWhole = 3,
  CueShort = 4,
  NotMultiple10 = 5,
  CurveCount = 6,
  NotCustom = 7,
  NameLength = 8,
  NameChar = 9,
  NoSteps = 10,
  TooMany = 11,
  Total = 12,
  Header = 13,
  Truncated = 14,
  Version = 15,
  NamePast = 16,
  Extra = 17,
}

/** Field names after "steps[i]" (or alone for the program as a whole), by PE. */
const FIELD_TEXT = ["program", "name", "steps", "", ".region", ".pattern", ".duration", ".cue", ".curve", ".curveStepMs", ".intensity", ".curve["];
/** Per PE: the range [lo, hi] and the unit the Below / Above sentences print. */
const FIELD_RANGE: { [f: number]: [number, number, string] } = {
  4: [0, REGION_MAX, ""],
  5: [0, PATTERN_CUSTOM, ""],
  6: [STEP_MIN_S, STEP_MAX_S, " s"],
  7: [0, CUE_TAP, ""],
  9: [CURVE_STEP_MIN_MS, CURVE_STEP_MAX_MS, " ms"],
  10: [0, INTENSITY_MAX, ""],
  11: [0, 1, ""],
};

/** Prints 1 as "1.0" so limits on a 0..1 scale read as fractions. */
const num = (x: number): string => {
  return x % 1 === 0 ? x + ".0" : "" + x;
};

/** The sentence for a program error tuple (companion side: the device never builds the text). */
export const describeProgramError = (e: ArrayLike<number>): string => {
  const f = e[1];
  const v = e[4];
  const r = FIELD_RANGE[f] || [0, 0, ""];
  const show = (x: number): string => (f >= PE.Intensity ? num(x) : x) + r[2];
  const field = e[0] === PE_WHOLE ? FIELD_TEXT[f] : "steps[" + e[0] + "]" + FIELD_TEXT[f] + (f === PE.Level ? e[3] + "]" : "");
  const rule = [
    "must be a number",
    show(v) + " is below the limit " + show(r[0]),
    show(v) + " is above the limit " + show(r[1]),
    v + " must be a whole number",
    "too short for its cue",
    "must be a multiple of 10 ms",
    "needs " + CURVE_MIN_POINTS + " to " + CURVE_MAX_POINTS + " levels",
    "only a custom pattern takes a curve",
    "must be 1 to " + NAME_MAX_BYTES + " characters",
    "character " + v + " is not printable ASCII",
    "at least one step is needed",
    v + " steps is above the limit " + MAX_STEPS,
    "total " + v + " s is above the longest session " + LONGEST_SESSION_S + " s",
    "truncated header",
    "truncated",
    "unknown format version " + v,
    "name runs past the end",
    v + " unexpected bytes after the last step",
  ][e[2]];
  return field + ": " + (rule === undefined ? "rule " + e[2] : rule);
};

/**
 * The device's rules, over a program image (both sides run this one function: the companion on the
 * bytes it is about to send, the device before it activates an upload and whenever it plays one).
 * Returns up to `max` error tuples in the order a person reads the program (name, steps, each step's
 * fields, the total); empty means valid. The bytes' structure comes first: a header, name or step that
 * runs past the end, an unknown version or bytes after the last step is the only error returned.
 * The device asks for one (max 1): errors are built only when there is one to report.
 */
export const imageErrors = (b: Uint8Array, max: number): number[][] => {
  const e: number[][] = [];
  const N = b.length;
  const bad = (step: number, field: number, rule: number, extra: number, value: number): void => {
    e.push([step, field, rule, extra, value]);
  };
  const n = b[1];
  const L = b[2];
  let o = HEADER_BYTES + L;
  let total = 0;
  if (N < HEADER_BYTES) return [[PE_WHOLE, PE.Program, PR.Header, 0, 0]];
  if (b[0] !== PROGRAM_VERSION) return [[PE_WHOLE, PE.Program, PR.Version, 0, b[0]]];
  if (o > N) return [[PE_WHOLE, PE.Program, PR.NamePast, 0, 0]];
  if (L < 1 || L > NAME_MAX_BYTES) bad(PE_WHOLE, PE.Name, PR.NameLength, 0, 0);
  for (let i = 0; i < L; i++)
    if (b[HEADER_BYTES + i] < 0x20 || b[HEADER_BYTES + i] > 0x7e) {
      bad(PE_WHOLE, PE.Name, PR.NameChar, 0, i + 1);
      break;
    }
  if (n < 1) bad(PE_WHOLE, PE.Steps, PR.NoSteps, 0, 0);
  if (n > MAX_STEPS) bad(PE_WHOLE, PE.Steps, PR.TooMany, 0, n);
  for (let i = 0; i < n; i++) {
    if (o + STEP_BYTES > N) return [[i, PE.Step, PR.Truncated, 0, 0]];
    // [field, value, lowest, highest] of each numbered field, in the step's byte order
    const d = u16(b, o + 2);
    const cue = b[o + 5];
    const f = [PE.Region, b[o], 0, REGION_MAX, PE.Pattern, b[o + 1], 0, PATTERN_CUSTOM, PE.Duration, d, STEP_MIN_S, STEP_MAX_S,
      PE.Intensity, b[o + 4], 0, INTENSITY_MAX * 100, PE.Cue, cue, 0, CUE_TAP];
    if (b[o + 1] === PATTERN_CUSTOM) {
      const k = b[o + 7];
      if (o + STEP_BYTES + 2 > N || o + STEP_BYTES + 2 + k > N) return [[i, PE.Curve, PR.Truncated, 0, 0]];
      f.push(PE.CurveStepMs, b[o + 6] * 10, CURVE_STEP_MIN_MS, CURVE_STEP_MAX_MS);
      for (let j = 0; j < k; j++) f.push(PE.Level + j * 256, b[o + 8 + j], 0, 100);
      if (k < CURVE_MIN_POINTS || k > CURVE_MAX_POINTS) bad(i, PE.Curve, PR.CurveCount, 0, 0);
      o += 2 + k;
    }
    o += STEP_BYTES;
    for (let j = 0; j < f.length; j += 4) {
      const x = f[j + 1];
      // fractions (intensity, levels) are percent on the wire and 0..1 in the sentence
      const s = (f[j] & 255) >= PE.Intensity ? 100 : 1;
      if (x < f[j + 2] || x > f[j + 3]) bad(i, f[j] & 255, x < f[j + 2] ? PR.Below : PR.Above, f[j] >> 8, x / s);
    }
    if (d * 1000 <= (CUE_MS[cue] || 0)) bad(i, PE.Duration, PR.CueShort, 0, 0);
    total += d;
  }
  if (o !== N) return [[PE_WHOLE, PE.Program, PR.Extra, 0, N - o]];
  if (total > LONGEST_SESSION_S) bad(PE_WHOLE, PE.Steps, PR.Total, 0, total);
  return e.slice(0, max);
};

/** The rules (PR) that say the bytes themselves are broken, not a limit: Header … Extra. */
const STRUCTURE_RULES = 13;

/** A program image back to its objects, or the sentence saying why its bytes cannot be read (companion side). */
export const decodeProgram = (b: Uint8Array): Program | string => {
  const e = imageErrors(b, 1)[0];
  return e && e[2] >= STRUCTURE_RULES ? describeProgramError(e) : readProgram(b);
};

/**
 * Decodes a program image the validator's structure check passed (validate.ts imageErrors); the
 * companion's form (the device reads images by offset and never builds these objects).
 */
export const readProgram = (b: Uint8Array): Program => {
  const steps: Step[] = [];
  let o = HEADER_BYTES + b[2];
  for (let i = 0; i < b[1]; i++) {
    const s: Step = { region: b[o], pattern: b[o + 1], duration: u16(b, o + 2), intensity: b[o + 4] / 100, cue: b[o + 5] };
    o += STEP_BYTES;
    if (s.pattern === PATTERN_CUSTOM) {
      s.curveStepMs = b[o] * 10;
      s.curve = [];
      for (let j = 0; j < b[o + 1]; j++) s.curve.push(b[o + 2 + j] / 100);
      o += 2 + b[o + 1];
    }
    steps.push(s);
  }
  return { name: asciiString(b, HEADER_BYTES, b[2]), steps: steps };
};

/** The pattern's curve (levels 0..1) and ms per level the motor plays for a step (companion side). */
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
