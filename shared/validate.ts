import {
  CURVE_MAX_POINTS, CURVE_MIN_POINTS, CURVE_STEP_MAX_MS, CURVE_STEP_MIN_MS, INTENSITY_MAX, LONGEST_SESSION_S, MAX_STEPS,
  NAME_MAX_BYTES, STEP_MAX_S, STEP_MIN_S,
} from "./limits";
import { CUES, CUE_NONE, CUE_REGION, CUE_TAP, PATTERNS, PATTERN_CUSTOM, Program, REGIONS, REGION_MAX, Step, cueMs } from "./program";

/*
 * One validator, run by the companion before it sends and by the device before it activates.
 * Every error names the field and the rule, e.g. `steps[2].intensity: 1.4 is above the limit 1.0`.
 */

/** Prints 1 as "1.0" so limits on a 0..1 scale read as fractions. */
const num = (x: number): string => {
  return x % 1 === 0 ? x + ".0" : "" + x;
};

const isInt = (x: number): boolean => {
  return typeof x === "number" && x === x && Math.floor(x) === x;
};

const range = (errors: string[], field: string, x: number, lo: number, hi: number, unit: string, frac: boolean): void => {
  const show = (v: number): string => (frac ? num(v) : v) + unit;
  if (typeof x !== "number" || x !== x || x === Infinity || x === -Infinity) {
    errors.push(field + ": must be a number");
  } else if (x < lo || x > hi) {
    errors.push(field + ": " + show(x) + (x < lo ? " is below the limit " + show(lo) : " is above the limit " + show(hi)));
  } else if (!frac && !isInt(x)) {
    errors.push(field + ": " + x + " must be a whole number");
  }
};

/** The device's rules, over a decoded program. Returns every error; empty means valid. */
export const validateProgram = (p: Program): string[] => {
  const errors: string[] = [];
  const name = p.name;
  if (typeof name !== "string" || name.length < 1 || name.length > NAME_MAX_BYTES) {
    errors.push("name: must be 1 to " + NAME_MAX_BYTES + " characters");
  } else {
    for (let i = 0; i < name.length; i++) {
      const c = name.charCodeAt(i);
      if (c < 0x20 || c > 0x7e) {
        errors.push("name: character " + (i + 1) + " is not printable ASCII");
        break;
      }
    }
  }
  const steps = p.steps;
  if (!steps || steps.length < 1) errors.push("steps: at least one step is needed");
  else if (steps.length > MAX_STEPS)
    errors.push("steps: " + steps.length + " steps is above the limit " + MAX_STEPS);
  let total = 0;
  for (let i = 0; steps && i < steps.length && i < MAX_STEPS; i++) {
    const s = steps[i];
    const f = "steps[" + i + "]";
    range(errors, f + ".region", s.region, 0, REGION_MAX, "", false);
    range(errors, f + ".pattern", s.pattern, 0, PATTERN_CUSTOM, "", false);
    range(errors, f + ".duration", s.duration, STEP_MIN_S, STEP_MAX_S, " s", false);
    range(errors, f + ".intensity", s.intensity, 0, INTENSITY_MAX, "", true);
    range(errors, f + ".cue", s.cue, 0, CUE_TAP, "", false);
    if (isInt(s.duration) && s.duration * 1000 <= cueMs(s.cue))
      errors.push(f + ".duration: too short for its cue");
    if (s.pattern === PATTERN_CUSTOM) {
      const c = s.curve;
      if (!c || c.length < CURVE_MIN_POINTS || c.length > CURVE_MAX_POINTS) {
        errors.push(f + ".curve: needs " + CURVE_MIN_POINTS + " to " + CURVE_MAX_POINTS + " levels");
      } else {
        for (let k = 0; k < c.length; k++) range(errors, f + ".curve[" + k + "]", c[k], 0, 1, "", true);
      }
      range(errors, f + ".curveStepMs", s.curveStepMs as number, CURVE_STEP_MIN_MS, CURVE_STEP_MAX_MS, " ms", false);
      if (isInt(s.curveStepMs as number) && (s.curveStepMs as number) % 10 !== 0)
        errors.push(f + ".curveStepMs: must be a multiple of 10 ms");
    } else if (s.curve !== undefined) {
      errors.push(f + ".curve: only a custom pattern takes a curve");
    }
    if (typeof s.duration === "number") total += s.duration;
  }
  if (total > LONGEST_SESSION_S)
    errors.push("steps: total " + total + " s is above the longest session " + LONGEST_SESSION_S + " s");
  return errors;
};

