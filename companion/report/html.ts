import { type DaySeries, type Report, REGION_KEYS, type Stated, reportNotes } from "./figures";
import { parseDate, weekday } from "./days";
import { plural } from "../words";

/*
 * The report as one self-contained HTML page a person opens every week: inline CSS, no scripts, no
 * external assets. The charts are HTML laid out by CSS grid, so they fill the page's width and their
 * text stays readable from a phone (390 px) to a desktop; every day, week and region shows its
 * values on hover, and on a tap (they take focus). What a test (or a stylesheet) can find:
 *   #glance .card                   the four figures of the week at a glance
 *   #heatmap .day                   one per day of the last 26 weeks (data-date, data-minutes), level class l0..l4, .today
 *   #weekly .week                   one per ISO week (data-week, data-sessions: long enough), class "meets", .current
 *     .bar.counted / .bar.shorter   its sessions long enough for the protocol, and the shorter ones
 *     .goal                         the twice-weekly line
 *   #regions .region                one per scalp region (data-region, data-minutes), its .bar's width ∝ minutes
 *   .protocol                       one per protocol: its figures, `.rule` and `.source`
 *   p.note                          the honest note (once); #notes the notes on the figures; #cue the cue figure
 */

const esc = (s: string | number) =>
  String(s).replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);
const pct = (x: number) => `${Math.round(x * 100)}%`;
const num = (x: number) => (Math.round(x * 10) / 10).toString();
const min = (x: number) => `${num(x)} min`;

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/** "Wed 25 Nov" (with the year: "Wed 25 Nov 2026") of a YYYY-MM-DD date. */
function dayLabel(date: string, year = false): string {
  const d = parseDate(date)!;
  return `${WEEKDAYS[weekday(d)]} ${+date.slice(8)} ${MONTHS[+date.slice(5, 7) - 1]}${year ? ` ${date.slice(0, 4)}` : ""}`;
}

/** Heat-map level of a day, by the protocols' rules: 0 none, 1 no 4-minute session, 2 a 4-minute day, 3 in 11-20, 4 above 20. */
function dayLevel(d: DaySeries): number {
  if (!(d.minutes > 0)) return 0;
  if (!d.meets_4_min) return 1;
  if (d.in_11_to_20) return 3;
  return d.above_20 ? 4 : 2;
}
const LEVELS = ["no session", "short sessions only", "a 4-minute session", "11–20 min", "over 20 min"];

/** Tooltip position class for the columns at the edges (the tip would leave the page). */
const edge = (i: number, n: number) => (i < 3 ? " edge-l" : i >= n - 3 ? " edge-r" : "");

function glance(r: Report): string {
  const d4 = r.daily_4_min;
  const tw = r.twice_weekly;
  const w30 = r.last_30_days;
  const card = (title: string, big: string, ok: boolean | null, line: string) =>
    `<div class="card${ok === true ? " ok" : ok === false ? " todo" : ""}"><h3>${esc(title)}</h3><p class="big">${big}</p><p>${esc(line)}</p></div>`;
  return (
    `<section id="glance" aria-label="At a glance">` +
    card("Today", esc(min(r.today.minutes)), d4.today_met, d4.today_met ? `a ${d4.minutes_per_day}-minute session: done` : `no ${d4.minutes_per_day}-minute session yet`) +
    card(`Days in a row with ${d4.minutes_per_day} min`, String(d4.current_streak_days), null, `longest ${plural(d4.longest_streak_days, "day")}${d4.longest_streak_end ? `, to ${dayLabel(d4.longest_streak_end)}` : ""}`) +
    card(
      "This week",
      `${tw.current_week.sessions} <small>of ${tw.sessions_per_week}</small>`,
      tw.current_week.meets,
      `sessions of ${tw.session_minutes} min or more${tw.current_week.shorter_sessions ? ` (${plural(tw.current_week.shorter_sessions, "shorter one")} not counted)` : ""}`,
    ) +
    card("Last 30 days", `${esc(num(w30.minutes_per_day))} <small>min a day</small>`, null, `${w30.days_meeting_4_min} of 30 days with a ${d4.minutes_per_day}-minute session`) +
    `</section>`
  );
}

