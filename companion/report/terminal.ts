import { type Report, REGION_KEYS, type Stated, reportNotes } from "./figures";
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
  out.push(c.bold(`Scalp massage report for ${r.today.date}`) + c.dim(` (days in ${r.time_zone})`));
  out.push(...wrap(r.note, WIDTH).map(c.dim));
  out.push("");
  if (r.sessions.total === 0) {
    out.push("No sessions in the history yet. Run `massager sync` to pull them from the massager,");
    out.push("or `massager demo` to see the whole journey on the virtual massager.");
    return out.join("\n") + "\n";
  }
  const mark = (ok: boolean, yes: string, no: string) => (ok ? c.good("✓ " + yes) : c.warn("· " + no));
  /** Each protocol's heading, then its rule and the rule's source, dim. */
  const heading = (p: Stated) => [c.bold(p.study), ...wrap(`Counts: ${p.rule} ${p.source}`, WIDTH - 2).map((l) => c.dim("  " + l))];
  const d4 = r.daily_4_min;
  const recent = r.series.days.slice(-30);

  out.push(
    label("Today") +
      `${r.today.minutes.toFixed(1)} min in ${plural(r.today.sessions, "session")}  ` +
      mark(d4.today_met, `meets ${d4.minutes_per_day} min`, `not yet ${d4.minutes_per_day} min`),
  );
  for (const w of [r.last_7_days, r.last_30_days]) {
    out.push(
      label(`Last ${w.days} days`) +
        `${w.minutes_per_day.toFixed(1)} min/day · ${w.days_meeting_4_min} of ${w.days} days with ${d4.minutes_per_day} min  ` +
        c.accent(sparkline(recent.slice(-w.days).map((d) => d.minutes), d4.minutes_per_day)),
    );
  }
  out.push("");

  out.push(...heading(d4));
  out.push(
    label("streak") +
      `${plural(d4.current_streak_days, "day")} in a row` +
      c.dim(` (longest ${plural(d4.longest_streak_days, "day")}${d4.longest_streak_end ? ", ended " + d4.longest_streak_end : ""})`),
  );
  if (d4.course) {
    const k = d4.course;
    out.push(
      label("24-week course") +
        (k.complete ? `complete (${k.start_date} to ${k.end_date})` : `week ${k.week} of ${k.weeks}`) +
        ` · adherence ${pct(k.adherence)} (${k.days_meeting} of ${plural(k.days_elapsed, "day")})`,
    );
  }
  out.push(label("since the start") + `${d4.days_meeting} of ${plural(d4.days_elapsed, "day")} (${pct(d4.adherence)})`);
  out.push("");

  const rg = r.daily_11_to_20;
  out.push(...heading(rg));
  out.push(
    label("days in range") +
      `${rg.days_in_range} of ${plural(d4.days_elapsed, "day")} (${pct(rg.share)}) · ${r.last_30_days.days_in_11_to_20} in the last 30 days` +
      c.dim(` · ${rg.days_above} above ${rg.range_minutes[1]} min`),
  );
  out.push("");

  const tw = r.twice_weekly;
  out.push(...heading(tw));
  const shorter = tw.current_week.shorter_sessions;
  out.push(
    label("this week") +
      `${plural(tw.current_week.sessions, "session")} of ${tw.session_minutes} min or more (${tw.current_week.week})  ` +
      mark(tw.current_week.meets, `meets ${tw.sessions_per_week} a week`, `${tw.sessions_per_week} a week not met yet`) +
      (shorter ? c.dim(` · ${plural(shorter, "shorter session")} not counted`) : ""),
  );
  out.push(
    label("weeks meeting it") +
      `${tw.weeks_meeting} of ${plural(tw.weeks_elapsed, "week")} (${pct(tw.share)}) · ${tw.average_sessions_per_week.toFixed(1)} sessions/week · ` +
      `${plural(tw.current_streak_weeks, "week")} in a row`,
  );
  const weeks = r.series.weeks.slice(-12);
  out.push(
    label("last 12 weeks") +
      weeks.map((w) => (w.long_enough >= tw.sessions_per_week ? c.good : c.warn)(sparkline([w.long_enough], Math.max(tw.sessions_per_week * 2, ...weeks.map((x) => x.long_enough))))).join("") +
      c.dim(`  ${weeks.filter((w) => w.long_enough >= tw.sessions_per_week).length} of 12 met`),
  );
  out.push("");

  out.push(c.bold("Minutes per scalp region"));
  const all = r.regions.all_time;
  const max = Math.max(all.front, all.crown, all.back);
  for (const k of REGION_KEYS) {
    out.push(label(k) + c.accent(bar(all[k], max, 24).padEnd(24)) + ` ${all[k].toFixed(1)} min` + c.dim(`; ${r.regions.last_30_days[k].toFixed(1)} in the last 30 days`));
  }
  const cue = r.reached_every_region;
  out.push("");
  out.push(
    c.bold(cue.name) +
      `: ${pct(cue.share)} (${cue.sessions_reaching_all} of ${plural(cue.sessions_with_known_plan, "preset session")})` +
      (cue.sessions_unknown_plan ? c.dim(` · ${plural(cue.sessions_unknown_plan, "custom-program session")} not counted`) : ""),
  );
  out.push(...wrap(cue.meaning, WIDTH).map(c.dim));
  const notes = reportNotes(r);
  if (notes.length) out.push("", ...notes.map(c.warn));
  return out.join("\n") + "\n";
}
