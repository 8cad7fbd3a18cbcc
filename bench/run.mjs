#!/usr/bin/env node
/**
 * `npm run bench` (after `npm run build`): bundles the benchmark suites in bench/src with esbuild
 * (TypeScript, importing companion/, shared/ and the test helpers) into bench/.out, runs each in
 * its own Node process one after another (so one suite's garbage never lands in another's
 * timings), prints one table of every figure with its target, and writes bench/.out/results.json.
 * Tracked files change only when asked: with --write the results go to bench/results.json and the
 * READMEs' figures are generated from them (render.mjs).
 *
 *   node bench/run.mjs                 every suite
 *   node bench/run.mjs sync upload     only these suites
 *   npm run bench -- --write           every suite, then bench/results.json, bench/README.md, README.md
 *
 * Benchmarks are never part of `npm test`.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import esbuild from "esbuild";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..");
const OUT = path.join(HERE, ".out");
const PREFIX = "@@BENCH_RESULT@@";
// flash first: it writes the year of logs that the sync suite reads
const SUITES = ["flash", "sync", "upload", "companion", "cpu", "ram", "web"];

const write = process.argv.includes("--write");
const unknown = process.argv.slice(2).filter((a) => a.startsWith("-") && a !== "--write");
if (unknown.length) fail(`unknown option ${unknown[0]}; the only one is --write (rewrite bench/results.json and the READMEs)`);
const wanted = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const suites = wanted.length ? SUITES.filter((s) => wanted.includes(s)) : SUITES;
for (const w of wanted) if (!SUITES.includes(w)) fail(`unknown suite "${w}"; the suites are ${SUITES.join(", ")}`);
for (const f of ["dist/firmware.js", "dist/massager.js", "dist/web/app.js"])
  if (!existsSync(path.join(ROOT, f))) fail(`${f} is missing; run \`npm run build\` first (\`npm run bench\` does)`);

mkdirSync(OUT, { recursive: true });
const t0 = performance.now();
await esbuild.build({
  entryPoints: suites.map((s) => path.join(HERE, "src", `${s}.ts`)),
  outdir: OUT,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: "inline",
  logLevel: "warning",
});

const results = [];
for (const s of suites) {
  const t = performance.now();
  process.stderr.write(`bench: ${s} …`);
  const r = spawnSync(process.execPath, [path.join(OUT, `${s}.mjs`)], { cwd: ROOT, encoding: "utf8", maxBuffer: 64 << 20 });
  const line = (r.stdout || "").split("\n").reverse().find((l) => l.startsWith(PREFIX));
  let res;
  try {
    res = line ? JSON.parse(line.slice(PREFIX.length)) : undefined;
  } catch {
    res = undefined;
  }
  if (!res) {
    res = { suite: s, figures: [], problems: [`the ${s} suite printed no result (exit ${r.status}): ${(r.stderr || "").trim().split("\n").slice(-5).join(" | ")}`] };
  } else if (r.status !== 0 && r.stderr) {
    res.problems = [...(res.problems ?? []), (r.stderr || "").trim().split("\n").slice(-5).join(" | ")];
  }
  results.push(res);
  process.stderr.write(` ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
}

// ---- the table
const rows = [];
for (const r of results) for (const f of r.figures) rows.push(f);
const fmt = (v) => (typeof v !== "number" ? String(v) : Number.isInteger(v) ? String(v) : Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));
const cells = rows.map((f) => [f.figure, fmt(f.value), f.unit, f.target ?? "", f.met === true ? "yes" : f.met === false ? "NO" : ""]);
const head = ["figure", "value", "unit", "target", "met?"];
const width = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
const line = (c) => c.map((x, i) => (i === 1 ? x.padStart(width[i]) : x.padEnd(width[i]))).join("  ").trimEnd();
let out = "";
for (const r of results) {
  out += `\n${r.suite}\n`;
  out += line(head) + "\n" + line(width.map((w) => "-".repeat(w))) + "\n";
  for (const f of r.figures) out += line(cells[rows.indexOf(f)]) + "\n";
  for (const p of r.problems ?? []) out += `  ! ${p}\n`;
  if (r.skipped) out += `  skipped: ${r.skipped}\n`;
}
const checked = rows.filter((f) => f.met !== null && f.met !== undefined);
const met = checked.filter((f) => f.met).length;
out += `\n${met} of ${checked.length} targets met; ${rows.length} figures in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`;
process.stdout.write(out);

// ---- results.json (bench/.out's, or with --write the tracked one): merged with earlier results for suites not run this time
const tracked = path.join(HERE, "results.json");
const file = write ? tracked : path.join(OUT, "results.json");
let previous = {};
const earlier = existsSync(file) ? file : tracked;
if (wanted.length && existsSync(earlier)) {
  try {
    previous = JSON.parse(readFileSync(earlier, "utf8"));
  } catch {
    previous = {};
  }
}
const bySuite = Object.fromEntries((previous.suites ?? []).map((s) => [s.suite, s]));
for (const r of results) bySuite[r.suite] = r;
const all = SUITES.filter((s) => bySuite[s]).map((s) => bySuite[s]);
const figures = all.flatMap((s) => s.figures.map((f) => ({ suite: s.suite, ...f })));
writeFileSync(
  file,
  JSON.stringify(
    {
      command: "npm run bench",
      generatedAt: new Date().toISOString(),
      node: process.version,
      platform: `${os.platform()} ${os.arch()}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "?"})`,
      summary: { figures: figures.length, targets: figures.filter((f) => f.met !== null && f.met !== undefined).length, met: figures.filter((f) => f.met === true).length },
      linkModel: all.find((s) => s.linkModel)?.linkModel,
      figures,
      suites: all,
    },
    null,
    2,
  ) + "\n",
);
process.stderr.write(`bench: wrote ${path.relative(process.cwd(), file)}\n`);

// ---- the READMEs' figures, from the tracked results (--write only)
if (write) {
  const { writeReadmes } = await import("./render.mjs");
  for (const f of writeReadmes()) process.stderr.write(`bench: updated ${path.relative(process.cwd(), f)}\n`);
} else {
  process.stderr.write("bench: tracked files left as they are; `npm run bench -- --write` updates bench/results.json and the READMEs\n");
}

// a suite that crashed is a failed run, and so is a missed budget (a figure marked hard); other
// unmet targets are results, not failures
const missed = rows.filter((f) => f.hard && f.met === false);
for (const f of missed) process.stderr.write(`bench: budget missed: ${f.figure}: ${fmt(f.value)} ${f.unit}, target ${f.target}\n`);
process.exitCode = results.some((r) => !r.figures.length && !r.skipped) || missed.length ? 1 : 0;

function fail(msg) {
  process.stderr.write(`bench: ${msg}\n`);
  process.exit(2);
}