function heatmap(r: Report): string {
  const days = r.series.days;
  const first = parseDate(days[0].date)!;
  const cols = Math.ceil((days.length + weekday(first)) / 7);
  const parts: string[] = [];
  // month names above the first column of each month
  let lastMonth = "";
  days.forEach((d, i) => {
    const k = weekday(first) + i;
    if (k % 7 !== 0 || d.date.slice(0, 7) === lastMonth) return;
    lastMonth = d.date.slice(0, 7);
    parts.push(`<span class="month" style="grid-area:1/${2 + Math.floor(k / 7)}/2/span 3">${MONTHS[+d.date.slice(5, 7) - 1]}</span>`);
  });
  // a label cell in every row (empty ones too): the column stays over the days scrolled under it
  ["Mon", "", "Wed", "", "Fri", "", "Sun"].forEach((n, row) => parts.push(`<span class="wd" style="grid-area:${2 + row}/1">${n}</span>`));
  days.forEach((d, i) => {
    const k = weekday(first) + i;
    const col = Math.floor(k / 7);
    const today = i === days.length - 1;
    const tip = `${dayLabel(d.date)}${today ? " (today)" : ""}: ${min(d.minutes)}${d.sessions ? `, ${plural(d.sessions, "session")}` : ""}${d.minutes > 0 && !d.meets_4_min ? ", none of 4 min" : ""}`;
    parts.push(
      `<span class="day l${dayLevel(d)}${today ? " today" : ""}${edge(col, cols)}" style="grid-area:${2 + (k % 7)}/${2 + col}" tabindex="0" ` +
        `data-date="${d.date}" data-minutes="${d.minutes}" data-tip="${esc(tip)}" aria-label="${esc(tip)}"></span>`,
    );
  });
  const legend = LEVELS.map((l, i) => `<span><i class="day l${i}"></i>${esc(l)}</span>`).join("") + `<span><i class="day l0 today"></i>today</span>`;
  return (
    `<div class="scroll"><div id="heatmap" role="img" aria-label="Minutes per day, last 26 weeks" style="--cols:${cols}">${parts.join("")}</div></div>` +
    `<p class="legend">${legend}</p>`
  );
}

function weeklyChart(r: Report): string {
  const tw = r.twice_weekly;
  const weeks = r.series.weeks;
  const target = tw.sessions_per_week;
  const top = Math.max(target + 1, ...weeks.map((w) => w.sessions));
  const ticks: string[] = [];
  const step = top > 10 ? 5 : top > 5 ? 2 : 1;
  for (let v = 0; v <= top; v += step) ticks.push(`<span style="bottom:${(v / top) * 100}%">${v}</span>`);
  const cols = weeks.map((w, i) => {
    const current = i === weeks.length - 1;
    const meets = w.long_enough >= target;
    const shorter = w.sessions - w.long_enough;
    const tip =
      `${current ? "This week" : `Week of ${dayLabel(w.start)}`}: ${plural(w.long_enough, "session")} of ${tw.session_minutes} min or more` +
      `${shorter ? `, ${shorter} shorter` : ""}; ${min(w.minutes)}`;
    // a date under every 4th week, none crowding "this week"
    const label = current ? "this week" : i % 4 === 0 && i < weeks.length - 6 ? `${+w.start.slice(8)} ${MONTHS[+w.start.slice(5, 7) - 1]}` : "";
    return (
      `<div class="week${meets ? " meets" : ""}${current ? " current" : ""}${edge(i, weeks.length)}" tabindex="0" data-week="${w.week}" ` +
      `data-sessions="${w.long_enough}" data-tip="${esc(tip)}" aria-label="${esc(tip)}">` +
      `<div class="stack">` +
      (w.sessions ? `<b class="value">${w.sessions}</b>` : "") +
      (shorter ? `<div class="bar shorter" style="height:${(shorter / top) * 100}%"></div>` : "") +
      (w.long_enough ? `<div class="bar counted" style="height:${(w.long_enough / top) * 100}%"></div>` : "") +
      `</div><span class="x">${esc(label)}</span></div>`
    );
  });
  return (
    `<figure id="weekly" role="img" aria-label="Sessions per week against twice a week">` +
    `<div class="ytitle">sessions a week</div>` +
    `<div class="scroll"><div class="plot"><div class="yticks">${ticks.join("")}</div>` +
    `<div class="weeks">${cols.join("")}<div class="goal" style="bottom:${(target / top) * 100}%"><span>goal: ${target} a week</span></div></div></div></div>` +
    `<figcaption class="legend"><span>week, from Monday:</span><span><i class="swatch"></i>sessions of ${tw.session_minutes} min or more</span>` +
    `<span><i class="swatch met"></i>in a week that met the goal</span><span><i class="swatch shorter"></i>shorter (not counted)</span></figcaption>` +
    `</figure>`
  );
}

