import { PRESET_STUDIES, PROTOCOLS } from "../../shared/studies";
import { REGIONS } from "../../shared/program";
import type { SessionRow } from "../history/store";
import { dateText, dayOf, isoWeekText, weekStart } from "./days";
import { type Tally, tally } from "./tally";
import { RULES, type Rule } from "./rules";
import { plural } from "../words";

/*
 * The report: what the studies measured, computed from session rows. Pure: rows in, figures out; one
 * pass over the rows (tally.ts), then passes over the days and weeks between the first session and
 * today, one function per figure.
 *
 * Words used in every definition below:
 *   - day: a local calendar day (the process's time zone). A session belongs to the day it started on.
 *   - today: the day of `now` (or the --today date). Sessions that start after today are left out of
 *     every figure and counted in sessions.afterToday (a wrong clock, or a --today in the past).
 *   - a day's minutes: the sum of actual_s (time running, pauses excluded) of its sessions / 60.
 *   - a session counts toward a protocol only when it is long enough for it (rules.ts, each rule
 *     with its source): a day meets the 4-minute protocol with a session of >= 240 s; a day is in
 *     the 11-20 minute range when its sessions of >= 240 s add up to >= 660 and <= 1200 s; a week
 *     meets the twice-weekly protocol with 2 sessions of >= 900 s.
 *   - week: an ISO week, Monday to Sunday, of local days.
 *   - a counted session: a session with actual_s > 0 (one started and stopped at once is not
 *     counted). Every "sessions" figure counts these, except sessions.total and sessions.by_end,
 *     which count every row, and the protocols' own counts, which count the sessions long enough.
 *   - the last N days: the N days ending with today, today included.
 *   - minutes are rounded to 0.1; shares are fractions 0..1 rounded to 0.001; counts are exact.
 * It reports consistency (what the device logged), never a medical outcome.
 */

const REPORT_VERSION = 1;

/** Days a chart shows: 26 ISO weeks, the current one included. */
const CHART_WEEKS = 26;

export const HONEST_NOTE =
  "These figures show consistency: how often and how long you massaged, measured against the routines " +
  "the studies used. They are not a measure of hair growth, stress or any medical outcome, and the " +
  "device cannot tell whether the massage was done well.";

export const CUE_NAME = "Sessions that reached every planned region";
export const CUE_MEANING =
  "The device cannot see your head, so it cannot tell whether you moved when cued. This is the share of " +
  "sessions (built-in presets) that ran long enough to spend time in every scalp region the program " +
  "planned, i.e. that reached every region cue. Custom programs are left out: their region plan is " +
  "not in the log.";

export interface Window {
  /** calendar days in the window (7 or 30) */
  days: number;
  /** sum of actual minutes of the sessions in the window */
  minutes: number;
  /** minutes / days (every calendar day of the window counts, days without sessions included) */
  minutes_per_day: number;
  /** counted sessions in the window */
  sessions: number;
  /** days in the window with at least one counted session */
  active_days: number;
  /** days in the window that meet the 4-minute protocol (RULES.daily4Min) */
  days_meeting_4_min: number;
  /** days in the window in the 11-20 minute range (RULES.daily11to20) */
  days_in_11_to_20: number;
}

export interface RegionMinutes {
  front: number;
  crown: number;
  back: number;
}

export interface DaySeries {
  date: string;
  minutes: number;
  /** counted sessions */
  sessions: number;
  /** the day meets the 4-minute protocol; is in the 11-20 minute range; is above it (rules.ts) */
  meets_4_min: boolean;
  in_11_to_20: boolean;
  above_20: boolean;
}

export interface WeekSeries {
  /** ISO week, e.g. 2026-W48 */
  week: string;
  /** date of its Monday */
  start: string;
  /** counted sessions, and of those the ones long enough for the twice-weekly protocol */
  sessions: number;
  long_enough: number;
  minutes: number;
}

/** A protocol's rule and where it comes from (rules.ts). */
export interface Stated {
  study: string;
  rule: string;
  source: string;
}

