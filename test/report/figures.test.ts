process.env.TZ = "UTC";
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { computeReport, CUE_MEANING, CUE_NAME, HONEST_NOTE } from "../../companion/report/figures";
import { dayOf, parseDate } from "../../companion/report/days";
import { PRESET_STUDIES } from "../../shared/studies";
import { RULES } from "../../companion/report/rules";
import type { SessionRow } from "../../companion/history/store";
import { history30, TODAY } from "./history30";
import { readHistory, writeHistory } from "./sqlite";

const dir = mkdtempSync(join(tmpdir(), "massager-report-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("report figures over 30 days with known gaps (history30.ts)", () => {
  const file = join(dir, "history.sqlite");
  writeHistory(file, history30());
  const report = computeReport(readHistory(file), { today: parseDate(TODAY)! });

  it("counts sessions", () => {
    expect(report.report_version).toBe(1);
    expect(report.time_zone).toBe("UTC");
    expect(report.note).toBe(HONEST_NOTE);
    expect(report.note).toMatch(/not a measure of hair growth/);
    expect(report.sessions).toEqual({
      total: 24, // 25 rows, less the one on 11-26
      zero_length: 1, // 11-18 link-lost
      after_today: 1,
      estimated_time: 1, // 11-24
      first_date: "2026-10-27",
      last_date: "2026-11-25",
      // finished: days 1,2,3,5,7,9-13,14, two on 15, 16, 20, 21, the P1 on 28, 29 = 18
      // stopped: 6, two on 8, the P2 on 28 = 4; link-lost: 23; stopped-remote: 30
      by_end: { finished: 18, stopped: 4, "stopped-remote": 1, "link-lost": 1, "safety-limit": 0, battery: 0 },
      last_battery_end_date: null,
    });
  });

  it("minutes today and per day over the last 7 and 30 days", () => {
    // today: one 200 s session = 3.33 min
    expect(report.today).toEqual({ date: "2026-11-25", minutes: 3.3, sessions: 1 });
    // 11-19..11-25: 0+0+0+0+1300+240+200 = 1740 s = 29.0 min; /7 = 4.14 min a day
    expect(report.last_7_days).toEqual({
      days: 7,
      minutes: 29,
      minutes_per_day: 4.1,
      sessions: 4, // two on 11-23, one on 11-24, one today
      active_days: 3,
      days_meeting_4_min: 2, // 11-23 (a 900 s session), 11-24 (240 s); today's session is 200 s
      days_in_11_to_20: 0, // 11-23 is 21.7 min: above
    });
    // all 30 days: 720+900+150+240+270+1200+240+1140+240+600+900+1300+240+200 = 8340 s = 139.0 min;
    // /30 = 278 s = 4.63 min a day
    expect(report.last_30_days).toEqual({
      days: 30,
      minutes: 139,
      minutes_per_day: 4.6,
      sessions: 23, // 24, less the zero-length one
      active_days: 20, // days 1-3, 5-16, 20, 21, 28-30
      days_meeting_4_min: 17, // 11-01 (150 s) and 11-03 (120 + 150 s: no session of 4 min) do not
      days_in_11_to_20: 3, // 10-31 (900 s), 11-10 (1140 s), 11-16 (900 s)
    });
  });

  it("the 4-minute daily protocol: streaks, adherence, the 24-week course", () => {
    expect(report.daily_4_min).toEqual({
      study: PRESET_STUDIES[0],
      rule: RULES.daily4Min.rule,
      source: RULES.daily4Min.source,
      minutes_per_day: 4,
      // today (200 s) does not meet yet; 11-24 and 11-23 do, 11-22 is a gap
      current_streak_days: 2,
      today_met: false,
      // runs: 10-27..10-29 (3), 10-31 (1), 11-02 (1), 11-04..11-11 (8: 11-03 has 270 s, but no session of 4 min), 11-15..16 (2), 11-23..24 (2)
      longest_streak_days: 8,
      longest_streak_end: "2026-11-11",
      // meeting days: 1,2,3,5,7,9-16,20,21,28,29 = 17 of 30
      days_meeting: 17,
      days_elapsed: 30,
      adherence: 0.567,
      course: {
        weeks: 24,
        start_date: "2026-10-27",
        // 167 days later: Oct 31 (+4), Nov 30 (+34), Dec 31 (+65), Jan 31 (+96), Feb 28 (+124), Mar 31 (+155), Apr 12 (+167)
        end_date: "2027-04-12",
        week: 5, // days 29-35 of the course are its week 5
        days_elapsed: 30,
        days_meeting: 17,
        adherence: 0.567,
        complete: false,
      },
    });
  });

  it("the 11-20 minute protocol", () => {
    expect(report.daily_11_to_20).toEqual({
      study: PRESET_STUDIES[1],
      rule: RULES.daily11to20.rule,
      source: RULES.daily11to20.source,
      range_minutes: [11, 20],
      days_in_range: 3, // 900, 1140, 900 s; 600 s (11-15) is below, 1300 s (11-23) above
      days_above: 1,
      share: 0.1, // 3 / 30
    });
  });

  it("the twice-weekly protocol, per ISO week: only sessions of 15 minutes or more count", () => {
    // sessions of >= 900 s: W44 1 (10-31), W45 0, W46 1 (11-10), W47 1 (11-16), W48 1 (11-23; its 400 s one is shorter)
    expect(report.twice_weekly).toEqual({
      study: PRESET_STUDIES[2],
      rule: RULES.twiceWeekly.rule,
      source: RULES.twiceWeekly.source,
      sessions_per_week: 2,
      session_minutes: 15,
      current_week: { week: "2026-W48", sessions: 1, shorter_sessions: 3, meets: false },
      weeks_elapsed: 5,
      weeks_meeting: 0,
      share: 0,
      current_streak_weeks: 0,
      average_sessions_per_week: 0.8, // 4 / 5
    });
  });

  it("minutes per scalp region", () => {
    // front: 3*80 + 300 + 80 + 80 + 2*80 + 5*80 + 80 + 300+80 + 80 + 200 + 300 + 300+300 + 80 + 80 = 3060 s = 51.0
    // crown: 3*80 + 300 + 70 + 80 + 40+70 + 5*80 + 80 + 300+80 + 80 + 200 + 300 + 300+100 + 80 + 80 = 2800 s = 46.67
    // back:  3*80 + 300 + 0 + 80 + 0 + 5*80 + 80 + 300+80 + 80 + 200 + 300 + 300+0 + 80 + 40 = 2480 s = 41.33
    // (3060 + 2800 + 2480 = 8340, the total); every session is inside the last 30 days
    const expected = { front: 51, crown: 46.7, back: 41.3 };
    expect(report.regions).toEqual({ all_time: expected, last_30_days: expected });
  });

  it("sessions that reached every planned region (the cue figure)", () => {
    // counted preset sessions: 23 counted less the custom one = 22; those missing a region:
    // 11-01 (back 0), both on 11-03 (back 0), the P2 on 11-23 (back 0) = 4, so 18 reach all three
    expect(report.reached_every_region).toEqual({
      name: CUE_NAME,
      meaning: CUE_MEANING,
      sessions_with_known_plan: 22,
      sessions_reaching_all: 18,
      share: 0.818, // 18 / 22
      sessions_unknown_plan: 1,
    });
    expect(report.reached_every_region.meaning).toMatch(/cannot see your head/);
  });

  it("chart series: every day and week of the last 26 weeks", () => {
    // Monday of the current week 11-23, less 25 weeks = Mon 2026-06-01; 175 days + Mon..Wed = 178
    const days = report.series.days;
    expect(days.length).toBe(178);
    const none = { meets_4_min: false, in_11_to_20: false, above_20: false };
    expect(days[0]).toEqual({ date: "2026-06-01", minutes: 0, sessions: 0, ...none });
    expect(days[177]).toEqual({ date: "2026-11-25", minutes: 3.3, sessions: 1, ...none });
    expect(days.find((d) => d.date === "2026-11-03")).toEqual({ date: "2026-11-03", minutes: 4.5, sessions: 2, ...none });
    expect(days.find((d) => d.date === "2026-11-10")).toEqual({ date: "2026-11-10", minutes: 19, sessions: 2, meets_4_min: true, in_11_to_20: true, above_20: false });
    expect(days.find((d) => d.date === "2026-11-23")).toEqual({ date: "2026-11-23", minutes: 21.7, sessions: 2, meets_4_min: true, in_11_to_20: false, above_20: true });
    expect(days.find((d) => d.date === "2026-11-18")).toEqual({ date: "2026-11-18", minutes: 0, sessions: 0, ...none });
    expect(days.reduce((s, d) => s + d.sessions, 0)).toBe(23);
    const weeks = report.series.weeks;
    expect(weeks.length).toBe(26);
    expect(weeks[0]).toEqual({ week: "2026-W23", start: "2026-06-01", sessions: 0, long_enough: 0, minutes: 0 });
    expect(weeks.slice(-5)).toEqual([
      { week: "2026-W44", start: "2026-10-26", sessions: 5, long_enough: 1, minutes: 29.5 }, // 720+900+150 = 1770 s
      { week: "2026-W45", start: "2026-11-02", sessions: 8, long_enough: 0, minutes: 28.5 }, // 240+270+1200 = 1710 s
      { week: "2026-W46", start: "2026-11-09", sessions: 5, long_enough: 1, minutes: 37 }, // 240+1140+240+600 = 2220 s
      { week: "2026-W47", start: "2026-11-16", sessions: 1, long_enough: 1, minutes: 15 }, // 900 s
      { week: "2026-W48", start: "2026-11-23", sessions: 4, long_enough: 1, minutes: 29 }, // 1740 s
    ]);
  });
});