function regions(r: Report): string {
  const all = r.regions.all_time;
  const max = Math.max(all.front, all.crown, all.back, 1);
  const names = { front: "front (hairline, temples)", crown: "crown", back: "back (occiput, nape)" };
  return (
    `<div id="regions">` +
    REGION_KEYS.map((k) => {
      const tip = `${names[k]}: ${min(all[k])} in all, ${min(r.regions.last_30_days[k])} in the last 30 days`;
      return (
        `<div class="region" tabindex="0" data-region="${k}" data-minutes="${all[k]}" data-tip="${esc(tip)}">` +
        `<span class="name">${esc(names[k])}</span>` +
        `<span class="track"><span class="bar ${k}" style="width:${(all[k] / max) * 100}%"></span></span>` +
        `<span class="v">${esc(min(all[k]))}<small>${esc(min(r.regions.last_30_days[k]))} in 30 days</small></span></div>`
      );
    }).join("") +
    `</div>`
  );
}

/** One protocol: its study, its figures, and the rule that says which sessions count, with its source. */
function protocol(id: string, p: Stated, headline: string, rows: [string, string][]): string {
  return (
    `<section class="protocol" id="${id}"><h3>${esc(p.study[0].toUpperCase() + p.study.slice(1))}</h3><p class="headline">${headline}</p>` +
    `<dl>${rows.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${esc(v)}</dd></div>`).join("")}</dl>` +
    `<p class="rule"><b>Counts:</b> ${esc(p.rule)}</p><p class="source"><b>Why:</b> ${esc(p.source)}</p></section>`
  );
}

function protocols4and20(r: Report): string {
  const d4 = r.daily_4_min;
  const rg = r.daily_11_to_20;
  const k = d4.course;
  const days = (n: number, of: number) => `${n} of ${plural(of, "day")}`;
  return (
    protocol(
      "protocol-4",
      d4,
      k ? (k.complete ? `Course complete: ${pct(k.adherence)} of its days` : `Week ${k.week} of ${k.weeks} · ${pct(k.adherence)} of days so far`) : "Not started",
      [
        ["Days in a row", `${d4.current_streak_days} now · longest ${d4.longest_streak_days}`],
        ["Since the first session", `${days(d4.days_meeting, d4.days_elapsed)} (${pct(d4.adherence)})`],
        ...(k ? ([["The 24-week course", `${dayLabel(k.start_date, true)} to ${dayLabel(k.end_date, true)}`]] as [string, string][]) : []),
      ],
    ) +
    protocol("protocol-11-20", rg, `${pct(rg.share)} of days in ${rg.range_minutes[0]}–${rg.range_minutes[1]} min`, [
      ["Days in the range", `${days(rg.days_in_range, d4.days_elapsed)} · ${r.last_30_days.days_in_11_to_20} in the last 30`],
      ["Days above", `${plural(rg.days_above, "day")} over ${rg.range_minutes[1]} min`],
    ])
  );
}

function protocolWeekly(r: Report): string {
  const tw = r.twice_weekly;
  return protocol("protocol-weekly", tw, `${tw.weeks_meeting} of ${plural(tw.weeks_elapsed, "week")} met (${pct(tw.share)})`, [
    ["This week", `${tw.current_week.sessions} of ${tw.sessions_per_week} · ${tw.current_week.meets ? "met" : "not met yet"}`],
    ["Weeks in a row", String(tw.current_streak_weeks)],
    ["Average", `${num(tw.average_sessions_per_week)} sessions of ${tw.session_minutes} min or more a week`],
  ]);
}

const CSS = `
*{box-sizing:border-box}
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2330;background:#f6f7fa}
main{max-width:76rem;margin:0 auto;padding:1.5rem clamp(.75rem,3vw,2rem) 3rem}
h1{font-size:clamp(1.5rem,4vw,2.1rem);margin:0;line-height:1.2}h2{font-size:1.35rem;margin:0 0 .2rem}h3{font-size:1rem;margin:0}
.meta{color:#4b5565;margin:.3rem 0 0}.sub{color:#4b5565;margin:0 0 1rem}
section.panel{background:#fff;border:1px solid #e1e4eb;border-radius:12px;padding:clamp(.9rem,2.5vw,1.5rem);margin-top:1.25rem}
#glance{display:grid;grid-template-columns:repeat(auto-fit,minmax(14rem,1fr));gap:1rem;margin-top:1.25rem}
.card{background:#fff;border:1px solid #e1e4eb;border-left:6px solid #b7c0d0;border-radius:12px;padding:.9rem 1.1rem}
.card.ok{border-left-color:#2f9e5e}.card.todo{border-left-color:#e0a800}
.card h3{font-size:.9rem;font-weight:600;color:#4b5565}.card p{margin:.1rem 0;color:#4b5565}
.card .big{font-size:2.1rem;font-weight:700;color:#1d2330;line-height:1.2}.card .big small{font-size:1rem;font-weight:500;color:#4b5565}
.two{display:grid;grid-template-columns:minmax(0,3fr) minmax(16rem,2fr);gap:1.5rem;align-items:start}
@media (max-width:60rem){.two{grid-template-columns:minmax(0,1fr)}}
.protocol{border-top:1px solid #e1e4eb;padding-top:.8rem;margin-top:.8rem}.protocol:first-child{border-top:0;padding-top:0;margin-top:0}
.protocol .headline{font-size:1.3rem;font-weight:700;margin:.2rem 0}
.protocol dl{margin:.3rem 0}.protocol dl div{display:flex;justify-content:space-between;gap:1rem;border-bottom:1px dashed #e7e9ef;padding:.2rem 0}
.protocol dt{color:#4b5565}.protocol dd{margin:0;font-weight:600;text-align:right}
.rule,.source{font-size:.9rem;color:#3b4252;margin:.4rem 0 0}.source{color:#5a6272}
/* on a narrow screen the charts keep a readable size and scroll, starting at the latest week (rtl) */
.scroll{overflow-x:auto;direction:rtl;padding:.6rem 0 .2rem}.scroll>*{direction:ltr;min-width:30rem}
#heatmap{display:grid;grid-template-columns:2.4rem repeat(var(--cols),minmax(0,1fr));grid-template-rows:1.3rem;gap:3px;padding:2.2rem 0 0;margin-top:-2.2rem}
#heatmap .month,#heatmap .wd{font-size:.75rem;line-height:1;color:#4b5565;white-space:nowrap;align-self:end}
#heatmap .wd{align-self:stretch;display:flex;align-items:center;position:sticky;left:0;z-index:2;background:#fff}
.day{display:block;aspect-ratio:1;border-radius:3px;min-width:0}
.l0{background:#e6e8ee}.l1{background:#cfe3f7}.l2{background:#7cc79a}.l3{background:#2f9e5e}.l4{background:#17663a}
.day.today{outline:2px solid #d9480f;outline-offset:1px}
.legend{display:flex;flex-wrap:wrap;gap:.4rem 1rem;font-size:.85rem;color:#4b5565;margin:.8rem 0 0}
.legend span{display:inline-flex;align-items:center;gap:.35rem}.legend i{display:inline-block;width:.9rem;height:.9rem;border-radius:3px}
#weekly{margin:0}.ytitle{font-size:.85rem;color:#4b5565;margin-bottom:.3rem}
.plot{display:grid;grid-template-columns:1.8rem 1fr;height:15rem;margin-bottom:1.6rem}
.yticks{position:sticky;left:0;z-index:2;background:#fff;font-size:.8rem;color:#4b5565}.yticks span{position:absolute;right:.4rem;transform:translateY(50%)}
.weeks{position:relative;display:grid;grid-template-columns:repeat(26,minmax(0,1fr));gap:3px;border-left:1px solid #c9ced8;border-bottom:1px solid #c9ced8}
.week{position:relative;display:flex;flex-direction:column;justify-content:flex-end;min-width:0}
.week .stack{position:relative;display:flex;flex-direction:column;justify-content:flex-end;height:100%}
.bar.counted{background:#7cc79a}.week.meets .bar.counted{background:#17663a}.bar.shorter{background:repeating-linear-gradient(45deg,#d5dae3 0 3px,#eef0f4 3px 6px)}
.week .value{text-align:center;font-size:.75rem;line-height:1.3;color:#6b7383;font-weight:500}.week.meets .value{color:#17663a;font-weight:700}
.week .x{position:absolute;top:100%;left:0;font-size:.75rem;color:#4b5565;white-space:nowrap;padding-top:.25rem}
.week.current{background:#fff4e6;border-radius:4px 4px 0 0}.week.current .x{left:auto;right:0;color:#d9480f;font-weight:700}
.goal{position:absolute;left:0;right:0;height:0;border-top:2px dashed #d9480f;pointer-events:none}
.goal span{position:sticky;left:2.2rem;display:inline-block;transform:translateY(-100%);margin-left:.3rem;font-size:.78rem;color:#d9480f;background:#fffc;padding:0 .25rem;border-radius:3px}
#weekly figcaption{margin-top:.4rem}
.legend span{white-space:nowrap}.swatch{display:inline-block;width:.9rem;height:.9rem;border-radius:3px;background:#7cc79a}.swatch.met{background:#17663a}.swatch.shorter{background:#d5dae3}
#regions .region{display:grid;grid-template-columns:minmax(7rem,12rem) 1fr auto;gap:.8rem;align-items:center;padding:.35rem 0}
#regions .track{background:#eef0f4;border-radius:6px;height:1.4rem;overflow:hidden}#regions .bar{display:block;height:100%;background:#4a78c2;border-radius:6px}
#regions .v{font-weight:600;text-align:right}#regions .v small{display:block;font-weight:400;font-size:.8rem;color:#5a6272}
@media (max-width:36rem){#regions .region{grid-template-columns:1fr auto}#regions .track{grid-column:1/-1;grid-row:2}}
[data-tip]{position:relative;outline:none}
[data-tip]:hover::after,[data-tip]:focus::after{content:attr(data-tip);position:absolute;bottom:calc(100% + 6px);left:50%;transform:translateX(-50%);
background:#1d2330;color:#fff;padding:.3rem .55rem;border-radius:6px;font-size:.8rem;line-height:1.3;white-space:nowrap;z-index:5;pointer-events:none}
.edge-l[data-tip]:hover::after,.edge-l[data-tip]:focus::after{left:0;transform:none}
.edge-r[data-tip]:hover::after,.edge-r[data-tip]:focus::after{left:auto;right:0;transform:none}
.week[data-tip]:hover::after,.week[data-tip]:focus::after{bottom:auto;top:0;white-space:normal;width:max-content;max-width:14rem}
.day:focus,.week:focus{box-shadow:0 0 0 2px #1d2330}
#notes ul{margin:.3rem 0 0;padding-left:1.2rem}#notes li{color:#8a5300}
.note{font-size:.9rem;color:#5a6272;margin:.6rem 0 0}
footer{margin-top:1.5rem;color:#5a6272;font-size:.85rem}
`;

export function renderHtml(r: Report): string {
  const body: string[] = [];
  const since = r.sessions.first_date ? ` since ${dayLabel(r.sessions.first_date, true)}` : "";
  body.push(
    `<header><h1>Scalp massage report</h1>` +
      `<p class="meta">${esc(dayLabel(r.today.date, true))} · ${esc(plural(r.sessions.total, "session"))}${esc(since)} · days counted in ${esc(r.time_zone)}</p>` +
      `<p class="note">${esc(r.note)}</p></header>`,
  );
  if (r.sessions.total === 0) {
    body.push(`<section class="panel"><h2>No sessions yet</h2><p>Run <code>massager sync</code> to pull them from the massager, then make this page again.</p></section>`);
  } else {
    body.push(glance(r));
    body.push(
      `<section class="panel"><h2>Minutes per day</h2><p class="sub">The last 26 weeks, a square a day (a column a week, Monday on top). Touch or point at a day for its minutes.</p>` +
        `<div class="two"><div>${heatmap(r)}</div><div>${protocols4and20(r)}</div></div></section>`,
    );
    body.push(
      `<section class="panel"><h2>Sessions per week</h2><p class="sub">The last 26 weeks against the twice-weekly protocol; only sessions of ${r.twice_weekly.session_minutes} minutes or more count.</p>` +
        `<div class="two"><div>${weeklyChart(r)}</div><div>${protocolWeekly(r)}</div></div></section>`,
    );
    body.push(
      `<section class="panel"><h2>Minutes per scalp region</h2><p class="sub">All time, and the last 30 days.</p>${regions(r)}</section>`,
    );
    const cue = r.reached_every_region;
    body.push(
      `<section class="panel" id="cue"><h2>${esc(cue.name)}: ${pct(cue.share)}</h2>` +
        `<p class="sub">${esc(`${cue.sessions_reaching_all} of ${plural(cue.sessions_with_known_plan, "preset session")}`)}` +
        `${cue.sessions_unknown_plan ? esc(` · ${plural(cue.sessions_unknown_plan, "custom-program session")} not counted`) : ""}</p>` +
        `<p>${esc(cue.meaning)}</p></section>`,
    );
    const notes = reportNotes(r);
    if (notes.length) body.push(`<section class="panel" id="notes"><h2>Worth knowing</h2><ul>${notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul></section>`);
  }
  body.push(`<footer>Made by <code>massager report --html</code> for ${esc(r.today.date)}.</footer>`);
  return (
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>Scalp massage report ${esc(r.today.date)}</title><style>${CSS}</style></head>` +
    `<body><main>${body.join("\n")}</main></body></html>\n`
  );
}
