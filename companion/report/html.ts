import { Report, REGION_KEYS, DaySeries } from "./figures";
import { weekday, parseDate } from "./days";

/*
 * The report as one self-contained HTML page: inline CSS and SVG, no scripts, no external assets.
 * Charts carry ids and classes a test (or a stylesheet) can find:
 *   svg#heatmap rect.day    one per day of the last 26 weeks (data-date, data-minutes), level class l0..l4
 *   svg#weekly  rect.bar    one per ISO week (data-week, data-sessions), class "meets" when >= 2
 *               line.protocol the twice-weekly line
 *   svg#regions rect.region one per scalp region (data-region, data-minutes)
 *   dl#figures              the key figures; p.note the honest note; section#cue the cue figure
 */

const esc = (s: string | number) =>
  String(s).replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);
const pct = (x: number) => `${Math.round(x * 100)}%`;
const num = (x: number) => (Math.round(x * 10) / 10).toString();

/** Heat-map level of a day: 0 none, 1 under 4 min, 2 4 to under 11, 3 11-20, 4 above 20. */
function dayLevel(minutes: number): number {
  if (!(minutes > 0)) return 0;
  if (minutes < 4) return 1;
  if (minutes < 11) return 2;
  if (minutes <= 20) return 3;
  return 4;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const CELL = 13;
const GAP = 3;
const STEP = CELL + GAP;

function heatmap(days: DaySeries[]): string {
  const left = 30;
  const top = 18;
  const first = parseDate(days[0].date)!;
  const cols = Math.ceil((days.length + weekday(first)) / 7);
  const width = left + cols * STEP;
  const height = top + 7 * STEP + 4;
  const parts: string[] = [];
  const names = ["Mon", "", "Wed", "", "Fri", "", "Sun"];
  names.forEach((n, i) => n && parts.push(`<text x="0" y="${top + i * STEP + CELL - 2}" class="axis">${n}</text>`));
  let lastMonth = "";
  days.forEach((d, i) => {
    const k = weekday(first) + i;
    const col = Math.floor(k / 7);
    const row = k % 7;
    const x = left + col * STEP;
    const y = top + row * STEP;
    const month = d.date.slice(0, 7);
    if (row === 0 && month !== lastMonth) {
      const name = MONTHS[+month.slice(5) - 1];
      parts.push(`<text x="${x}" y="11" class="axis">${lastMonth && name !== "Jan" ? name : name + " " + month.slice(0, 4)}</text>`);
      lastMonth = month;
    }
    parts.push(
      `<rect class="day l${dayLevel(d.minutes)}" x="${x}" y="${y}" width="${CELL}" height="${CELL}" rx="2" ` +
        `data-date="${d.date}" data-minutes="${d.minutes}"><title>${d.date}: ${num(d.minutes)} min, ${d.sessions} session${d.sessions === 1 ? "" : "s"}</title></rect>`,
    );
  });
  return (
    `<svg id="heatmap" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `role="img" aria-label="Minutes per day, last 26 weeks">${parts.join("")}</svg>`
  );
}

function legend(): string {
  const labels = ["none", "under 4 min", "4 to 11 min", "11–20 min", "over 20 min"];
  return (
    `<svg id="legend" xmlns="http://www.w3.org/2000/svg" width="520" height="18" viewBox="0 0 520 18">` +
    labels
      .map((l, i) => `<rect class="key l${i}" x="${i * 104}" y="2" width="${CELL}" height="${CELL}" rx="2"/><text x="${i * 104 + 18}" y="13" class="axis">${l}</text>`)
      .join("") +
    `</svg>`
  );
}

function weekly(r: Report): string {
  const weeks = r.series.weeks;
  const target = r.twiceWeekly.sessionsPerWeek;
  const max = Math.max(target + 2, ...weeks.map((w) => w.sessions));
  const left = 28;
  const top = 10;
  const plotH = 140;
  const bw = 16;
  const gap = 6;
  const width = left + weeks.length * (bw + gap) + 4;
  const outer = width + 60;
  const height = top + plotH + 24;
  const y = (v: number) => top + plotH - (v / max) * plotH;
  const parts: string[] = [];
  for (let v = 0; v <= max; v += max > 10 ? 5 : 1) {
    parts.push(`<line class="grid" x1="${left}" x2="${width}" y1="${y(v)}" y2="${y(v)}"/><text class="axis" x="0" y="${y(v) + 4}">${v}</text>`);
  }
  weeks.forEach((w, i) => {
    const x = left + i * (bw + gap) + gap / 2;
    const h = (w.sessions / max) * plotH;
    const meets = w.sessions >= target;
    parts.push(
      `<rect class="bar${meets ? " meets" : ""}" x="${x}" y="${y(w.sessions)}" width="${bw}" height="${h}" ` +
        `data-week="${w.week}" data-sessions="${w.sessions}"><title>${w.week} (from ${w.start}): ${w.sessions} session${w.sessions === 1 ? "" : "s"}, ${num(w.minutes)} min</title></rect>`,
    );
    if (i % 4 === 0) parts.push(`<text class="axis" x="${x}" y="${top + plotH + 16}">${w.start.slice(5)}</text>`);
  });
  parts.push(
    `<line class="protocol" x1="${left}" x2="${width}" y1="${y(target)}" y2="${y(target)}"><title>protocol: ${target} sessions a week</title></line>`,
    `<text class="protocol-label" x="${width + 4}" y="${y(target) + 4}">${target} a week</text>`,
  );
  return (
    `<svg id="weekly" xmlns="http://www.w3.org/2000/svg" width="${outer}" height="${height}" viewBox="0 0 ${outer} ${height}" ` +
    `role="img" aria-label="Sessions per ISO week against the twice-weekly protocol">${parts.join("")}</svg>`
  );
}

function regions(r: Report): string {
  const all = r.regions.allTime;
  const max = Math.max(all.front, all.crown, all.back, 1);
  const left = 60;
  const barMax = 360;
  const width = left + barMax + 90;
  const height = REGION_KEYS.length * 30 + 6;
  const parts = REGION_KEYS.map((k, i) => {
    const y = 6 + i * 30;
    const w = (all[k] / max) * barMax;
    return (
      `<text class="axis" x="0" y="${y + 15}">${k}</text>` +
      `<rect class="region ${k}" x="${left}" y="${y}" width="${w}" height="20" rx="3" data-region="${k}" data-minutes="${all[k]}">` +
      `<title>${k}: ${num(all[k])} min</title></rect>` +
      `<text class="value" x="${left + w + 6}" y="${y + 15}">${num(all[k])} min</text>`
    );
  });
  return (
    `<svg id="regions" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `role="img" aria-label="Minutes per scalp region">${parts.join("")}</svg>`
  );
}

function figures(r: Report): string {
  const d4 = r.daily4Min;
  const tw = r.twiceWeekly;
  const rows: [string, string][] = [
    ["Today", `${num(r.today.minutes)} min in ${r.today.sessions} session${r.today.sessions === 1 ? "" : "s"}`],
    ["Last 7 days", `${num(r.last7Days.minutesPerDay)} min a day · ${r.last7Days.daysMeeting4Min} of 7 days ≥ 4 min`],
    ["Last 30 days", `${num(r.last30Days.minutesPerDay)} min a day · ${r.last30Days.daysMeeting4Min} of 30 days ≥ 4 min`],
    ["Days in a row ≥ 4 min", `${d4.currentStreakDays} now · longest ${d4.longestStreakDays}`],
    [
      "24-week course",
      d4.course
        ? `${d4.course.complete ? "complete" : `week ${d4.course.week} of ${d4.course.weeks}`} · adherence ${pct(d4.course.adherence)} (${d4.course.daysMeeting} of ${d4.course.daysElapsed} days)`
        : "not started",
    ],
    ["Days in 11–20 min", `${r.daily11to20.daysInRange} of ${d4.daysElapsed} days (${pct(r.daily11to20.share)})`],
    ["Twice a week", `${tw.currentWeek.sessions} this week · ${tw.weeksMeeting} of ${tw.weeksElapsed} weeks met (${pct(tw.share)})`],
    [r.reachedEveryRegion.name, `${pct(r.reachedEveryRegion.share)} of ${r.reachedEveryRegion.sessionsWithKnownPlan} preset sessions`],
  ];
  return `<dl id="figures">${rows.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${esc(v)}</dd></div>`).join("")}</dl>`;
}

const CSS = `
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1d2330;background:#fbfbfd}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.1rem;margin:2rem 0 .5rem}
.note{background:#fff7e0;border-left:4px solid #e0a800;padding:.6rem .9rem;margin:1rem 0}
.study{color:#5a6272;font-size:.9rem;margin:.2rem 0}
#figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(14rem,1fr));gap:.6rem;margin:1rem 0}
#figures div{background:#fff;border:1px solid #e2e5ec;border-radius:8px;padding:.6rem .8rem}
#figures dt{font-size:.8rem;color:#5a6272}#figures dd{margin:0;font-weight:600}
svg{display:block;max-width:100%;height:auto;overflow:visible}
.axis,.value{font-size:10px;fill:#5a6272}.value{font-size:12px}
rect.l0{fill:#e6e8ee}rect.l1{fill:#c6e4d2}rect.l2{fill:#7cc79a}rect.l3{fill:#2f9e5e}rect.l4{fill:#17663a}
rect.bar{fill:#b9c3d6}rect.bar.meets{fill:#2f9e5e}line.protocol{stroke:#d9480f;stroke-width:2;stroke-dasharray:5 3}
line.grid{stroke:#eceef3}.protocol-label{font-size:11px;fill:#d9480f}rect.region{fill:#4a78c2}
.meaning{color:#3b4252}footer{margin-top:2rem;color:#5a6272;font-size:.85rem}
`;

export function renderHtml(r: Report): string {
  const body: string[] = [];
  body.push(`<h1>Scalp massage report</h1>`);
  body.push(`<p>For ${esc(r.today.date)} · days counted in ${esc(r.timeZone)} · ${r.sessions.total} sessions since ${esc(r.sessions.firstDate || "—")}</p>`);
  body.push(`<p class="note">${esc(r.note)}</p>`);
  body.push(figures(r));
  body.push(`<h2>Minutes per day, last 26 weeks</h2>`);
  body.push(`<p class="study">${esc(r.daily4Min.study)}</p><p class="study">${esc(r.daily11to20.study)}</p>`);
  body.push(heatmap(r.series.days));
  body.push(legend());
  body.push(`<h2>Sessions per week against twice a week</h2>`);
  body.push(`<p class="study">${esc(r.twiceWeekly.study)}</p>`);
  body.push(weekly(r));
  body.push(`<h2>Minutes per scalp region</h2>`);
  body.push(`<p class="study">All time. Front: hairline and temples; crown; back: occiput and nape.</p>`);
  body.push(regions(r));
  body.push(
    `<section id="cue"><h2>${esc(r.reachedEveryRegion.name)}: ${pct(r.reachedEveryRegion.share)}</h2>` +
      `<p class="meaning">${esc(r.reachedEveryRegion.meaning)}</p></section>`,
  );
  body.push(`<footer>Made by <code>massager report --html</code>. ${esc(r.note)}</footer>`);
  return (
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>Scalp massage report ${esc(r.today.date)}</title><style>${CSS}</style></head>` +
    `<body>${body.join("\n")}</body></html>\n`
  );
}