/** Every figure of the report. Its JSON (`massager report --json`) is this object, as it is. */
export interface Report {
  report_version: number;
  /** the time zone days are counted in */
  time_zone: string;
  note: string;
  sessions: {
    /** every session up to and including today */
    total: number;
    /** of those, sessions with actual_s = 0: not counted anywhere else */
    zero_length: number;
    /** sessions starting after today, left out of every figure */
    after_today: number;
    /** sessions whose start time the companion could only estimate (their day may be off) */
    estimated_time: number;
    /** date of the first and the last session, null without sessions */
    first_date: string | null;
    last_date: string | null;
    /** every session up to today per end reason, every reason listed */
    by_end: { [reason: string]: number };
    /** the day of the last session that ended because the battery ran low, null when none did */
    last_battery_end_date: string | null;
  };
  /** the day the report is computed for */
  today: {
    /** YYYY-MM-DD, local */
    date: string;
    minutes: number;
    /** counted sessions today */
    sessions: number;
  };
  last_7_days: Window;
  last_30_days: Window;
  /** Protocol 1: 4 minutes a day for 24 weeks (2016 controlled study). */
  daily_4_min: Stated & {
    minutes_per_day: number;
    /** consecutive days meeting it that end today, or end yesterday while today does not meet yet */
    current_streak_days: number;
    /** whether today already meets */
    today_met: boolean;
    /** the longest run of consecutive days meeting it, up to today */
    longest_streak_days: number;
    /** the last day of that run (the most recent one on a tie), null when there is none */
    longest_streak_end: string | null;
    /** days meeting it from the first session's day to today */
    days_meeting: number;
    /** days from the first session's day to today, both included; 0 without sessions */
    days_elapsed: number;
    /** days_meeting / days_elapsed (0 without sessions) */
    adherence: number;
    /** the 24-week course, counted from the first session's day; null without sessions */
    course: null | {
      weeks: number;
      start_date: string;
      /** start_date + 24 weeks - 1 day: the course's last day */
      end_date: string;
      /** the course week today falls in, 1..24 (24 once the course is over) */
      week: number;
      /** days of the course up to today, 1..168 */
      days_elapsed: number;
      /** of those, days meeting it */
      days_meeting: number;
      /** days_meeting / days_elapsed */
      adherence: number;
      /** today is after the course's last day */
      complete: boolean;
    };
  };
  /** Protocol 2: 11-20 minutes a day for about 7.5 months (2019 survey). */
  daily_11_to_20: Stated & {
    range_minutes: number[];
    /** days in the range from the first session's day to today */
    days_in_range: number;
    /** days above 20 minutes in that span */
    days_above: number;
    /** days_in_range / daily_4_min.days_elapsed (0 without sessions) */
    share: number;
  };
  /** Protocol 3: twice a week for 10 weeks (stress study). */
  twice_weekly: Stated & {
    sessions_per_week: number;
    /** the shortest session that counts, in minutes */
    session_minutes: number;
    /** the ISO week holding today: sessions long enough, shorter ones (not counted), and whether it meets */
    current_week: { week: string; sessions: number; shorter_sessions: number; meets: boolean };
    /** ISO weeks from the first session's week to the current week, both included */
    weeks_elapsed: number;
    /** of those, weeks meeting it (the current week included once it does) */
    weeks_meeting: number;
    /** weeks_meeting / weeks_elapsed (0 without sessions) */
    share: number;
    /** consecutive weeks meeting it that end with the current week, or with the last one while the current week does not meet yet */
    current_streak_weeks: number;
    /** sessions long enough in those weeks / weeks_elapsed, rounded to 0.1 */
    average_sessions_per_week: number;
  };
  /** Actual minutes per scalp region (front: hairline and temples; crown; back: occiput and nape). */
  regions: {
    all_time: RegionMinutes;
    last_30_days: RegionMinutes;
  };
  /** "Whether the person moved when cued", as far as the device can know: see CUE_MEANING. */
  reached_every_region: {
    name: string;
    meaning: string;
    /** counted preset sessions: their region plan is known */
    sessions_with_known_plan: number;
    /** of those, sessions with more than 0 seconds in every region the preset plans */
    sessions_reaching_all: number;
    /** sessions_reaching_all / sessions_with_known_plan (0 when there are none) */
    share: number;
    /** counted custom-program sessions, left out */
    sessions_unknown_plan: number;
  };
  /** Chart data: every day and every ISO week of the last 26 weeks (the current week included). */
  series: {
    days: DaySeries[];
    weeks: WeekSeries[];
  };
}

const RANGE_LO_S = PROTOCOLS.dailyRangeMinutes[0] * 60;
const RANGE_HI_S = PROTOCOLS.dailyRangeMinutes[1] * 60;
const COURSE_DAYS = PROTOCOLS.courseWeeks * 7;

export function minutes(seconds: number): number {
  return Math.round(seconds / 6) / 10;
}

export function share(part: number, whole: number): number {
  return whole > 0 ? Math.round((part / whole) * 1000) / 1000 : 0;
}

export interface ReportOptions {
  /** today's day number (days.ts); default: the day of Date.now() */
  today?: number;
  timeZone?: string;
}

