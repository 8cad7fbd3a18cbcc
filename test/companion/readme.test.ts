/**
 * The README says what the code does: its figures are generated from bench/results.json (never
 * typed), its program rules are the ones `validate --help` prints from shared/limits.ts, and its
 * counting rules are the report's (rules.ts), each with its source.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderReadmeFigures } from "../../bench/render.mjs";
import { programRules } from "../../companion/cli/program-rules";
import { RULES } from "../../companion/report/rules";
import { runCli } from "../helpers/cli";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const README = readFileSync(join(ROOT, "README.md"), "utf8");

/** The text between a README's `<!-- NAME:start -->` and `<!-- NAME:end -->`. */
function section(name: string): string {
  const m = new RegExp(`<!-- ${name}:start -->\\n([\\s\\S]*?)\\n<!-- ${name}:end -->`).exec(README);
  expect(m, `README.md has the ${name} markers`).not.toBe(null);
  return m![1];
}

describe("README.md", () => {
  it("its Measured table is the one bench/results.json renders (`node bench/render.mjs --write`)", () => {
    const results = JSON.parse(readFileSync(join(ROOT, "bench", "results.json"), "utf8"));
    expect(section("figures")).toBe(renderReadmeFigures(results));
  });

  it("lists the program rules `massager validate --help` prints", async () => {
    expect(section("program-rules")).toBe(["```", ...programRules(), "```"].join("\n"));
    const help = (await runCli(["validate", "--help"])).stdout;
    for (const line of programRules()) expect(help).toContain(line);
  });

  it("states each protocol's counting rule and its source as the report does", () => {
    for (const r of Object.values(RULES)) {
      expect(README).toContain(r.rule);
      expect(README).toContain(r.source);
    }
  });
});
