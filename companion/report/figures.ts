import { PRESET_STUDIES, PROTOCOLS } from "../../shared/studies";
import { REGIONS } from "../../shared/program";
import type { SessionRow } from "../history/store";
import { dateText, dayOf, isoWeekText, weekStart } from "./days";
import { type Tally, tally } from "./tally";

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
 *   - a day meets the 4-minute protocol when its total actual seconds are >= 240.
 *   - a day is in the 11-20 minute range when its total actual seconds are >= 660 and <= 1200.
 *   - week: an ISO week, Monday to Sunday, of local days.
 *   - a counted session: a session with actual_s > 0 (one started and stopped at once is not
 *     counted). Every "sessions" figure counts these, except sessions.total and sessions.byEnd,
 *     which count every row.
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
  minutesPerDay: number;
  /** counted sessions in the window */
  sessions: number;
  /** days in the window with at least one counted session */
  activeDays: number;
  /** days in the window whose total is >= 4 minutes */
  daysMeeting4Min: number;
  /** days in the window whose total is within 11-20 minutes (inclusive) */
  daysIn11to20: number;
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
}

export interface WeekSeries {
  /** ISO week, e.g. 2026-W48 */
  week: string;
  /** date of its Monday */
  start: string;
  /** counted sessions */
  sessions: number;
  minutes: number;
}

export interface Report {
  reportVersion: number;
  /** the time zone days are counted in */
  timeZone: string;
  note: string;
  sessions: {
    /** every session up to and including today */
    total: number;
    /** of those, sessions with actual_s = 0: not counted anywhere else */
    zeroLength: number;
    /** sessions starting after today, left out of every figure */
    afterToday: number;
    /** sessions whose start time the companion could only estimate (their day may be off) */
    estimatedTime: number;
    /** date of the first and the last session, null without sessions */
    firstDate: string | null;
    lastDate: string | null;
    /** every session up to today per end reason, every reason listed */
    byEnd: { [reason: string]: number };
  };
  /** the day the report is computed for */
  today: {
    /** YYYY-MM-DD, local */
    date: string;
    minutes: number;
    /** counted sessions today */
    sessions: number;
  };
  last7Days: Window;
  last30Days: Window;
  /** Protocol 1: 4 minutes a day for 24 weeks (2016 controlled study). */
  daily4Min: {
    study: string;
    minutesPerDay: number;
    /** consecutive days meeting 4 min that end today, or end yesterday while today does not meet yet */
    currentStreakDays: number;
    /** whether today already meets */
    todayMet: boolean;
    /** the longest run of consecutive days meeting 4 min, up to today */
    longestStreakDays: number;
    /** the last day of that run (the most recent one on a tie), null when there is none */
    longestStreakEnd: string | null;
    /** days meeting 4 min from the first session's day to today */
    daysMeeting: number;
    /** days from the first session's day to today, both included; 0 without sessions */
    daysElapsed: number;
    /** daysMeeting / daysElapsed (0 without sessions) */
    adherence: number;
    /** the 24-week course, counted from the first session's day; null without sessions */
    course: null | {
      weeks: number;
      startDate: string;
      /** startDate + 24 weeks - 1 day: the course's last day */
      endDate: string;
      /** the course week today falls in, 1..24 (24 once the course is over) */
      week: number;
      /** days of the course up to today, 1..168 */
      daysElapsed: number;
      /** of those, days meeting 4 min */
      daysMeeting: number;
      /** daysMeeting / daysElapsed */
      adherence: number;
      /** today is after the course's last day */
      complete: boolean;
    };
  };
  /** Protocol 2: 11-20 minutes a day for about 7.5 months (2019 survey). */
  daily11to20: {
    study: string;
    rangeMinutes: number[];
    /** days in the range from the first session's day to today */
    daysInRange: number;
    /** days above 20 minutes in that span */
    daysAbove: number;
    /** daysInRange / daily4Min.daysElapsed (0 without sessions) */
    share: number;
  };
  /** Protocol 3: twice a week for 10 weeks (stress study). */
  twiceWeekly: {
    study: string;
    sessionsPerWeek: number;
    /** the ISO week holding today */
    /** counted sessions in it, and whether they are >= 2 */
    currentWeek: { week: string; sessions: number; meets: boolean };
    /** ISO weeks from the first session's week to the current week, both included */
    weeksElapsed: number;
    /** of those, weeks with >= 2 counted sessions (the current week included once it has 2) */
    weeksMeeting: number;
    /** weeksMeeting / weeksElapsed (0 without sessions) */
    share: number;
    /** consecutive weeks meeting it that end with the current week, or with the last one while the current week does not meet yet */
    currentStreakWeeks: number;
    /** counted sessions in those weeks / weeksElapsed, rounded to 0.1 */
    averageSessionsPerWeek: number;
  };
  /** Actual minutes per scalp region (front: hairline and temples; crown; back: occiput and nape). */
  regions: {
    allTime: RegionMinutes;
    last30Days: RegionMinutes;
  };
  /** "Whether the person moved when cued", as far as the device can know: see CUE_MEANING. */
  reachedEveryRegion: {
    name: string;
    meaning: string;
    /** counted preset sessions: their region plan is known */
    sessionsWithKnownPlan: number;
    /** of those, sessions with more than 0 seconds in every region the preset plans */
    sessionsReachingAll: number;
    /** sessionsReachingAll / sessionsWithKnownPlan (0 when there are none) */
    share: number;
    /** counted custom-program sessions, left out */
    sessionsUnknownPlan: number;
  };
  /** Chart data: every day and every ISO week of the last 26 weeks (the current week included). */
  series: {
    days: DaySeries[];
    weeks: WeekSeries[];
  };
}