export function computeReport(rows: SessionRow[], options: ReportOptions = {}): Report {
  const today = options.today !== undefined ? options.today : dayOf(Date.now() / 1000);
  const timeZone = options.timeZone || Intl.DateTimeFormat().resolvedOptions().timeZone || "local";
  const t = tally(rows, today, CHART_WEEKS);
  return {
    report_version: REPORT_VERSION,
    time_zone: timeZone,
    note: HONEST_NOTE,
    sessions: sessionsFigures(t),
    today: { date: dateText(today), minutes: minutes(t.daySeconds[today - t.from]), sessions: t.daySessions[today - t.from] },
    last_7_days: windowOf(t, 7),
    last_30_days: windowOf(t, 30),
    daily_4_min: daily4Min(t),
    daily_11_to_20: daily11to20(t),
    twice_weekly: twiceWeekly(t),
    regions: { all_time: regionMinutes(t.regionsAll), last_30_days: regionMinutes(t.regions30) },
    reached_every_region: {
      name: CUE_NAME,
      meaning: CUE_MEANING,
      sessions_with_known_plan: t.knownPlan,
      sessions_reaching_all: t.reachingAll,
      share: share(t.reachingAll, t.knownPlan),
      sessions_unknown_plan: t.unknownPlan,
    },
    series: chartSeries(t),
  };
}

// ------------------------------------------------------------------ the figures, from the tally

/** The day has a session long enough for the 4-minute protocol (rules.ts). */
const meets = (t: Tally, d: number) => t.dayLong4[d - t.from] > 0;
/** The day's sessions long enough for it add up to 11-20 minutes (rules.ts). */
const inRange = (t: Tally, d: number) => t.dayRangeSeconds[d - t.from] >= RANGE_LO_S && t.dayRangeSeconds[d - t.from] <= RANGE_HI_S;
/** Days from the first session's day to today, both included; 0 without sessions. */
const daysElapsed = (t: Tally) => (t.any ? t.today - t.first + 1 : 0);
const stated = (study: string, r: Rule): Stated => ({ study, rule: r.rule, source: r.source });

function sessionsFigures(t: Tally): Report["sessions"] {
  return {
    total: t.total,
    zero_length: t.zeroLength,
    after_today: t.afterToday,
    estimated_time: t.estimated,
    first_date: t.any ? dateText(t.first) : null,
    last_date: t.any ? dateText(t.last) : null,
    by_end: t.byEnd,
    last_battery_end_date: t.lastBatteryEnd > -Infinity ? dateText(t.lastBatteryEnd) : null,
  };
}

function windowOf(t: Tally, n: number): Window {
  let seconds = 0;
  let sessions = 0;
  let active = 0;
  let met = 0;
  let ranged = 0;
  for (let d = t.today - n + 1; d <= t.today; d++) {
    if (d < t.from) continue;
    seconds += t.daySeconds[d - t.from];
    sessions += t.daySessions[d - t.from];
    if (t.daySessions[d - t.from] > 0) active++;
    if (meets(t, d)) met++;
    if (inRange(t, d)) ranged++;
  }
  return {
    days: n,
    minutes: minutes(seconds),
    minutes_per_day: minutes(seconds / n),
    sessions: sessions,
    active_days: active,
    days_meeting_4_min: met,
    days_in_11_to_20: ranged,
  };
}

function daily4Min(t: Tally): Report["daily_4_min"] {
  let daysMeeting = 0;
  let longest = 0;
  let longestEnd = -1;
  let run = 0;
  if (t.any) {
    for (let d = t.first; d <= t.today; d++) {
      if (meets(t, d)) {
        daysMeeting++;
        run++;
        if (run >= longest) {
          longest = run;
          longestEnd = d;
        }
      } else {
        run = 0;
      }
    }
  }
  const todayMet = meets(t, t.today);
  let current = 0;
  for (let d = todayMet ? t.today : t.today - 1; d >= t.from && meets(t, d); d--) current++;
  const elapsed = daysElapsed(t);
  return {
    ...stated(PRESET_STUDIES[0], RULES.daily4Min),
    minutes_per_day: PROTOCOLS.dailyShortMinutes,
    current_streak_days: current,
    today_met: todayMet,
    longest_streak_days: longest,
    longest_streak_end: longest > 0 ? dateText(longestEnd) : null,
    days_meeting: daysMeeting,
    days_elapsed: elapsed,
    adherence: share(daysMeeting, elapsed),
    course: course(t),
  };
}

/** The 24-week course, counted from the first session's day. */
function course(t: Tally): Report["daily_4_min"]["course"] {
  if (!t.any) return null;
  const elapsed = Math.min(t.today - t.first + 1, COURSE_DAYS);
  let met = 0;
  for (let d = t.first; d < t.first + elapsed; d++) if (meets(t, d)) met++;
  return {
    weeks: PROTOCOLS.courseWeeks,
    start_date: dateText(t.first),
    end_date: dateText(t.first + COURSE_DAYS - 1),
    week: Math.floor((elapsed - 1) / 7) + 1,
    days_elapsed: elapsed,
    days_meeting: met,
    adherence: share(met, elapsed),
    complete: t.today - t.first + 1 > COURSE_DAYS,
  };
}

