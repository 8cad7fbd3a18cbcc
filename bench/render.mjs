/**
 * Renders bench/results.json as Markdown: the results block of bench/README.md, and the "Measured"
 * table of the project's README (every figure in it comes from the results, none is typed by hand).
 *
 *   node bench/render.mjs            print bench/README.md's block from bench/results.json
 *   node bench/render.mjs --write    rewrite both READMEs' marked sections from bench/results.json
 *
 * `npm run bench -- --write` writes the results and then does the same (run.mjs).
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const fmt = (v, digits) => {
  if (typeof v !== "number") return String(v ?? "");
  if (digits !== undefined) return v.toFixed(digits);
  if (Number.isInteger(v)) return v.toLocaleString("en-US").replace(/,/g, " ");
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);
};
const met = (f) => (f.met === true ? "yes" : f.met === false ? "**no**" : "");

function table(head, rows) {
  return [`| ${head.join(" | ")} |`, `|${head.map((h, i) => (i === 0 ? "---" : "---:")).join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

function figureTable(figures) {
  return table(
    ["figure", "value", "unit", "target", "met?"],
    figures.map((f) => [f.figure + (f.note ? ` — ${f.note}` : ""), fmt(f.value), f.unit, f.target ?? "", met(f)]),
  );
}

function byId(suite) {
  return Object.fromEntries(suite.figures.map((f) => [f.id, f]));
}

function syncSection(s) {
  const f = byId(s);
  const rows = [];
  for (const r of s.details.runs) {
    const id = `sync.p${r.ours.payload}.i${String(r.ours.interval).replace(".", "_")}`;
    rows.push([
      `${r.ours.payload} B`,
      `${r.ours.interval} ms`,
      fmt(r.ours.bytesOnAir),
      fmt(r.json.bytesOnAir),
      `${fmt(f[`${id}.bytesRatio`].value, 2)}× ${met(f[`${id}.bytesRatio`])}`,
      fmt(Math.round(r.ours.linkMs)),
      fmt(Math.round(r.idealMs)),
      `${fmt(f[`${id}.timeRatio`].value, 2)}× ${met(f[`${id}.timeRatio`])}`,
      fmt(Math.round(r.json.linkMs)),
      `${r.ours.dropped} / ${r.ours.gaps}`,
    ]);
  }
  const json = Object.fromEntries(s.details.runs.map((r) => [r.json.payload, r.json.bytesOnAir]));
  const floor = Object.values(s.details.floor)
    .map((r) => `${r.payload} B: ${fmt(r.bytesOnAir)} B on air (JSON lines ÷ ours ${fmt(json[r.payload] / r.bytesOnAir, 2)}×), ${r.txPackets} packets from the device, ${fmt(Math.round(r.linkMs))} ms at 7.5 ms`)
    .join("; ");
  const sens = (s.details.sensitivity ?? [])
    .map((r) => `${r.ppi}/interval @ ${r.interval} ms: ${r.dropped} dropped, ${r.gaps} gaps, ${fmt(Math.round(r.linkMs))} ms`)
    .join("; ");
  return [
    table(
      ["payload", "interval", "ours: bytes on air", "JSON lines: bytes on air", "JSON ÷ ours (≥ 4×)", "ours: link ms", "ideal ms", "ours ÷ ideal (≤ 1.25×)", "JSON lines: link ms", "dropped / gaps"],
      rows,
    ),
    "",
    `Without an overflowing notify queue (same firmware, queue made unbounded) a sync takes: ${floor}.`,
    sens ? `At 20 B with other packets-per-interval figures: ${sens}.` : "",
  ].join("\n");
}

function uploadSection(s) {
  const f = byId(s);
  const rows = [];
  for (const p of [20, 50, 128]) {
    const d = s.details[`p${p}`];
    if (!d) continue;
    rows.push([
      `${p} B`,
      `${fmt(d.ours.bytesOnAir)} (${d.ours.packets} pkts, ${d.ours.exchanges} round trips)`,
      `${fmt(d.appLoader.bytesOnAir)} (${d.appLoader.packets} pkts, ${d.appLoader.exchangeCount} round trips)`,
      `${fmt(f[`upload.p${p}.bytesRatio`].value, 2)}×`,
      [7.5, 15, 30].map((i) => fmt(Math.round(d.linkMs[i].ours))).join(" / "),
      [7.5, 15, 30].map((i) => fmt(Math.round(d.linkMs[i].appLoader))).join(" / "),
    ]);
  }
  return table(["payload", "ours: bytes on air", "App Loader: bytes on air", "App Loader ÷ ours", "ours: link ms @ 7.5 / 15 / 30 ms", "App Loader: link ms @ 7.5 / 15 / 30 ms"], rows);
}

function cpuSection(s) {
  const rows = [];
  for (const k of Object.keys(s.details).filter((k) => k.startsWith("preset"))) {
    const d = s.details[k];
    const r = d.perSecond;
    rows.push([d.name, fmt(d.seconds), fmt(r.wakeupsPerS, 2), fmt(r.timerCallbacksPerS, 2), fmt(r.motorCallsPerS, 2), fmt(r.ledCallsPerS, 3), fmt(r.idleWakeupsPerS, 2)]);
  }
  const idle = s.figures.filter((f) => f.id.startsWith("cpu.idle"));
  return [
    table(["session", "s", "wake-ups/s", "timer callbacks/s", "motor writes/s", "LED writes/s", "wake-ups changing nothing/s"], rows),
    "",
    figureTable(idle),
  ].join("\n");
}

export function renderMarkdown(results) {
  const out = [];
  out.push(`Produced by \`${results.command}\` on ${results.generatedAt.slice(0, 10)} (Node ${results.node}, ${results.platform}): ${results.summary.met} of ${results.summary.targets} targets met, ${results.summary.figures} figures in [results.json](results.json).`);
  const lm = results.linkModel;
  if (lm) {
    out.push("");
    out.push(`Link model: **${lm.packetsPerInterval} packets per connection interval** each way; bytes on air = ${lm.bytesOnAir}; an ${lm.notifyQueuePackets}-packet notify queue that drops when full. Sources for the packets per interval:`);
    for (const src of lm.packetsPerIntervalSources) out.push(`- ${src}`);
  }
  for (const s of results.suites) {
    out.push("", `### ${s.suite}`, "");
    if (s.suite === "sync" && s.details?.runs) out.push(syncSection(s));
    else if (s.suite === "upload" && s.details?.p20) out.push(uploadSection(s));
    else if (s.suite === "cpu" && s.details?.preset0) out.push(cpuSection(s));
    else out.push(figureTable(s.figures));
    if (s.skipped) out.push(`Skipped: ${s.skipped}`);
    for (const p of s.problems ?? []) out.push(`\n> ${p}`);
    if (s.assumptions?.length) {
      out.push("");
      for (const a of s.assumptions) out.push(`- ${a}`);
    }
  }
  return out.join("\n").replace(/\n{3,}/g, "\n\n");
}

// ------------------------------------------------------------------ the README's table

const KB = 1024;
/** Bytes as a person reads them: "15.6 KB (15,997 B)"; KB is 1,024 B throughout. */
const kb = (b, exact = false) => `${(b / KB).toFixed(1)} KB${exact ? ` (${b.toLocaleString("en-US")} B)` : ""}`;
/** "≤ 12288" (bytes) → "≤ 12 KB". */
const kbTarget = (t) => t.replace(/(\d+)/, (n) => `${+(Number(n) / KB).toFixed(1)} KB`);
const times = (x) => `${x.toFixed(2).replace(/0$/, "")}×`;
const thousands = (x) => Math.round(x).toLocaleString("en-US");
const verdict = (f) => (f.met === false ? " — **missed**" : "");