const DAILY_S = PROTOCOLS.dailyShortMinutes * 60;
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
    reportVersion: REPORT_VERSION,
    timeZone: timeZone,
    note: HONEST_NOTE,
    sessions: sessionsFigures(t),
    today: { date: dateText(today), minutes: minutes(t.daySeconds[today - t.from]), sessions: t.daySessions[today - t.from] },
    last7Days: windowOf(t, 7),
    last30Days: windowOf(t, 30),
    daily4Min: daily4Min(t),
    daily11to20: daily11to20(t),
    twiceWeekly: twiceWeekly(t),
    regions: { allTime: regionMinutes(t.regionsAll), last30Days: regionMinutes(t.regions30) },
    reachedEveryRegion: {
      name: CUE_NAME,
      meaning: CUE_MEANING,
      sessionsWithKnownPlan: t.knownPlan,
      sessionsReachingAll: t.reachingAll,
      share: share(t.reachingAll, t.knownPlan),
      sessionsUnknownPlan: t.unknownPlan,
    },
    series: chartSeries(t),
  };
}

// ------------------------------------------------------------------ the figures, from the tally

const meets = (t: Tally, d: number) => t.daySeconds[d - t.from] >= DAILY_S;
const inRange = (t: Tally, d: number) => t.daySeconds[d - t.from] >= RANGE_LO_S && t.daySeconds[d - t.from] <= RANGE_HI_S;
/** Days from the first session's day to today, both included; 0 without sessions. */
const daysElapsed = (t: Tally) => (t.any ? t.today - t.first + 1 : 0);

function sessionsFigures(t: Tally): Report["sessions"] {
  return {
    total: t.total,
    zeroLength: t.zeroLength,
    afterToday: t.afterToday,
    estimatedTime: t.estimated,
    firstDate: t.any ? dateText(t.first) : null,
    lastDate: t.any ? dateText(t.last) : null,
    byEnd: t.byEnd,
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
    minutesPerDay: minutes(seconds / n),
    sessions: sessions,
    activeDays: active,
    daysMeeting4Min: met,
    daysIn11to20: ranged,
  };
}

function daily4Min(t: Tally): Report["daily4Min"] {
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
    study: PRESET_STUDIES[0],
    minutesPerDay: PROTOCOLS.dailyShortMinutes,
    currentStreakDays: current,
    todayMet: todayMet,
    longestStreakDays: longest,
    longestStreakEnd: longest > 0 ? dateText(longestEnd) : null,
    daysMeeting: daysMeeting,
    daysElapsed: elapsed,
    adherence: share(daysMeeting, elapsed),
    course: course(t),
  };
}

