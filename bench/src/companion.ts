/**
 * The companion's own speed: records stored per second by a sync's store step
 * (History.insertRecords, one transaction, into a history that already holds years), `massager
 * report` on five years of history, and `massager --help` start-up against a bare `node -e 0`.
 * Every timing is the median of several runs; the start-up figure is a ratio of medians taken in
 * the same run, the two commands interleaved.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../companion/cli/main";
import { openHistory } from "../../companion/history/db";
import { historyPath } from "../../companion/history/paths";
import { DAY, TODAY, TODAY_UNIX, YEARS, history, row } from "./five-years";
import { type Figure, ROOT, fig, median, round, runSuite } from "./lib";

function spawnMs(args: string[]): number {
  const t = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: "ignore" });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`node ${args.join(" ")} exited with ${r.status}`);
  return ms;
}

runSuite("companion", async () => {
  const figures: Figure[] = [];
  const problems: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), "bench-companion-"));
  const details: Record<string, unknown> = {};
  try {
    // ---- records per second into SQLite: a year's sync (365 rows) into a history holding five years
    const years = history(YEARS);
    const h = openHistory(historyPath(dir));
    const device = { id: "bench-device", name: "Massager BE9C", board: "MDBT42Q", firmware: "bench" };
    h.insertRecords(device.id, 1, years, { device });
    const lastSeq = years[years.length - 1].seq;
    const syncs: number[] = [];
    const REPS = 15;
    const BATCH = 365;
    for (let k = 0; k < REPS; k++) {
      const base = lastSeq + k * BATCH;
      const batch = Array.from({ length: BATCH }, (_, i) => row(base + i + 1, TODAY_UNIX + (k * BATCH + i) * DAY, 0, false, 80));
      const t = performance.now();
      const r = h.insertRecords(`bench-sync-${k % 3}`, 1, batch, { device });
      syncs.push(performance.now() - t);
      if (r.stored !== BATCH) problems.push(`insertRecords stored ${r.stored} of ${BATCH}`);
    }
    const big: number[] = [];
    for (let k = 0; k < 5; k++) {
      const batch = Array.from({ length: 10_000 }, (_, i) => row(i + 1, TODAY_UNIX + i * 600, 0, false, 80));
      const t = performance.now();
      h.insertRecords(`bench-bulk-${k}`, 1, batch, { device });
      big.push(performance.now() - t);
    }
    h.close();
    const perSync = median(syncs);
    const rate = BATCH / (perSync / 1000);
    figures.push(
      fig({ id: "companion.insertRate", figure: `SQLite store step: records/s (${BATCH}-record sync into 5 years, median of ${REPS})`, value: Math.round(rate), unit: "rec/s", cmp: ">=", targetValue: 50_000, how: "History.insertRecords, one transaction, WAL", note: `${round(perSync)} ms per sync` }),
      fig({ id: "companion.insertRateBulk", figure: "SQLite store step: records/s (10 000 records, median of 5)", value: Math.round(10_000 / (median(big) / 1000)), unit: "rec/s", cmp: ">=", targetValue: 50_000, how: "History.insertRecords" }),
    );
    details.insert = { syncMs: syncs.map((x) => round(x, 3)), bulkMs: big.map((x) => round(x, 2)), historyRows: years.length };

    // ---- `massager report` on five years: only the five years in a fresh data dir
    const rdir = join(dir, "report");
    const rh = openHistory(historyPath(rdir));
    rh.insertRecords(device.id, 1, years, { device });
    rh.close();
    const sink = { write: (_: string) => true, isTTY: false };
    const reportOnce = async () => {
      const t = performance.now();
      const code = await main(["report", "--data-dir", rdir, "--today", TODAY], { stdout: sink, stderr: sink, env: {} });
      const ms = performance.now() - t;
      if (code !== 0) throw new Error(`massager report exited with ${code}`);
      return ms;
    };
    const first = await reportOnce();
    const reports: number[] = [];
    for (let k = 0; k < 11; k++) reports.push(await reportOnce());
    const cli: number[] = [];
    for (let k = 0; k < 5; k++) cli.push(spawnMs(["bin/massager.js", "report", "--data-dir", rdir, "--today", TODAY]));
    figures.push(
      fig({ id: "companion.report", figure: `massager report, ${YEARS} years (${years.length} sessions): median of 11`, value: round(median(reports), 1), unit: "ms", cmp: "<=", targetValue: 100, how: "main(['report']) in process: open, query, figures, text", note: `first run ${round(first, 1)} ms` }),
      fig({ id: "companion.reportCli", figure: `massager report as a command (node start-up included): median of 5`, value: round(median(cli), 1), unit: "ms", how: "spawn node bin/massager.js report" }),
    );
    details.report = { firstMs: round(first, 2), ms: reports.map((x) => round(x, 2)), cliMs: cli.map((x) => round(x, 1)) };

    // ---- start-up: `massager --help` against `node -e 0`, interleaved
    const helpMs: number[] = [];
    const nodeMs: number[] = [];
    spawnMs(["-e", "0"]);
    spawnMs(["bin/massager.js", "--help"]);
    for (let k = 0; k < 15; k++) {
      nodeMs.push(spawnMs(["-e", "0"]));
      helpMs.push(spawnMs(["bin/massager.js", "--help"]));
    }
    const ratio = median(helpMs) / median(nodeMs);
    figures.push(
      fig({ id: "companion.startup", figure: "massager --help start-up ÷ node -e 0 (medians of 15, interleaved)", value: round(ratio), unit: "×", cmp: "<=", targetValue: 3, how: "spawn", note: `${round(median(helpMs), 1)} ms vs ${round(median(nodeMs), 1)} ms` }),
      fig({ id: "companion.startupMs", figure: "massager --help start-up, median", value: round(median(helpMs), 1), unit: "ms", how: "spawn node bin/massager.js --help" }),
      fig({ id: "companion.nodeMs", figure: "node -e 0, median", value: round(median(nodeMs), 1), unit: "ms", how: "spawn" }),
    );
    details.startup = { helpMs: helpMs.map((x) => round(x, 1)), nodeMs: nodeMs.map((x) => round(x, 1)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    figures,
    assumptions: [
      `History: ${YEARS} years of generated daily use (about 86% of days with the 4-minute or 15-minute preset, a calm session twice a week, a few stopped early), rows as sync stores them (20 raw bytes each).`,
      "Records/s: one sync's store step = History.insertRecords of 365 rows in one transaction (WAL, synchronous as configured by the companion) into a file already holding those five years; median over 15 syncs.",
      "Report: main(['report', '--data-dir', …, '--today', …]) in this process, as `massager report` runs it, output discarded; the first run is reported separately in the note.",
    ],
    details,
    problems,
  };
});
