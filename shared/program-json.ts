import { CUES, CUE_NONE, CUE_REGION, PATTERNS, PATTERN_CUSTOM, Program, REGIONS } from "./program";

/** The hand-written JSON form of a step (what programFromJson in validate.ts reads). */
export interface StepJson {
  region: string;
  pattern: string;
  duration: number;
  intensity: number;
  cue?: string;
  curve?: number[];
  curveStepMs?: number;
}

/**
 * A program back in the JSON form people write, so what is read from a device can be edited and
 * pushed again: programFromJson(programToJson(p)) gives p back. A cue is written only where it
 * differs from the default (a region cue when the region changes, else none).
 */
export const programToJson = (p: Program): { name: string; steps: StepJson[] } => {
  const steps: StepJson[] = [];
  for (let i = 0; i < p.steps.length; i++) {
    const s = p.steps[i];
    const j: StepJson = { region: REGIONS[s.region], pattern: PATTERNS[s.pattern], duration: s.duration, intensity: s.intensity };
    const byDefault = i === 0 || p.steps[i - 1].region !== s.region ? CUE_REGION : CUE_NONE;
    if (s.cue !== byDefault) j.cue = CUES[s.cue];
    if (s.pattern === PATTERN_CUSTOM) {
      j.curve = s.curve;
      j.curveStepMs = s.curveStepMs;
    }
    steps.push(j);
  }
  return { name: p.name, steps: steps };
};
