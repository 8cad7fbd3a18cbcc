process.env.TZ = "UTC";
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../companion/cli/main";
import type { SessionRow } from "../../companion/report/rows";
import { writeHistory } from "./sqlite";

/*
 * Five years of history (2022-01-01..2026-12-31, 1,826 days): two sessions on most days, gaps on
 * every 7th and 11th day, 2,846 sessions in all. `report` (one SQL query, then linear passes) must
 * take at most 100 ms, whether it prints JSON, the terminal view or also writes the HTML page.
 */
const dir = mkdtempSync(join(tmpdir(), "massager-perf-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fiveYears(): SessionRow[] {
  const rows: SessionRow[] = [];
  const first = Date.UTC(2022, 0, 1) / 1000;
  let seq = 0;
  for (let day = 0; day < 1826; day++) {
    if (day % 7 === 3 || day % 11 === 5) continue;
    for (let k = 0; k < 2; k++) {
      const program = (day + k) % 3;
      const region = program === 0 ? 80 : 300;
      rows.push({
        device_id: "aa:bb:cc:dd:ee:ff", seq: ++seq, start_unix: first + day * 86400 + 7 * 3600 + k * 36000, time_source: "clock",
        program, program_name: null, planned_s: region * 3, actual_s: region * 3, front_s: region, crown_s: region, back_s: region,
        end_reason: "finished", battery: 50,
      });
    }
  }
  return rows;
}

describe("report performance", () => {
  const dataDir = join(dir, "data");
  const rows = fiveYears();
  writeHistory(join(dataDir, "history.sqlite"), rows);

  const timed = async (argv: string[]) => {
    const t0 = performance.now();
    const code = await main([...argv, "--data-dir", dataDir, "--today", "2026-12-31"], {
      stdout: { write: () => true },
      stderr: { write: () => true },
      env: {},
    });
    const ms = performance.now() - t0;
    expect(code).toBe(0);
    return ms;
  };

  it("takes at most 100 ms on five years of sessions", async () => {
    expect(rows.length).toBe(2846);
    for (const argv of [["report", "--json"], ["report"], ["report", "--html", join(dir, "r.html")]]) {
      await timed(argv); // warm: the command module is loaded once per process
      const runs = [await timed(argv), await timed(argv), await timed(argv)].sort((a, b) => a - b);
      expect(runs[1], `${argv.join(" ")}: median of 3 runs`).toBeLessThan(100);
    }
  });
});