/** The 24-week course, counted from the first session's day. */
function course(t: Tally): Report["daily4Min"]["course"] {
  if (!t.any) return null;
  const elapsed = Math.min(t.today - t.first + 1, COURSE_DAYS);
  let met = 0;
  for (let d = t.first; d < t.first + elapsed; d++) if (meets(t, d)) met++;
  return {
    weeks: PROTOCOLS.courseWeeks,
    startDate: dateText(t.first),
    endDate: dateText(t.first + COURSE_DAYS - 1),
    week: Math.floor((elapsed - 1) / 7) + 1,
    daysElapsed: elapsed,
    daysMeeting: met,
    adherence: share(met, elapsed),
    complete: t.today - t.first + 1 > COURSE_DAYS,
  };
}

function daily11to20(t: Tally): Report["daily11to20"] {
  let daysInRange = 0;
  let daysAbove = 0;
  if (t.any) {
    for (let d = t.first; d <= t.today; d++) {
      if (inRange(t, d)) daysInRange++;
      else if (t.daySeconds[d - t.from] > RANGE_HI_S) daysAbove++;
    }
  }
  return {
    study: PRESET_STUDIES[1],
    rangeMinutes: PROTOCOLS.dailyRangeMinutes.slice(),
    daysInRange: daysInRange,
    daysAbove: daysAbove,
    share: share(daysInRange, daysElapsed(t)),
  };
}

/** Passes over the weeks, from the first session's week to the current one. */
function twiceWeekly(t: Tally): Report["twiceWeekly"] {
  const weekly = PROTOCOLS.weeklySessions;
  const w0 = t.any ? (weekStart(t.first) - t.weekFrom) / 7 : t.weekCount - 1;
  const wNow = t.weekCount - 1;
  let weeksMeeting = 0;
  let weekCounted = 0;
  for (let w = w0; w <= wNow; w++) {
    weekCounted += t.weekSessions[w];
    if (t.weekSessions[w] >= weekly) weeksMeeting++;
  }
  const weeksElapsed = t.any ? wNow - w0 + 1 : 0;
  let weekStreak = 0;
  const nowMeets = t.weekSessions[wNow] >= weekly;
  for (let w = nowMeets ? wNow : wNow - 1; w >= w0 && t.weekSessions[w] >= weekly; w--) weekStreak++;
  return {
    study: PRESET_STUDIES[2],
    sessionsPerWeek: weekly,
    currentWeek: { week: isoWeekText(t.today), sessions: t.weekSessions[wNow], meets: nowMeets },
    weeksElapsed: weeksElapsed,
    weeksMeeting: weeksMeeting,
    share: share(weeksMeeting, weeksElapsed),
    currentStreakWeeks: weekStreak,
    averageSessionsPerWeek: weeksElapsed > 0 ? Math.round((weekCounted / weeksElapsed) * 10) / 10 : 0,
  };
}

function regionMinutes(s: number[]): RegionMinutes {
  return { front: minutes(s[0]), crown: minutes(s[1]), back: minutes(s[2]) };
}

/** Every day and every ISO week of the chart window. */
function chartSeries(t: Tally): Report["series"] {
  const days: DaySeries[] = [];
  for (let d = t.chartStart; d <= t.today; d++) {
    days.push({ date: dateText(d), minutes: minutes(t.daySeconds[d - t.from]), sessions: t.daySessions[d - t.from] });
  }
  const weeks: WeekSeries[] = [];
  for (let k = 0; k < CHART_WEEKS; k++) {
    const start = t.chartStart + k * 7;
    const w = (start - t.weekFrom) / 7;
    weeks.push({ week: isoWeekText(start), start: dateText(start), sessions: t.weekSessions[w], minutes: minutes(t.weekSeconds[w]) });
  }
  return { days, weeks };
}

/** Region names in display order, matching RegionMinutes' keys. */
export const REGION_KEYS: (keyof RegionMinutes)[] = REGIONS as (keyof RegionMinutes)[];
