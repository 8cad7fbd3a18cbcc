/**
 * The browser page: its size as served (dist/web, minified; gzip as a server would send it), and in
 * headless Chromium the page's own IndexedDB history — the records per second of a sync's store
 * step (one transaction, strict durability, into a history holding five years) — and the report
 * panel's work on those five years (read every session, each once, the figures). Timings are medians.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";
import { serveWeb } from "../../companion/cli/commands/web";
import chromium from "@sparticuz/chromium";
import { chromium as playwright } from "playwright-core";
import type { StoreBench, WireRow } from "./browser/store-bench";
import { DAY, TODAY, TODAY_UNIX, YEARS, history, row } from "./five-years";
import { type Figure, ROOT, fig, median, round, runSuite } from "./lib";

/** Headless Chromium from the npm package, one process per context as the browser tests run it (bench may not import tests). */
async function headless() {
  const args = chromium.args.filter((a) => a !== "--single-process").concat("--disable-background-networking", "--no-first-run");
  return playwright.launch({ executablePath: await chromium.executablePath(), args, headless: true });
}

const wire = (rows: ReturnType<typeof history>): WireRow[] => rows.map((r) => ({ ...r, raw: [...r.raw] }));

runSuite("web", async () => {
  const figures: Figure[] = [];
  const problems: string[] = [];
  const dir = join(ROOT, "dist", "web");
  const files = readdirSync(dir).sort();
  const bytes = (f: string) => readFileSync(join(dir, f));
  const total = files.reduce((n, f) => n + bytes(f).length, 0);
  const gzipped = files.reduce((n, f) => n + gzipSync(bytes(f), { level: 9 }).length, 0);
  figures.push(
    fig({ id: "web.appJs", figure: "page script (dist/web/app.js, minified)", value: bytes("app.js").length, unit: "B", how: "npm run build (esbuild, the engines it shares with the CLI)" }),
    fig({ id: "web.total", figure: `page as served (${files.join(", ")})`, value: total, unit: "B", how: "file sizes" }),
    fig({ id: "web.gzip", figure: "page as served, gzip -9", value: gzipped, unit: "B", how: "zlib, each file" }),
  );

  const script = (await esbuild.build({
    entryPoints: [join(ROOT, "bench", "src", "browser", "store-bench.ts")], bundle: true, write: false, format: "iife", platform: "browser", target: "chrome100", logLevel: "silent",
  })).outputFiles[0].text;
  const [browser, server] = await Promise.all([headless(), serveWeb(dir, { port: 0 })]);
  const details: Record<string, unknown> = {};
  try {
    const page = await (await browser.newContext({ timezoneId: "UTC" })).newPage();
    await page.addInitScript({ content: script });
    await page.goto(server.url);
    type Win = { massagerBench: StoreBench };
    await page.evaluate(() => (window as unknown as Win).massagerBench.open("bench"));
    const years = history(YEARS);
    const base = await page.evaluate(([rows]) => (window as unknown as Win).massagerBench.insert("bench-device", rows), [wire(years)] as const);
    if (base.stored !== years.length) problems.push(`the five years stored ${base.stored} of ${years.length} rows`);

    const REPS = 15;
    const BATCH = 365;
    const syncs: number[] = [];
    for (let k = 0; k < REPS; k++) {
      const seq0 = years[years.length - 1].seq + k * BATCH;
      const batch = Array.from({ length: BATCH }, (_, i) => row(seq0 + i + 1, TODAY_UNIX + (k * BATCH + i) * DAY, 0, false, 80));
      const r = await page.evaluate(([id, rows]) => (window as unknown as Win).massagerBench.insert(id, rows), [`bench-sync-${k % 3}`, wire(batch)] as const);
      if (r.stored !== BATCH) problems.push(`insertRecords stored ${r.stored} of ${BATCH}`);
      syncs.push(r.ms);
    }
    const reports: number[] = [];
    let sessions = 0;
    for (let k = 0; k < 11; k++) {
      const r = await page.evaluate((today) => (window as unknown as Win).massagerBench.report(today), TODAY);
      reports.push(r.ms);
      sessions = r.sessions;
    }
    const perSync = median(syncs);
    figures.push(
      fig({ id: "web.insertRate", figure: `IndexedDB store step: records/s (${BATCH}-record sync into 5 years, median of ${REPS})`, value: Math.round(BATCH / (perSync / 1000)), unit: "rec/s", how: "BrowserHistory.insertRecords in headless Chromium, one transaction, strict durability", note: `${round(perSync, 1)} ms per sync; the five years (${years.length} rows) in ${round(base.ms)} ms` }),
      fig({ id: "web.report", figure: `the page's report on ${years.length + REPS * BATCH} rows (${sessions} sessions up to today): median of 11`, value: round(median(reports), 1), unit: "ms", cmp: "<=", targetValue: 100, how: "BrowserHistory.sessions, oneEach, computeReport in headless Chromium" }),
    );
    details.insertMs = syncs.map((x) => round(x, 2));
    details.reportMs = reports.map((x) => round(x, 2));
  } finally {
    await browser.close();
    await server.close();
  }
  return {
    figures,
    assumptions: [
      "Size: the files `npm run build` writes to dist/web, as `massager web` serves them; gzip at level 9, each file, as a server compressing its answers would send them (massager web sends them as they are).",
      "IndexedDB: headless Chromium from @sparticuz/chromium on this machine (a desktop CPU, not a phone's); the page's BrowserHistory, the same code the page runs, in a database of its own.",
    ],
    details,
    problems,
  };
});
