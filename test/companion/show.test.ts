import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type SimNoble, simNoble } from "../helpers/sim-noble";
import { programFromJson } from "../../shared/validate";
import { programToJson } from "../../shared/program-json";
import { presetProgram, PRESET_COUNT } from "../../shared/presets";
import { largestProgram } from "../../shared/largest-program";

const dir = mkdtempSync(join(tmpdir(), "massager-show-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const EXAMPLE = new URL("../../examples/evening.json", import.meta.url);

let sim: SimNoble;
beforeAll(async () => (sim = await simNoble()));
afterAll(() => sim.close());
const run = (...argv: string[]) => sim.cli(argv, { dataDir: dir });

describe("programs in their JSON form", () => {
  it("programToJson is the inverse of programFromJson, presets and the largest program included", () => {
    for (const p of [...Array.from({ length: PRESET_COUNT }, (_, i) => presetProgram(i)!), largestProgram()]) {
      const back = programFromJson(JSON.parse(JSON.stringify(programToJson(p))));
      expect(back.errors).toEqual([]);
      expect(back.program).toEqual(p);
    }
  });
});

describe("massager show", () => {
  it("reads a pushed program back as the JSON that was pushed", async () => {
    const file = JSON.parse(readFileSync(EXAMPLE, "utf8"));
    expect((await run("push", EXAMPLE.pathname, "--slot", "2")).code).toBe(0);
    const shown = await run("show", "s2", "--json");
    expect(shown.code).toBe(0);
    const data = JSON.parse(shown.stdout);
    expect(data).toMatchObject({ id: 0x12, ref: "s2" });
    expect(programFromJson(data.program).program).toEqual(programFromJson(file).program);

    // --out writes a file that pushes again unchanged
    const out = join(dir, "back.json");
    const written = await run("show", "s2", "--out", out);
    expect(written.stdout).toContain(`written to ${out}`);
    expect(JSON.parse(readFileSync(out, "utf8"))).toEqual(data.program);
    expect((await run("validate", out)).code).toBe(0);
  });

  it("reads a preset back, and says which programs exist when asked for one that does not", async () => {
    const preset = await run("show", "0");
    expect(preset.code).toBe(0);
    expect(programFromJson(JSON.parse(preset.stdout)).program).toEqual(presetProgram(0));
    const missing = await run("show", "s3");
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split("\n")).toEqual([
      'massager: there is no program "s3" on the device (slot s3 is empty); it has 0 "Daily 4 min", 1 "Daily 15 min", 2 "Calm 15 min", s2 "Evening" (`massager programs` lists them)',
    ]);
  });
});