const STEP_KEYS = ["region", "pattern", "duration", "intensity", "cue", "curve", "curveStepMs"];
const TOP_KEYS = ["name", "steps", "description"];

const indexOfName = (list: string[], v: unknown): number => {
  return typeof v === "string" ? list.indexOf(v) : -1;
};

const unknownKeys = (errors: string[], field: string, o: object, allowed: string[]): void => {
  const keys = Object.keys(o);
  for (let i = 0; i < keys.length; i++)
    if (allowed.indexOf(keys[i]) < 0)
      errors.push((field ? field + "." : "") + keys[i] + ": unknown field (expected one of " + allowed.join(", ") + ")");
};

/**
 * The hand-written JSON form to a Program, checked field by field and then by validateProgram.
 * The JSON names regions, patterns and cues by word; a step's cue defaults to a region cue when
 * its region differs from the step before, else none.
 */
export const programFromJson = (v: unknown): { program: Program | null; errors: string[] } => {
  const errors: string[] = [];
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    return { program: null, errors: ["program: must be a JSON object with a name and steps"] };
  }
  const o = v as { [k: string]: unknown };
  unknownKeys(errors, "", o, TOP_KEYS);
  if (typeof o.name !== "string") errors.push("name: must be a string");
  if (!Array.isArray(o.steps)) {
    errors.push("steps: must be an array of steps");
    return { program: null, errors: errors };
  }
  const steps: Step[] = [];
  const raw = o.steps as unknown[];
  for (let i = 0; i < raw.length; i++) {
    const f = "steps[" + i + "]";
    const r = raw[i] as { [k: string]: unknown };
    if (typeof r !== "object" || r === null || Array.isArray(r)) {
      errors.push(f + ": must be an object");
      continue;
    }
    unknownKeys(errors, f, r, STEP_KEYS);
    const region = indexOfName(REGIONS, r.region);
    if (region < 0) errors.push(f + ".region: " + JSON.stringify(r.region) + " is not one of " + REGIONS.join(", "));
    const pattern = indexOfName(PATTERNS, r.pattern);
    if (pattern < 0) errors.push(f + ".pattern: " + JSON.stringify(r.pattern) + " is not one of " + PATTERNS.join(", "));
    let cue = i === 0 || (steps.length > 0 && steps[steps.length - 1].region !== region) ? CUE_REGION : CUE_NONE;
    if (r.cue !== undefined) {
      cue = indexOfName(CUES, r.cue);
      if (cue < 0) errors.push(f + ".cue: " + JSON.stringify(r.cue) + " is not one of " + CUES.join(", "));
    }
    if (r.curve !== undefined && (!Array.isArray(r.curve) || (r.curve as unknown[]).some((x) => typeof x !== "number")))
      errors.push(f + ".curve: must be an array of numbers from 0 to 1");
    const s: Step = {
      region: region < 0 ? 0 : region,
      pattern: pattern < 0 ? 0 : pattern,
      duration: r.duration as number,
      intensity: r.intensity as number,
      cue: cue < 0 ? 0 : cue,
    };
    if (r.curve !== undefined) s.curve = r.curve as number[];
    if (pattern === PATTERN_CUSTOM) s.curveStepMs = r.curveStepMs === undefined ? 250 : (r.curveStepMs as number);
    else if (r.curveStepMs !== undefined) errors.push(f + ".curveStepMs: only a custom pattern takes a curveStepMs");
    steps.push(s);
  }
  const program: Program = { name: o.name as string, steps: steps };
  const rules = validateProgram(program);
  for (let i = 0; i < rules.length; i++) if (errors.indexOf(rules[i]) < 0) errors.push(rules[i]);
  return { program: errors.length ? null : program, errors: errors };
};