describe("days are local calendar days", () => {
  it("puts a late-evening session on the local day, not the UTC one", () => {
    const unix = Date.parse("2026-11-25T03:30:00Z") / 1000; // 22:30 on 11-24 in New York
    process.env.TZ = "America/New_York";
    try {
      expect(dayOf(unix)).toBe(parseDate("2026-11-24"));
      const r = computeReport(
        [{ device_id: "d", seq: 1, start_unix: unix, time_source: "clock", program: 0, program_name: "Daily 4 min",
           planned_s: 240, actual_s: 240, front_s: 80, crown_s: 80, back_s: 80, end_reason: "finished", battery: 90, log_id: 1 }],
        { today: parseDate("2026-11-25")! },
      );
      expect(r.time_zone).toBe("America/New_York");
      expect(r.sessions.first_date).toBe("2026-11-24");
      expect(r.today.minutes).toBe(0);
      expect(r.daily_4_min.current_streak_days).toBe(1);
    } finally {
      process.env.TZ = "UTC";
    }
  });

  it("windows end today: a session 30 days back is outside the last 30 days, 29 days back inside", () => {
    const at = (date: string, front: number) => ({
      device_id: "d", seq: front, start_unix: Date.parse(date + "T12:00:00Z") / 1000, time_source: "clock", program: 0,
      program_name: null, planned_s: 240, actual_s: front, front_s: front, crown_s: 0, back_s: 0, end_reason: "stopped", battery: null, log_id: 1,
    });
    const r = computeReport([at("2026-10-26", 60), at("2026-10-27", 120)], { today: parseDate("2026-11-25")! });
    expect(r.regions.all_time.front).toBe(3);
    expect(r.regions.last_30_days.front).toBe(2);
    expect(r.last_30_days.minutes).toBe(2);
    expect(r.daily_4_min.days_elapsed).toBe(31);
    expect(r.daily_4_min.longest_streak_days).toBe(0);
    expect(r.daily_4_min.longest_streak_end).toBe(null);
    expect(r.reached_every_region.sessions_reaching_all).toBe(0);
  });

  it("an empty history gives zeros, not errors", () => {
    const r = computeReport([], { today: parseDate("2026-11-25")! });
    expect(r.sessions.total).toBe(0);
    expect(r.daily_4_min.course).toBe(null);
    expect(r.daily_4_min.adherence).toBe(0);
    expect(r.twice_weekly.weeks_elapsed).toBe(0);
    expect(r.series.days.length).toBe(178);
  });
});

