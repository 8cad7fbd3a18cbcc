import {
  CUES, CUE_NONE, CUE_REGION, PATTERNS, PATTERN_CUSTOM, PE, PE_WHOLE, PR, Program, REGIONS, Step, describeProgramError,
  encodeProgram, imageErrors,
} from "./program";

/*
 * One validator. Its rules are program.ts imageErrors, over the bytes: the device runs it before it
 * activates or plays a program, the companion on the bytes it is about to send. What the companion
 * adds here is only what bytes cannot say: that a value is a number, a whole one, fits its byte, and
 * (for the hand-written JSON form) that words and field names are known. Sentences name the field and
 * the rule, e.g. `steps[2].intensity: 1.4 is above the limit 1.0`.
 */

/**
 * x as a field value the bytes can hold (a number from 0 to top; whole, or a multiple of 10, where
 * asked), or -1 after pushing the error tuple (program.ts PE / PR) that says why not.
 */
const encodable = (errors: number[][], i: number, field: number, k: number, x: unknown, whole: boolean, tens: boolean, top: number): number => {
  if (typeof x !== "number" || x - x !== 0) errors.push([i, field, PR.NotNumber, k, 0]);
  else if (x < 0) errors.push([i, field, PR.Below, k, x]);
  else if (x > top) errors.push([i, field, PR.Above, k, x]);
  else if (whole && Math.floor(x) !== x) errors.push([i, field, PR.NotWhole, k, x]);
  else if (tens && x % 10 !== 0) errors.push([i, field, PR.NotMultiple10, k, 0]);
  else return x;
  return -1;
};

/** An encodable value, or the stand-in when it was not (encodable gave -1). */
const orStandIn = (v: number, standIn: number): number => {
  return v < 0 ? standIn : v;
};

/**
 * Why a program cannot be written in bytes, and a copy in which each such value is replaced by a
 * stand-in that can, so that imageErrors over the copy's bytes does not report that field again.
 */
const encodableCopy = (p: Program): { errors: number[][]; program: Program } => {
  const errors: number[][] = [];
  let name = typeof p.name === "string" ? p.name : "";
  if (typeof p.name !== "string" || name.length > 255) {
    errors.push([PE_WHOLE, PE.Name, PR.NameLength, 0, 0]);
    name = "x";
  }
  for (let i = 0; i < name.length; i++)
    if (name.charCodeAt(i) > 0xff) {
      errors.push([PE_WHOLE, PE.Name, PR.NameChar, 0, i + 1]);
      name = "x";
    }
  const steps: Step[] = [];
  const raw = Array.isArray(p.steps) ? p.steps : [];
  if (raw.length > 255) errors.push([PE_WHOLE, PE.Steps, PR.TooMany, 0, raw.length]);
  for (let i = 0; i < raw.length && i < 255; i++) {
    const s = raw[i];
    const c: Step = {
      region: orStandIn(encodable(errors, i, PE.Region, 0, s.region, true, false, 255), 0),
      pattern: orStandIn(encodable(errors, i, PE.Pattern, 0, s.pattern, true, false, 255), 0),
      duration: orStandIn(encodable(errors, i, PE.Duration, 0, s.duration, true, false, 0xffff), 60),
      intensity: orStandIn(encodable(errors, i, PE.Intensity, 0, s.intensity, false, false, 2.55), 0),
      cue: orStandIn(encodable(errors, i, PE.Cue, 0, s.cue, true, false, 255), 0),
    };
    if (s.pattern === PATTERN_CUSTOM) {
      const v = encodable(errors, i, PE.CurveStepMs, 0, s.curveStepMs, true, true, 2550);
      c.curveStepMs = v < 0 ? 250 : v;
      c.curve = [];
      const curve = Array.isArray(s.curve) ? s.curve : [];
      for (let k = 0; k < curve.length && k < 255; k++) {
        const l = encodable(errors, i, PE.Level, k, curve[k], false, false, 2.55);
        c.curve.push(l < 0 ? 0 : l);
      }
    } else if (s.curve !== undefined) {
      errors.push([i, PE.Curve, PR.NotCustom, 0, 0]);
    }
    steps.push(c);
  }
  return { errors: errors, program: { name: name, steps: steps } };
};

/** Every rule the program breaks, as sentences (the companion's form); empty means the device will take it. */
export const validateProgram = (p: Program): string[] => {
  const c = encodableCopy(p);
  const all = c.errors.concat(imageErrors(encodeProgram(c.program), 1000));
  return all.map((e) => {
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

