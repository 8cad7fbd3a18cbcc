import { asciiBytes } from "./bytes";
import { CUE_NONE, CUE_REGION, Program, Step } from "./program";

/*
 * Built-in presets, from the evidence the README describes (studies.ts names each study). Steps are flat
 * (region, pattern, seconds, intensity %) quadruples: cheap in the device's memory. A step whose
 * region differs from the one before starts with a region cue.
 *   regions: 0 front, 1 crown, 2 back; patterns: 0 press, 1 pinch, 2 stretch, 3 circular, 4 steady
 */
export const PRESET_NAMES = ["Daily 4 min", "Daily 15 min", "Calm 15 min"];

const PRESET_STEPS = [
  // 4 minutes a day over three regions (2016 controlled study): 240 s
  [0, 0, 40, 60, 0, 3, 40, 55, 1, 1, 40, 60, 1, 3, 40, 55, 2, 2, 40, 60, 2, 3, 40, 55],
  // inside the 11-20 minutes a day of the 2019 survey: 900 s
  [0, 0, 60, 65, 0, 3, 90, 60, 0, 1, 60, 65, 0, 2, 90, 55,
   1, 0, 60, 65, 1, 3, 90, 60, 1, 1, 60, 65, 1, 2, 90, 55,
   2, 0, 60, 65, 2, 3, 90, 60, 2, 1, 60, 65, 2, 2, 90, 55],
  // gentle stress relief, twice a week (the 15-minute sessions of the 10-week cortisol study): 900 s
  [0, 4, 60, 35, 0, 3, 120, 40, 0, 2, 120, 35,
   1, 4, 60, 35, 1, 3, 120, 40, 1, 2, 120, 35,
   2, 4, 60, 35, 2, 3, 120, 40, 2, 2, 120, 35],
];

/** (A literal, so the bundler inlines it; test/shared/codecs.test.ts checks it against the tables.) */
export const PRESET_COUNT = 3;

/**
 * The presets as the device keeps them: preset i's program image (program.ts encodeProgram of
 * presetProgram(i)) as a byte string. Written as atob of base64 literals, which the pretokenised
 * bundle stores as their decoded bytes (scripts/build/pretokenise.mjs): cheaper in flash than the
 * tables above and an encoder, and held in a function so that on the device the strings are made
 * when a preset is read, not kept in RAM; test/shared/codecs.test.ts checks they are those images.
 */
export const presetBytes = (i: number): string => {
  return [
    atob("AQYLRGFpbHkgNCBtaW4AACgAPAEAAygANwABASgAPAEBAygANwACAigAPAECAygANwA="),
    atob("AQwMRGFpbHkgMTUgbWluAAA8AEEBAANaADwAAAE8AEEAAAJaADcAAQA8AEEBAQNaADwAAQE8AEEAAQJaADcAAgA8AEEBAgNaADwAAgE8AEEAAgJaADcA"),
    atob("AQkLQ2FsbSAxNSBtaW4ABDwAIwEAA3gAKAAAAngAIwABBDwAIwEBA3gAKAABAngAIwACBDwAIwECA3gAKAACAngAIwA="),
  ][i];
};

/** Preset i's program image (what PROG_READ sends and PROG_LIST's CRC covers). */
export const presetImage = (i: number): Uint8Array => {
  return asciiBytes(presetBytes(i));
};

export const presetProgram = (i: number): Program | null => {
  const q = PRESET_STEPS[i];
  if (!q) return null;
  const steps: Step[] = [];
  for (let k = 0; k < q.length; k += 4) {
    steps.push({
      region: q[k],
      pattern: q[k + 1],
      duration: q[k + 2],
      intensity: q[k + 3] / 100,
      cue: k === 0 || q[k] !== q[k - 4] ? CUE_REGION : CUE_NONE,
    });
  }
  return { name: PRESET_NAMES[i], steps: steps };
};