describe("a session counts toward a protocol only when it is long enough for it (rules.ts)", () => {
  const TODAY_DAY = parseDate("2026-11-25")!; // a Wednesday
  let seq = 0;
  const session = (date: string, seconds: number, program = 2): SessionRow => ({
    device_id: "d", log_id: 1, seq: ++seq, start_unix: Date.parse(date + "T08:00:00Z") / 1000, time_source: "clock", program,
    program_name: null, planned_s: 900, actual_s: seconds, front_s: seconds, crown_s: 0, back_s: 0, end_reason: "stopped", battery: null,
  });

  it("twice a week: two sessions of 3 seconds do not meet it, two of 15 minutes do, one of 14:59 does not count", () => {
    const short = computeReport([session("2026-11-23", 3), session("2026-11-24", 3)], { today: TODAY_DAY });
    expect(short.twice_weekly.current_week).toEqual({ week: "2026-W48", sessions: 0, shorter_sessions: 2, meets: false });
    const long = computeReport([session("2026-11-23", 900), session("2026-11-24", 900)], { today: TODAY_DAY });
    expect(long.twice_weekly.current_week).toEqual({ week: "2026-W48", sessions: 2, shorter_sessions: 0, meets: true });
    expect(long.twice_weekly.weeks_meeting).toBe(1);
    const almost = computeReport([session("2026-11-23", 899), session("2026-11-24", 900)], { today: TODAY_DAY });
    expect(almost.twice_weekly.current_week.meets).toBe(false);
  });

  it("4 minutes a day: one session of 4 minutes, not two of 2", () => {
    const two = computeReport([session("2026-11-25", 120, 0), { ...session("2026-11-25", 120, 0), start_unix: Date.parse("2026-11-25T09:00:00Z") / 1000 }], { today: TODAY_DAY });
    expect(two.today.minutes).toBe(4);
    expect(two.daily_4_min.today_met).toBe(false);
    const one = computeReport([session("2026-11-25", 240, 0)], { today: TODAY_DAY });
    expect(one.daily_4_min.today_met).toBe(true);
  });

  it("11-20 minutes a day: the day's sessions of 4 minutes or more, summed", () => {
    const at = (h: number, s: number) => ({ ...session("2026-11-25", s, 0), start_unix: Date.parse(`2026-11-25T${10 + h}:00:00Z`) / 1000 });
    const r = computeReport([at(0, 400), at(1, 300), at(2, 200)], { today: TODAY_DAY }); // 700 s of long-enough sessions; 900 s in all
    expect(r.daily_11_to_20.days_in_range).toBe(1);
    const under = computeReport([at(0, 400), at(1, 200), at(2, 200)], { today: TODAY_DAY }); // 400 s count; 800 s in all
    expect(under.daily_11_to_20.days_in_range).toBe(0);
  });

  it("each rule is stated, with where it comes from", () => {
    for (const r of Object.values(RULES)) {
      expect(r.rule).toMatch(/^A (day|week) counts when/);
      expect(r.source).toMatch(/\b(19|20)\d\d\b/); // a study and its year
    }
  });
});