function daily11to20(t: Tally): Report["daily_11_to_20"] {
  let daysInRange = 0;
  let daysAbove = 0;
  if (t.any) {
    for (let d = t.first; d <= t.today; d++) {
      if (inRange(t, d)) daysInRange++;
      else if (t.dayRangeSeconds[d - t.from] > RANGE_HI_S) daysAbove++;
    }
  }
  return {
    ...stated(PRESET_STUDIES[1], RULES.daily11to20),
    range_minutes: PROTOCOLS.dailyRangeMinutes.slice(),
    days_in_range: daysInRange,
    days_above: daysAbove,
    share: share(daysInRange, daysElapsed(t)),
  };
}

/** Passes over the weeks, from the first session's week to the current one. */
function twiceWeekly(t: Tally): Report["twice_weekly"] {
  const weekly = PROTOCOLS.weeklySessions;
  const w0 = t.any ? (weekStart(t.first) - t.weekFrom) / 7 : t.weekCount - 1;
  const wNow = t.weekCount - 1;
  let weeksMeeting = 0;
  let weekCounted = 0;
  for (let w = w0; w <= wNow; w++) {
    weekCounted += t.weekLong[w];
    if (t.weekLong[w] >= weekly) weeksMeeting++;
  }
  const weeksElapsed = t.any ? wNow - w0 + 1 : 0;
  let weekStreak = 0;
  const nowMeets = t.weekLong[wNow] >= weekly;
  for (let w = nowMeets ? wNow : wNow - 1; w >= w0 && t.weekLong[w] >= weekly; w--) weekStreak++;
  return {
    ...stated(PRESET_STUDIES[2], RULES.twiceWeekly),
    sessions_per_week: weekly,
    session_minutes: RULES.twiceWeekly.session_s / 60,
    current_week: {
      week: isoWeekText(t.today),
      sessions: t.weekLong[wNow],
      shorter_sessions: t.weekSessions[wNow] - t.weekLong[wNow],
      meets: nowMeets,
    },
    weeks_elapsed: weeksElapsed,
    weeks_meeting: weeksMeeting,
    share: share(weeksMeeting, weeksElapsed),
    current_streak_weeks: weekStreak,
    average_sessions_per_week: weeksElapsed > 0 ? Math.round((weekCounted / weeksElapsed) * 10) / 10 : 0,
  };
}

function regionMinutes(s: number[]): RegionMinutes {
  return { front: minutes(s[0]), crown: minutes(s[1]), back: minutes(s[2]) };
}

/** Every day and every ISO week of the chart window. */
function chartSeries(t: Tally): Report["series"] {
  const days: DaySeries[] = [];
  for (let d = t.chartStart; d <= t.today; d++) {
    days.push({
      date: dateText(d), minutes: minutes(t.daySeconds[d - t.from]), sessions: t.daySessions[d - t.from],
      meets_4_min: meets(t, d), in_11_to_20: inRange(t, d), above_20: t.dayRangeSeconds[d - t.from] > RANGE_HI_S,
    });
  }
  const weeks: WeekSeries[] = [];
  for (let k = 0; k < CHART_WEEKS; k++) {
    const start = t.chartStart + k * 7;
    const w = (start - t.weekFrom) / 7;
    weeks.push({ week: isoWeekText(start), start: dateText(start), sessions: t.weekSessions[w], long_enough: t.weekLong[w], minutes: minutes(t.weekSeconds[w]) });
  }
  return { days, weeks };
}

/**
 * What a person should know about the figures themselves, a sentence each (the terminal and the
 * page both print them): sessions that ended for the battery, days only estimated, sessions after today.
 */
export function reportNotes(r: Report): string[] {
  const notes: string[] = [];
  const battery = r.sessions.by_end.battery ?? 0;
  if (battery)
    notes.push(`${plural(battery, "session")} ended early because the massager's battery ran low (the last on ${r.sessions.last_battery_end_date}): charge it before the next one.`);
  if (r.sessions.estimated_time) notes.push(`${plural(r.sessions.estimated_time, "session")} had no clock time: the day shown is estimated.`);
  if (r.sessions.after_today) {
    const one = r.sessions.after_today === 1;
    notes.push(`${plural(r.sessions.after_today, "session")} ${one ? "starts" : "start"} after ${r.today.date} and ${one ? "is" : "are"} left out.`);
  }
  return notes;
}

/** Region names in display order, matching RegionMinutes' keys. */
export const REGION_KEYS: (keyof RegionMinutes)[] = REGIONS as (keyof RegionMinutes)[];
