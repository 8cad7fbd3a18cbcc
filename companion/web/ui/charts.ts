import { weekday, parseDate } from "../../report/days";
import { REGION_KEYS, type Report } from "../../report/figures";
import { svg } from "./dom";

/*
 * The report's charts as SVG that scales to the panel (a viewBox, width 100%), so they fit a phone:
 *   svg#heatmap rect.day   one per day of the last 26 weeks (data-date, data-minutes), class l0..l4
 *   svg#weekly  rect.bar   one per ISO week (data-week, data-sessions), class "meets" at 2 or more
 *   svg#regions rect.region one per scalp region (data-region, data-minutes)
 */

/** Heat-map level of a day's minutes: 0 none, 1 under 4, 2 under 11, 3 within 11–20, 4 above. */
function dayLevel(minutes: number): number {
  if (!(minutes > 0)) return 0;
  return minutes < 4 ? 1 : minutes < 11 ? 2 : minutes <= 20 ? 3 : 4;
}

const title = (text: string) => svg("title", {}, text);

export function heatmap(r: Report): SVGElement {
  const days = r.series.days;
  const lead = weekday(parseDate(days[0].date)!);
  const cols = Math.ceil((days.length + lead) / 7);
  const cell = 10;
  const step = 12;
  const chart = svg("svg", {
    id: "heatmap", viewBox: `0 0 ${cols * step} ${7 * step}`, width: "100%", role: "img", "aria-label": "Minutes per day, last 26 weeks",
  });
  days.forEach((d, i) => {
    const k = lead + i;
    chart.append(
      svg("rect", {
        class: `day l${dayLevel(d.minutes)}`, x: Math.floor(k / 7) * step, y: (k % 7) * step, width: cell, height: cell, rx: 2,
        "data-date": d.date, "data-minutes": d.minutes,
      }, title(`${d.date}: ${d.minutes} min, ${d.sessions} session${d.sessions === 1 ? "" : "s"}`)),
    );
  });
  return chart;
}

export function weekly(r: Report): SVGElement {
  const weeks = r.series.weeks;
  const target = r.twice_weekly.sessions_per_week;
  const top = Math.max(target * 2, ...weeks.map((w) => w.sessions));
  const h = 80;
  const step = 12;
  const y = (n: number) => h - (n / top) * h;
  const chart = svg("svg", {
    id: "weekly", viewBox: `0 0 ${weeks.length * step} ${h + 2}`, width: "100%", role: "img", "aria-label": "Sessions per week, last 26 weeks",
  });
  weeks.forEach((w, i) => {
    chart.append(
      svg("rect", {
        class: w.sessions >= target ? "bar meets" : "bar", x: i * step + 1, y: y(w.sessions), width: step - 2, height: h - y(w.sessions),
        "data-week": w.week, "data-sessions": w.sessions,
      }, title(`${w.week}: ${w.sessions} session${w.sessions === 1 ? "" : "s"}, ${w.minutes} min`)),
    );
  });
  chart.append(svg("line", { class: "protocol", x1: 0, x2: weeks.length * step, y1: y(target), y2: y(target) }, title(`${target} sessions a week`)));
  return chart;
}

export function regions(r: Report): SVGElement {
  const all = r.regions.all_time;
  const top = Math.max(1, all.front, all.crown, all.back);
  const chart = svg("svg", { id: "regions", viewBox: "0 0 420 66", width: "100%", role: "img", "aria-label": "Minutes per scalp region" });
  REGION_KEYS.forEach((k, i) => {
    const w = (all[k] / top) * 300;
    chart.append(
      svg("text", { x: 0, y: i * 22 + 14, class: "axis" }, k),
      svg("rect", { class: "region", x: 50, y: i * 22 + 3, width: Math.max(w, 0.5), height: 14, rx: 2, "data-region": k, "data-minutes": all[k] }),
      svg("text", { x: 54 + w, y: i * 22 + 14, class: "axis" }, `${all[k]} min`),
    );
  });
  return chart;
}
