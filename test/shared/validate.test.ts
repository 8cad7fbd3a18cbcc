import { describe, expect, it } from "vitest";
import { programFromJson, validateProgram, presetProgram, PRESET_COUNT, totalSeconds, INTENSITY_MAX } from "../../shared/index";

const good = () => ({
  name: "Evening",
  steps: [
    { region: "front", pattern: "press", duration: 60, intensity: 0.6 },
    { region: "crown", pattern: "custom", duration: 60, intensity: 0.5, curve: [0.2, 1], curveStepMs: 300 },
    { region: "back", pattern: "circular", duration: 60, intensity: 0.7, cue: "tap" },
  ],
});

describe("program validator", () => {
  it("accepts a good program and fills in cues from region changes", () => {
    const r = programFromJson(good());
    expect(r.errors).toEqual([]);
    expect(r.program!.steps.map((s) => s.cue)).toEqual([1, 1, 2]);
    expect(r.program!.steps[1].curveStepMs).toBe(300);
  });

  it("accepts every built-in preset, and each lies within its protocol's minutes", () => {
    for (let i = 0; i < PRESET_COUNT; i++) expect(validateProgram(presetProgram(i)!)).toEqual([]);
    expect(totalSeconds(presetProgram(0)!)).toBe(240);
    const daily = totalSeconds(presetProgram(1)!) / 60;
    expect(daily >= 11 && daily <= 20).toBe(true);
  });

  // One bad program per rule; each error names the field and the rule.
  const cases: [string, (p: any) => void, string][] = [
    ["intensity above the cap", (p) => (p.steps[2].intensity = 1.4), "steps[2].intensity: 1.4 is above the limit 1.0"],
    ["negative intensity", (p) => (p.steps[0].intensity = -0.1), "steps[0].intensity: -0.1 is below the limit 0.0"],
    ["intensity not a number", (p) => (p.steps[0].intensity = "high"), "steps[0].intensity: must be a number"],
    ["unknown region", (p) => (p.steps[1].region = "top"), 'steps[1].region: "top" is not one of front, crown, back'],
    ["unknown pattern", (p) => (p.steps[0].pattern = "knead"), 'steps[0].pattern: "knead" is not one of press, pinch, stretch, circular, steady, custom'],
    ["unknown cue", (p) => (p.steps[0].cue = "beep"), 'steps[0].cue: "beep" is not one of none, region, tap'],
    ["step too short", (p) => (p.steps[0].duration = 1), "steps[0].duration: 1 s is below the limit 2 s"],
    ["step too long", (p) => (p.steps[0].duration = 901), "steps[0].duration: 901 s is above the limit 900 s"],
    ["fractional seconds", (p) => (p.steps[0].duration = 30.5), "steps[0].duration: 30.5 must be a whole number"],
    ["session too long", (p) => p.steps.forEach((s: any) => (s.duration = 700)), "steps: total 2100 s is above the longest session 1800 s"],
    ["too many steps", (p) => { while (p.steps.length < 25) p.steps.push({ region: "back", pattern: "steady", duration: 10, intensity: 0.2 }); }, "steps: 25 steps is above the limit 24"],
    ["no steps", (p) => (p.steps = []), "steps: at least one step is needed"],
    ["steps not an array", (p) => (p.steps = {}), "steps: must be an array of steps"],
    ["empty name", (p) => (p.name = ""), "name: must be 1 to 24 characters"],
    ["long name", (p) => (p.name = "n".repeat(25)), "name: must be 1 to 24 characters"],
    ["non-ASCII name", (p) => (p.name = "Soirée"), "name: character 5 is not printable ASCII"],
    ["missing name", (p) => delete p.name, "name: must be a string"],
    ["unknown field", (p) => (p.steps[0].colour = "red"), "steps[0].colour: unknown field (expected one of region, pattern, duration, intensity, cue, curve, curveStepMs)"],
    ["curve on a built-in pattern", (p) => (p.steps[0].curve = [0.5, 1]), "steps[0].curve: only a custom pattern takes a curve"],
    ["curve too short", (p) => (p.steps[1].curve = [1]), "steps[1].curve: needs 2 to 16 levels"],
    ["curve level above 1", (p) => (p.steps[1].curve = [0.5, 1.2]), "steps[1].curve[1]: 1.2 is above the limit 1.0"],
    ["curve step too fast", (p) => (p.steps[1].curveStepMs = 20), "steps[1].curveStepMs: 20 ms is below the limit 50 ms"],
    ["curve step not a multiple of 10", (p) => (p.steps[1].curveStepMs = 55), "steps[1].curveStepMs: must be a multiple of 10 ms"],
    ["step not an object", (p) => (p.steps[0] = 5), "steps[0]: must be an object"],
  ];
  for (const [name, breakIt, message] of cases) {
    it("rejects " + name, () => {
      const p = good();
      breakIt(p);
      const r = programFromJson(p);
      expect(r.program).toBeNull();
      expect(r.errors).toContain(message);
    });
  }

  it("rejects what is not a program object at all", () => {
    expect(programFromJson([1, 2]).errors).toEqual(["program: must be a JSON object with a name and steps"]);
    expect(programFromJson(null).errors).toEqual(["program: must be a JSON object with a name and steps"]);
  });

  it("applies the same rules to a decoded binary program on the device side", () => {
    const p = presetProgram(0)!;
    p.steps[3].intensity = 2.5;
    p.steps[4].region = 7;
    expect(validateProgram(p)).toEqual([
      "steps[3].intensity: 2.5 is above the limit 1.0",
      "steps[4].region: 7 is above the limit 2",
    ]);
    expect(INTENSITY_MAX).toBe(1);
  });
});
