import { dayOf } from "../../report/days";
import { type Report, computeReport } from "../../report/figures";
import type { App } from "../app";
import { heatmap, regions, weekly } from "./charts";
import { byId, el } from "./dom";

/*
 * The report: `massager report`'s figures, computed by the same code (report/figures.ts) from this
 * browser's history, each shown with the path of its figure in the report (data-figure) and its value
 * (data-value), and the charts.
 */
type Format = (v: number | boolean) => string;
const num: Format = (v) => String(v);
const min: Format = (v) => `${(v as number).toFixed(1)} min`;
const pct: Format = (v) => `${Math.round((v as number) * 100)}%`;
const yes: Format = (v) => (v ? "yes" : "not yet");

/** Groups of figures: a heading (null: the study's name) and [path in the report, label, format]. */
const GROUPS: { heading: string | ((r: Report) => string); figures: [string, string, Format][] }[] = [
  {
    heading: "Today and lately",
    figures: [
      ["today.minutes", "today", min],
      ["today.sessions", "sessions today", num],
      ["last_7_days.minutes_per_day", "last 7 days, a day", min],
      ["last_30_days.minutes_per_day", "last 30 days, a day", min],
      ["last_30_days.sessions", "sessions in 30 days", num],
    ],
  },
  {
    heading: (r) => r.daily_4_min.study,
    figures: [
      ["daily_4_min.today_met", "4 minutes today", yes],
      ["daily_4_min.current_streak_days", "days in a row", num],
      ["daily_4_min.longest_streak_days", "longest run", num],
      ["daily_4_min.course.week", "course week (of 24)", num],
      ["daily_4_min.course.adherence", "course adherence", pct],
      ["daily_4_min.days_meeting", "days meeting it", num],
      ["daily_4_min.days_elapsed", "days since the first", num],
    ],
  },
  {
    heading: (r) => r.daily_11_to_20.study,
    figures: [
      ["daily_11_to_20.days_in_range", "days in 11–20 min", num],
      ["daily_11_to_20.share", "share of days", pct],
      ["daily_11_to_20.days_above", "days above 20 min", num],
    ],
  },
  {
    heading: (r) => r.twice_weekly.study,
    figures: [
      ["twice_weekly.current_week.sessions", "sessions this week", num],
      ["twice_weekly.weeks_meeting", "weeks meeting it", num],
      ["twice_weekly.weeks_elapsed", "weeks since the first", num],
      ["twice_weekly.share", "share of weeks", pct],
      ["twice_weekly.average_sessions_per_week", "sessions a week", num],
      ["twice_weekly.current_streak_weeks", "weeks in a row", num],
    ],
  },
  {
    heading: "Sessions",
    figures: [
      ["sessions.total", "sessions", num],
      ["reached_every_region.share", "reached every planned region", pct],
      ["sessions.by_end.battery", "ended for a low battery", num],
      ["sessions.estimated_time", "with an estimated time", num],
    ],
  },
];

/** The value at a dotted path of the report (undefined where a part is missing, e.g. no course yet). */
function figureAt(r: Report, path: string): unknown {
  return path.split(".").reduce<unknown>((v, k) => (v === null || v === undefined ? undefined : (v as Record<string, unknown>)[k]), r);
}

export function mountReport(app: App): void {
  const box = byId("report-body");
  app.on("history", async () => {
    const rows = await app.history.sessions();
    box.replaceChildren(...render(computeReport(rows, { today: dayOf(Date.now() / 1000) })));
  });
}

function render(r: Report): Node[] {
  const head = el("p", { id: "report-day", "data-today": r.today.date }, `For ${r.today.date} (days in ${r.time_zone}).`);
  const note = el("p", { class: "note" }, r.note);
  if (r.sessions.total === 0) return [head, note, el("p", {}, "No sessions yet: connect and press “Sync”, or import a CLI export.")];
  const groups = GROUPS.map((g) => {
    const shown = g.figures.filter(([path]) => figureAt(r, path) !== undefined && figureAt(r, path) !== null);
    return el(
      "section", { class: "figures" },
      el("h3", {}, typeof g.heading === "string" ? g.heading : g.heading(r)),
      el("dl", {}, ...shown.flatMap(([path, label, format]) => {
        const v = figureAt(r, path) as number | boolean;
        return [el("dt", {}, label), el("dd", { "data-figure": path, "data-value": JSON.stringify(v) }, format(v))];
      })),
    );
  });
  return [
    head, note,
    el("div", { id: "figures" }, ...groups),
    el("h3", {}, "Minutes per day, last 26 weeks"), heatmap(r),
    el("h3", {}, "Sessions per week (the line: twice a week)"), weekly(r),
    el("h3", {}, "Minutes per scalp region"), regions(r),
    el("p", { class: "note" }, r.reached_every_region.meaning),
  ];
}
