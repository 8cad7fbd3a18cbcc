import { CURVE_MAX_POINTS, MAX_STEPS, NAME_MAX_BYTES } from "./limits";
import { PATTERN_CUSTOM, Program, Step } from "./program";

/**
 * The largest program the format allows: every limit at its maximum (steps, name, curve points),
 * still valid (its total stays under the longest session). Tests and benchmarks size uploads with it.
 */
export const largestProgram = (): Program => {
  const steps: Step[] = [];
  for (let i = 0; i < MAX_STEPS; i++) {
    const curve: number[] = [];
    for (let k = 0; k < CURVE_MAX_POINTS; k++) curve.push(((k * 7 + i) % 101) / 100);
    steps.push({ region: i % 3, pattern: PATTERN_CUSTOM, duration: 60 + (i % 15), intensity: 1, cue: i % 3, curve: curve, curveStepMs: 2000 });
  }
  let name = "";
  while (name.length < NAME_MAX_BYTES) name += "X";
  return { name: name, steps: steps };
};
