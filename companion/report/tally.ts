import { END_NAMES } from "../../shared/codes";
import { PRESET_COUNT, presetProgram } from "../../shared/presets";
import type { SessionRow } from "../history/store";
import { dayOf, weekStart } from "./days";
import { RULES } from "./rules";

/*
 * The one pass over the session rows behind every figure of the report (figures.ts): sums per day
 * and per ISO week from the first session's day (or the chart window's start, when earlier) to
 * today, and the counts that need each row. Pure. The words (day, today, a counted session) are
 * defined in figures.ts.
 */
export interface Tally {
  /** today's day number */
  today: number;
  /** whether any session started on or before today */
  any: boolean;
  /** day of the first and of the last session (±Infinity without sessions) */
  first: number;
  last: number;
  /** sessions up to and including today; of those, zero-length and estimated ones; and those after today */
  total: number;
  zeroLength: number;
  estimated: number;
  afterToday: number;
  /** sessions up to today per end reason, every reason listed */
  byEnd: { [reason: string]: number };
  /** day of the last session that ended because the battery ran low (-Infinity: none) */
  lastBatteryEnd: number;
  /** first day of the chart window (the Monday CHART_WEEKS − 1 weeks before this week's) */
  chartStart: number;
  /** the day index 0 of the day arrays, and the Monday index 0 of the week arrays */
  from: number;
  weekFrom: number;
  weekCount: number;
  /** per day: actual seconds, counted sessions */
  daySeconds: Float64Array;
  daySessions: Int32Array;
  /** per day: sessions long enough for the 4-minute protocol; seconds of sessions long enough for the 11-20 one (rules.ts) */
  dayLong4: Int32Array;
  dayRangeSeconds: Float64Array;
  /** per ISO week: actual seconds, counted sessions, sessions long enough for the twice-weekly protocol */
  weekSeconds: Float64Array;
  weekSessions: Int32Array;
  weekLong: Int32Array;
  /** actual seconds per region (front, crown, back): all time, and the last 30 days */
  regionsAll: number[];
  regions30: number[];
  /** counted preset sessions (their region plan is known), those that reached every planned region, and counted custom ones */
  knownPlan: number;
  reachingAll: number;
  unknownPlan: number;
}

/** For each preset, the regions it plans (indexes into REGIONS). */
const PRESET_PLANS: number[][] = [];
for (let i = 0; i < PRESET_COUNT; i++) {
  const p = presetProgram(i);
  const plan: number[] = [];
  if (p) for (const s of p.steps) if (plan.indexOf(s.region) < 0) plan.push(s.region);
  PRESET_PLANS.push(plan.sort());
}

function regionSeconds(r: SessionRow, region: number): number {
  return region === 0 ? r.front_s : region === 1 ? r.crown_s : r.back_s;
}

export function tally(rows: SessionRow[], today: number, chartWeeks: number): Tally {
  // Pass 1 over the rows: keep today's and earlier ones with their day; find the first and last day.
  const kept: SessionRow[] = [];
  const keptDays: number[] = [];
  let afterToday = 0;
  let first = Infinity;
  let last = -Infinity;
  for (const r of rows) {
    const d = dayOf(r.start_unix);
    if (d > today) {
      afterToday++;
      continue;
    }
    kept.push(r);
    keptDays.push(d);
    if (d < first) first = d;
    if (d > last) last = d;
  }
  const any = kept.length > 0;
  // Day span: the first session's day to today, or just the chart window when that starts earlier.
  const chartStart = weekStart(today) - (chartWeeks - 1) * 7;
  const from = any ? Math.min(first, chartStart) : chartStart;
  const span = today - from + 1;
  const weekFrom = weekStart(from);
  const weekCount = (weekStart(today) - weekFrom) / 7 + 1;
  const t: Tally = {
    today, any, first, last, total: kept.length, zeroLength: 0, estimated: 0, afterToday, byEnd: {}, lastBatteryEnd: -Infinity,
    chartStart, from, weekFrom, weekCount,
    daySeconds: new Float64Array(span),
    daySessions: new Int32Array(span),
    dayLong4: new Int32Array(span),
    dayRangeSeconds: new Float64Array(span),
    weekSeconds: new Float64Array(weekCount),
    weekSessions: new Int32Array(weekCount), // counted sessions (actual_s > 0)
    weekLong: new Int32Array(weekCount),
    regionsAll: [0, 0, 0],
    regions30: [0, 0, 0],
    knownPlan: 0,
    reachingAll: 0,
    unknownPlan: 0,
  };
  for (const name of END_NAMES) t.byEnd[name] = 0;

  // Pass 2 over the kept rows: per-day and per-week sums, regions, end reasons, cue coverage.
  for (let i = 0; i < kept.length; i++) {
    const r = kept[i];
    const d = keptDays[i];
    const actual = r.actual_s || 0;
    const w = (weekStart(d) - weekFrom) / 7;
    t.daySeconds[d - from] += actual;
    t.weekSeconds[w] += actual;
    if (actual > 0) {
      t.daySessions[d - from]++;
      t.weekSessions[w]++;
    } else {
      t.zeroLength++;
    }
    if (actual >= RULES.daily4Min.session_s) t.dayLong4[d - from]++;
    if (actual >= RULES.daily11to20.session_s) t.dayRangeSeconds[d - from] += actual;
    if (actual >= RULES.twiceWeekly.session_s) t.weekLong[w]++;
    t.byEnd[r.end_reason] = (t.byEnd[r.end_reason] || 0) + 1;
    if (r.end_reason === "battery" && d > t.lastBatteryEnd) t.lastBatteryEnd = d;
    if (r.time_source === "estimated") t.estimated++;
    for (let g = 0; g < 3; g++) {
      const s = regionSeconds(r, g) || 0;
      t.regionsAll[g] += s;
      if (d > today - 30) t.regions30[g] += s;
    }
    const plan = r.program >= 0 && r.program < PRESET_PLANS.length ? PRESET_PLANS[r.program] : null;
    if (actual <= 0) {
      // not a counted session: it reached no region and is left out of this figure
    } else if (plan) {
      t.knownPlan++;
      let all = true;
      for (const g of plan) if (!(regionSeconds(r, g) > 0)) all = false;
      if (all) t.reachingAll++;
    } else {
      t.unknownPlan++;
    }
  }
  return t;
}