/**
 * The README's "Measured" table and the sentence on the bundle, from the results: each row names the
 * figures (results.json `id`s) it is made of.
 */
export function renderReadmeFigures(results) {
  const all = Object.fromEntries(results.figures.map((f) => [f.id, f]));
  const need = (id) => {
    if (!all[id]) throw new Error(`bench/results.json has no figure "${id}"; run \`npm run bench -- --write\``);
    return all[id];
  };
  const v = (id) => need(id).value;
  const ratios = (suffix) => results.figures.filter((f) => f.id.startsWith("sync.") && f.id.endsWith(suffix)).map((f) => f.value);
  const span = (xs, fmt) => (Math.min(...xs) === Math.max(...xs) ? fmt(xs[0]) : `${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))}`);
  const bundle = need("flash.bundle");
  const sum = need("flash.sum");
  const rows = [
    ["firmware bundle (`dist/firmware.js`, pretokenised as flashed)", kb(bundle.value, true), kbTarget(bundle.target) + verdict(bundle)],
    [
      "bundle + 4 program slots + a year of log + the journal and owner keys, of 40 KB (MDBT42Q)",
      `${kb(sum.value)} (measured after 365 real sessions: ${kb(v("flash.measured.files"))} live)`,
      kbTarget(sum.target) + verdict(sum),
    ],
    [
      "sync 365 records, 20 B payload, 7.5 ms: bytes on air, ours vs JSON lines over the UART",
      `${kb(v("sync.p20.i7_5.bytes"))} vs ${kb(v("sync.p20.i7_5.bytesJson"))} (${times(v("sync.p20.i7_5.bytesRatio"))} fewer)`,
      `${need("sync.p20.i7_5.bytesRatio").target}×`,
    ],
    ["…same at 50 B / 128 B", `${times(v("sync.p50.i7_5.bytesRatio"))} / ${times(v("sync.p128.i7_5.bytesRatio"))} fewer`, `${need("sync.p50.i7_5.bytesRatio").target}×`],
    [
      "sync link time ÷ the time the link needs to carry our bytes, 20/50/128 B at 7.5–30 ms",
      `${span(ratios(".timeRatio"), times)} (20 B, 7.5 ms: ${(v("sync.p20.i7_5.time") / 1000).toFixed(2)} s vs ${(v("sync.p20.i7_5.timeJson") / 1000).toFixed(1)} s for JSON lines)`,
      `${need("sync.p20.i7_5.timeRatio").target}×`,
    ],
    [
      "upload of the largest program, bytes on air vs the App Loader's `Storage.write`, 20 B",
      `${kb(v("upload.p20.bytes"))} vs ${kb(v("upload.p20.bytesAppLoader"))} (${times(v("upload.p20.bytesRatio"))}); ${thousands(v("upload.p20.time"))} vs ${thousands(v("upload.p20.timeAppLoader"))} ms`,
      "—",
    ],
    [
      "SQLite store step of a sync",
      `${span([v("companion.insertRate"), v("companion.insertRateBulk")], thousands)} records/s`,
      `${need("companion.insertRate").target.replace(/(\d+)/, (n) => thousands(+n))}/s`,
    ],
    ["`massager report` on five years of history", `${v("companion.report").toFixed(1)} ms`, `${need("companion.report").target} ms`],
    ["`massager --help` start-up ÷ `node -e 0`", times(v("companion.startup")), `${need("companion.startup").target}×`],
    ["firmware wake-ups: idle / during \"Daily 4 min\"", `${v("cpu.idle.wakeups")} / ${v("cpu.p0.wakeups").toFixed(1)} per second`, "idle 0"],
    ...ramRows(all),
    ...(all["web.gzip"]
      ? [[
          "the browser page (`massager web`): its files, gzipped / IndexedDB store step / its report on five years",
          `${kb(v("web.gzip"))} / ${thousands(v("web.insertRate"))} records/s / ${v("web.report").toFixed(1)} ms`,
          `report ${need("web.report").target} ms${verdict(need("web.report"))}`,
        ]]
      : []),
  ];
  const spare = (36 * KB - sum.value) / KB;
  return [
    `Every figure below comes from one run of \`${results.command}\` on ${results.generatedAt.slice(0, 10)} (${results.platform}, Node ${results.node}). ` +
      `The table is generated from [bench/results.json](bench/results.json), which holds all ${results.summary.figures} figures ` +
      `(\`npm run bench -- --write\` measures and rewrites both; \`node bench/render.mjs --write\` only rewrites the table); ` +
      `[bench/README.md](bench/README.md) says how each is measured. KB is 1,024 B.` +
      (results.linkModel
        ? ` Link figures are virtual time on the link model: ${results.linkModel.packetsPerInterval} packets per connection interval, bytes on air = ${results.linkModel.bytesOnAir}.`
        : ""),
    "",
    table(["figure", "measured", "target"], rows).replace(/\|---:\|---:\|$/m, "|---|---|"),
    "",
    `The bundle ${bundle.met === false ? "misses" : "meets"} its ${kbTarget(bundle.target).replace("≤ ", "")} target at ${kb(bundle.value)}; ` +
      `bundle plus every file of a year fits the ${kbTarget(sum.target).replace("≤ ", "")} flash target with ${spare.toFixed(1)} KB to spare.`,
  ].join("\n");
}

