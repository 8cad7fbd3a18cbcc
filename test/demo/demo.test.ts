/**
 * `massager demo`, the README's first command: the three journeys on the virtual device, exit 0.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli";

const root = fileURLToPath(new URL("../..", import.meta.url));

async function demo(args: string[], env: Record<string, string> = {}) {
  const started = Date.now();
  const r = await runCli(["demo", ...args], { env: { ...process.env, NO_COLOR: "1", ...env } });
  return { ...r, ms: Date.now() - started };
}

describe("massager demo", () => {
  it("shows the button session with cues and motor levels, the pushed program, the sync and the report, and exits 0", async () => {
    const home = mkdtempSync(join(tmpdir(), "massager-demo-home-"));
    try {
      const r = await demo(["--speed", "0"], { MASSAGER_HOME: home });
      expect(r.code, r.stderr).toBe(0);
      const out = r.stdout;
      // journey 1: the preset on the device alone, with a cue per region and the motor level
      expect(out).toContain('1/3  Press the button: the device runs "Daily 4 min"');
      expect(out.match(/◆ cue: move to the (front|crown|back)/g)?.length).toBeGreaterThanOrEqual(6); // 3 per session
      expect(out).toMatch(/0:20  motor [█░]{20} +\d+% on average, peak \d+%  front · press/);
      expect(out).toMatch(/4:00  finished/);
      // journey 2: the example program over Bluetooth, then run by a button press
      expect(out).toContain("2/3  Load your own program over Bluetooth: massager push examples/evening.json");
      expect(out).toMatch(/"Evening" \(3\.5 min, \d+ bytes, CRC [0-9a-f]{8}\) is in slot s\d and selected/);
      expect(out).toMatch(/3:30  finished/);
      // journey 3: both sessions synced, and the report
      expect(out).toMatch(/3\/3  Sync[^\n]*\n[^\n]*2 new sessions stored/);
      expect(out).toMatch(/report|Report/);
      expect(out).toMatch(/Done in [\d.]+ s\./);
      // the demo's history is temporary: the person's own (MASSAGER_HOME) is never touched
      expect(existsSync(join(home, "history.sqlite"))).toBe(false);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it("keeps the history in --data-dir, and --json prints the journeys as data", async () => {
    const dir = mkdtempSync(join(tmpdir(), "massager-demo-dir-"));
    try {
      const r = await demo(["--speed", "0", "--json", "--data-dir", dir]);
      expect(r.code, r.stderr).toBe(0);
      const d = JSON.parse(r.stdout);
      expect(d.sessions.map((s: { program: string }) => s.program)).toEqual(["Daily 4 min", "Evening"]);
      expect(d.sessions[0]).toMatchObject({ seconds: 240, cues: 3 });
      expect(d.sessions[1]).toMatchObject({ seconds: 210, cues: 3 });
      expect(d.pushed).toMatchObject({ name: "Evening", file: join("examples", "evening.json") });
      expect(d.synced).toMatchObject({ stored: 2, duplicates: 0, acked: 2 });
      expect(existsSync(join(dir, "history.sqlite"))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const bundle = join(root, "dist", "massager.js");
  const built = existsSync(bundle) && readFileSync(bundle, "utf8").includes("massager demo");
  it.skipIf(!built)(`runs as the README says, \`npx massager demo\` (bin/massager.js over the built companion), at its default pace${built ? "" : " (skipped: dist/massager.js is not built yet; npm test builds it first)"}`, () => {
    const started = Date.now();
    const r = spawnSync(process.execPath, [join(root, "bin", "massager.js"), "demo"], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
      timeout: 55000,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("1/3");
    expect(r.stdout).toContain("2/3");
    expect(r.stdout).toContain("3/3");
    expect(Date.now() - started).toBeLessThan(30000); // a newcomer sees it all in well under a minute
  });
});
