import { Report, REGION_KEYS } from "./figures";
import { Palette, PLAIN } from "./colour";
import { bar, sparkline } from "./charts";
import { plural } from "../words";

/*
 * The report as terminal text: a few lines per protocol with small unicode charts. Pure: the palette
 * (colour or plain) is chosen by the caller from NO_COLOR and the stream.
 */

const WIDTH = 100;

/** Splits text into lines of at most `width` characters at spaces. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? line + " " + word : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

const pct = (x: number) => `${Math.round(x * 100)}%`;
const label = (s: string) => ("  " + s).padEnd(20);

export function renderTerminal(r: Report, c: Palette = PLAIN): string {
  const out: string[] = [];
  out.push(c.bold(`Scalp massage report for ${r.today.date}`) + c.dim(` (days in ${r.timeZone})`));
  out.push(...wrap(r.note, WIDTH).map(c.dim));
  out.push("");
  if (r.sessions.total === 0) {
    out.push("No sessions in the history yet. Run `massager sync` to pull them from the massager,");
    out.push("or `massager demo` to see the whole journey on the virtual massager.");
    return out.join("\n") + "\n";
  }
  const mark = (ok: boolean, yes: string, no: string) => (ok ? c.good("✓ " + yes) : c.warn("· " + no));
  const d4 = r.daily4Min;
  const recent = r.series.days.slice(-30);

  out.push(
    label("Today") +
      `${r.today.minutes.toFixed(1)} min in ${plural(r.today.sessions, "session")}  ` +
      mark(d4.todayMet, `meets ${d4.minutesPerDay} min`, `not yet ${d4.minutesPerDay} min`),
  );
  for (const w of [r.last7Days, r.last30Days]) {
    out.push(
      label(`Last ${w.days} days`) +
        `${w.minutesPerDay.toFixed(1)} min/day · ${w.daysMeeting4Min} of ${w.days} days ≥ ${d4.minutesPerDay} min  ` +
        c.accent(sparkline(recent.slice(-w.days).map((d) => d.minutes), d4.minutesPerDay)),
    );
  }
  out.push("");

  out.push(c.bold(d4.study));
  out.push(
    label("streak") +
      `${plural(d4.currentStreakDays, "day")} in a row` +
      c.dim(` (longest ${plural(d4.longestStreakDays, "day")}${d4.longestStreakEnd ? ", ended " + d4.longestStreakEnd : ""})`),
  );
  if (d4.course) {
    const k = d4.course;
    out.push(
      label("24-week course") +
        (k.complete ? `complete (${k.startDate} to ${k.endDate})` : `week ${k.week} of ${k.weeks}`) +
        ` · adherence ${pct(k.adherence)} (${k.daysMeeting} of ${plural(k.daysElapsed, "day")})`,
    );
  }
  out.push(label("since the start") + `${d4.daysMeeting} of ${plural(d4.daysElapsed, "day")} ≥ ${d4.minutesPerDay} min (${pct(d4.adherence)})`);
  out.push("");

  const rg = r.daily11to20;
  out.push(c.bold(rg.study));
  out.push(
    label("days in range") +
      `${rg.daysInRange} of ${plural(d4.daysElapsed, "day")} (${pct(rg.share)}) · ${r.last30Days.daysIn11to20} in the last 30 days` +
      c.dim(` · ${rg.daysAbove} above ${rg.rangeMinutes[1]} min`),
  );
  out.push("");

  const tw = r.twiceWeekly;
  out.push(c.bold(tw.study));
  out.push(
    label("this week") +
      `${plural(tw.currentWeek.sessions, "session")} (${tw.currentWeek.week})  ` +
      mark(tw.currentWeek.meets, `meets ${tw.sessionsPerWeek} a week`, `${tw.sessionsPerWeek} a week not met yet`),
  );
  out.push(
    label("weeks meeting it") +
      `${tw.weeksMeeting} of ${plural(tw.weeksElapsed, "week")} (${pct(tw.share)}) · ${tw.averageSessionsPerWeek.toFixed(1)} sessions/week · ` +
      `${plural(tw.currentStreakWeeks, "week")} in a row`,
  );
  const weeks = r.series.weeks.slice(-12);
  out.push(
    label("last 12 weeks") +
      weeks.map((w) => (w.sessions >= tw.sessionsPerWeek ? c.good : c.warn)(sparkline([w.sessions], Math.max(tw.sessionsPerWeek * 2, ...weeks.map((x) => x.sessions))))).join("") +
      c.dim(`  ${weeks.filter((w) => w.sessions >= tw.sessionsPerWeek).length} of 12 met`),
  );
  out.push("");

  out.push(c.bold("Minutes per scalp region"));
  const all = r.regions.allTime;
  const max = Math.max(all.front, all.crown, all.back);
  for (const k of REGION_KEYS) {
    out.push(label(k) + c.accent(bar(all[k], max, 24).padEnd(24)) + ` ${all[k].toFixed(1)} min` + c.dim(`; ${r.regions.last30Days[k].toFixed(1)} in the last 30 days`));
  }
  const cue = r.reachedEveryRegion;
  out.push("");
  out.push(
    c.bold(cue.name) +
      `: ${pct(cue.share)} (${cue.sessionsReachingAll} of ${plural(cue.sessionsWithKnownPlan, "preset session")})` +
      (cue.sessionsUnknownPlan ? c.dim(` · ${plural(cue.sessionsUnknownPlan, "custom-program session")} not counted`) : ""),
  );
  out.push(...wrap(cue.meaning, WIDTH).map(c.dim));
  const battery = r.sessions.byEnd.battery ?? 0;
  if (r.sessions.estimatedTime || r.sessions.afterToday || battery) {
    out.push("");
    if (battery)
      out.push(c.warn(`${plural(battery, "session")} ended early because the massager's battery ran low: charge it before the next one.`));
    if (r.sessions.estimatedTime)
      out.push(c.warn(`${plural(r.sessions.estimatedTime, "session")} had no clock time: the day shown is estimated.`));
    if (r.sessions.afterToday) {
      const one = r.sessions.afterToday === 1;
      out.push(c.warn(`${plural(r.sessions.afterToday, "session")} ${one ? "starts" : "start"} after ${r.today.date} and ${one ? "is" : "are"} left out.`));
    }
  }
  return out.join("\n") + "\n";
}
