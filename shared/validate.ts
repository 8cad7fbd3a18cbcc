import {
  CURVE_MAX_POINTS, CURVE_MIN_POINTS, CURVE_STEP_MAX_MS, CURVE_STEP_MIN_MS, INTENSITY_MAX, LONGEST_SESSION_S, MAX_STEPS,
  NAME_MAX_BYTES, STEP_MAX_S, STEP_MIN_S,
} from "./limits";
import {
  CUES, CUE_NONE, CUE_REGION, CUE_TAP, PATTERNS, PATTERN_CUSTOM, PE, PE_WHOLE, PR, Program, REGIONS, REGION_MAX, Step, cueMs,
  describeProgramError,
} from "./program";

/*
 * One validator, run by the companion before it sends and by the device before it activates.
 * Errors are structured (program.ts PE / PR tuples: the device sends the first one in 8 bytes);
 * validateProgram prints them, e.g. `steps[2].intensity: 1.4 is above the limit 1.0`.
 */

const isInt = (x: number): boolean => {
  return typeof x === "number" && Math.floor(x) === x;
};

const range = (errors: number[][], i: number, f: number, k: number, x: number, lo: number, hi: number, whole: boolean): void => {
  if (typeof x !== "number" || x - x !== 0) errors.push([i, f, PR.NotNumber, k, 0]);
  else if (x < lo || x > hi) errors.push([i, f, x < lo ? PR.Below : PR.Above, k, x]);
  else if (whole && Math.floor(x) !== x) errors.push([i, f, PR.NotWhole, k, x]);
};

/** The device's rules, over a decoded program. Returns every error as a PE / PR tuple; empty means valid. */
export const programErrors = (p: Program): number[][] => {
  const errors: number[][] = [];
  const name = p.name;
  if (typeof name !== "string" || name.length < 1 || name.length > NAME_MAX_BYTES) {
    errors.push([PE_WHOLE, PE.Name, PR.NameLength, 0, 0]);
  } else {
    for (let i = 0; i < name.length; i++) {
      const c = name.charCodeAt(i);
      if (c < 0x20 || c > 0x7e) {
        errors.push([PE_WHOLE, PE.Name, PR.NameChar, 0, i + 1]);
        break;
      }
    }
  }
  const steps = p.steps;
  if (!steps || steps.length < 1) errors.push([PE_WHOLE, PE.Steps, PR.NoSteps, 0, 0]);
  else if (steps.length > MAX_STEPS) errors.push([PE_WHOLE, PE.Steps, PR.TooMany, 0, steps.length]);
  let total = 0;
  for (let i = 0; steps && i < steps.length && i < MAX_STEPS; i++) {
    const s = steps[i];
    range(errors, i, PE.Region, 0, s.region, 0, REGION_MAX, true);
    range(errors, i, PE.Pattern, 0, s.pattern, 0, PATTERN_CUSTOM, true);
    range(errors, i, PE.Duration, 0, s.duration, STEP_MIN_S, STEP_MAX_S, true);
    range(errors, i, PE.Intensity, 0, s.intensity, 0, INTENSITY_MAX, false);
    range(errors, i, PE.Cue, 0, s.cue, 0, CUE_TAP, true);
    if (isInt(s.duration) && s.duration * 1000 <= cueMs(s.cue)) errors.push([i, PE.Duration, PR.CueShort, 0, 0]);
    if (s.pattern === PATTERN_CUSTOM) {
      const c = s.curve;
      if (!c || c.length < CURVE_MIN_POINTS || c.length > CURVE_MAX_POINTS) {
        errors.push([i, PE.Curve, PR.CurveCount, 0, 0]);
      } else {
        for (let k = 0; k < c.length; k++) range(errors, i, PE.Level, k, c[k], 0, 1, false);
      }
      range(errors, i, PE.CurveStepMs, 0, s.curveStepMs as number, CURVE_STEP_MIN_MS, CURVE_STEP_MAX_MS, true);
      if (isInt(s.curveStepMs as number) && (s.curveStepMs as number) % 10 !== 0) errors.push([i, PE.CurveStepMs, PR.NotMultiple10, 0, 0]);
    } else if (s.curve !== undefined) {
      errors.push([i, PE.Curve, PR.NotCustom, 0, 0]);
    }
    if (typeof s.duration === "number") total += s.duration;
  }
  if (total > LONGEST_SESSION_S) errors.push([PE_WHOLE, PE.Steps, PR.Total, 0, total]);
  return errors;
};

/** programErrors as sentences (the companion's form). */
export const validateProgram = (p: Program): string[] => {
  return programErrors(p).map((e) => {
    return describeProgramError(e);
  });
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
