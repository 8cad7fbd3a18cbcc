/**
 * Renders bench/results.json as the Markdown block of bench/README.md (run.mjs calls it after a run
 * of every suite; `node bench/render.mjs` prints it from the last results).
 */
import { readFileSync } from "node:fs";
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

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const here = path.dirname(fileURLToPath(import.meta.url));
  process.stdout.write(renderMarkdown(JSON.parse(readFileSync(path.join(here, "results.json"), "utf8"))) + "\n");
}