/**
 * The firmware's RAM on the real interpreter (the `ram` suite), or one row saying it was not measured
 * (no ESPRUINO_BIN when the results were written).
 * @param {Record<string, any>} all
 */
function ramRows(all) {
  const boot = all["ram.boot"];
  if (!boot) return [["firmware RAM on the real interpreter", "not measured (the bench ran without `ESPRUINO_BIN`)", "≤ 900 / ≤ 1,300 variables"]];
  const peaks = ["ram.sync128", "ram.ownerSync128", "ram.upload", "ram.sessionLargest"].map((id) => all[id]);
  const missed = peaks.some((f) => f && f.met === false) ? " — **missed**" : "";
  return [
    ["firmware RAM on the real interpreter (Puck.js pool of 2,630), after boot", `${thousands(boot.value)} variables`, `≤ 900${verdict(boot)}`],
    [
      "…at the peak of a sync of 128 records (plain / an owner's, signed) / an upload and commit of the largest program / a session of it",
      `${peaks.map((f) => (f ? thousands(f.value) : "—")).join(" / ")} variables`,
      `≤ 1,300${missed}`,
    ],
  ];
}

/** Replaces the text between `<!-- NAME:start -->` and `<!-- NAME:end -->`; an error when the markers are missing. */
export function replaceSection(text, name, content) {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`the markers ${start} … ${end} are missing`);
  return text.slice(0, a + start.length) + "\n" + content + "\n" + text.slice(b);
}

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** Rewrites bench/README.md's results and the README's figures from bench/results.json. */
export function writeReadmes() {
  const results = JSON.parse(readFileSync(path.join(HERE, "results.json"), "utf8"));
  const files = [
    [path.join(HERE, "README.md"), "results", renderMarkdown(results)],
    [path.join(HERE, "..", "README.md"), "figures", renderReadmeFigures(results)],
  ];
  for (const [file, name, content] of files) writeFileSync(file, replaceSection(readFileSync(file, "utf8"), name, content));
  return files.map(([f]) => f);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes("--write")) for (const f of writeReadmes()) process.stderr.write(`bench: updated ${path.relative(process.cwd(), f)}\n`);
  else process.stdout.write(renderMarkdown(JSON.parse(readFileSync(path.join(HERE, "results.json"), "utf8"))) + "\n");
}
