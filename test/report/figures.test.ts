process.env.TZ = "UTC";
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { computeReport, CUE_MEANING, CUE_NAME, HONEST_NOTE } from "../../companion/report/figures";
import { dayOf, parseDate } from "../../companion/report/days";
import { PRESET_STUDIES } from "../../shared/studies";
import { history30, TODAY } from "./history30";
import { readHistory, writeHistory } from "./sqlite";

const dir = mkdtempSync(join(tmpdir(), "massager-report-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("report figures over 30 days with known gaps (history30.ts)", () => {
  const file = join(dir, "history.sqlite");
  writeHistory(file, history30());
  const report = computeReport(readHistory(file), { today: parseDate(TODAY)! });

  it("counts sessions", () => {
    expect(report.reportVersion).toBe(1);
    expect(report.timeZone).toBe("UTC");
    expect(report.note).toBe(HONEST_NOTE);
    expect(report.note).toMatch(/not a measure of hair growth/);
    expect(report.sessions).toEqual({
      total: 24, // 25 rows, less the one on 11-26
      zeroLength: 1, // 11-18 link-lost
      afterToday: 1,
      estimatedTime: 1, // 11-24
      firstDate: "2026-10-27",
      lastDate: "2026-11-25",
      // finished: days 1,2,3,5,7,9-13,14, two on 15, 16, 20, 21, the P1 on 28, 29 = 18
      // stopped: 6, two on 8, the P2 on 28 = 4; link-lost: 23; stopped-remote: 30
      byEnd: { finished: 18, stopped: 4, "stopped-remote": 1, "link-lost": 1, "safety-limit": 0, battery: 0 },
    });
  });

  it("minutes today and per day over the last 7 and 30 days", () => {
    // today: one 200 s session = 3.33 min
    expect(report.today).toEqual({ date: "2026-11-25", minutes: 3.3, sessions: 1 });
    // 11-19..11-25: 0+0+0+0+1300+240+200 = 1740 s = 29.0 min; /7 = 4.14 min a day
    expect(report.last7Days).toEqual({
      days: 7,
      minutes: 29,
      minutesPerDay: 4.1,
      sessions: 4, // two on 11-23, one on 11-24, one today
      activeDays: 3,
      daysMeeting4Min: 2, // 11-23 (1300 s), 11-24 (240 s); today has 200 s
      daysIn11to20: 0, // 11-23 is 21.7 min: above
    });
    // all 30 days: 720+900+150+240+270+1200+240+1140+240+600+900+1300+240+200 = 8340 s = 139.0 min;
    // /30 = 278 s = 4.63 min a day
    expect(report.last30Days).toEqual({
      days: 30,
      minutes: 139,
      minutesPerDay: 4.6,
      sessions: 23, // 24, less the zero-length one
      activeDays: 20, // days 1-3, 5-16, 20, 21, 28-30
      daysMeeting4Min: 18,
      daysIn11to20: 3, // 10-31 (900 s), 11-10 (1140 s), 11-16 (900 s)
    });
  });

  it("the 4-minute daily protocol: streaks, adherence, the 24-week course", () => {
    expect(report.daily4Min).toEqual({
      study: PRESET_STUDIES[0],
      minutesPerDay: 4,
      // today (200 s) does not meet yet; 11-24 and 11-23 do, 11-22 is a gap
      currentStreakDays: 2,
      todayMet: false,
      // runs: 10-27..10-29 (3), 10-31 (1), 11-02..11-11 (10: 11-03 meets with 120+150 s), 11-15..16 (2), 11-23..24 (2)
      longestStreakDays: 10,
      longestStreakEnd: "2026-11-11",
      // meeting days: 1,2,3,5,7-16,20,21,28,29 = 18 of 30
      daysMeeting: 18,
      daysElapsed: 30,
      adherence: 0.6,
      course: {
        weeks: 24,
        startDate: "2026-10-27",
        // 167 days later: Oct 31 (+4), Nov 30 (+34), Dec 31 (+65), Jan 31 (+96), Feb 28 (+124), Mar 31 (+155), Apr 12 (+167)
        endDate: "2027-04-12",
        week: 5, // days 29-35 of the course are its week 5
        daysElapsed: 30,
        daysMeeting: 18,
        adherence: 0.6,
        complete: false,
      },
    });
  });

  it("the 11-20 minute protocol", () => {
    expect(report.daily11to20).toEqual({
      study: PRESET_STUDIES[1],
      rangeMinutes: [11, 20],
      daysInRange: 3, // 900, 1140, 900 s; 600 s (11-15) is below, 1300 s (11-23) above
      daysAbove: 1,
      share: 0.1, // 3 / 30
    });
  });

  it("the twice-weekly protocol, per ISO week", () => {
    // counted sessions: W44 5 (days 1,2,3,5,6), W45 8 (7, two on 8, 9-13), W46 5 (14, two on 15, 16, 20),
    // W47 1 (11-16; the zero-length one on 11-18 is not counted), W48 4 (two on 23, 24, 25)
    expect(report.twiceWeekly).toEqual({
      study: PRESET_STUDIES[2],
      sessionsPerWeek: 2,
      currentWeek: { week: "2026-W48", sessions: 4, meets: true },
      weeksElapsed: 5,
      weeksMeeting: 4,
      share: 0.8,
      currentStreakWeeks: 1, // W48 meets, W47 does not
      averageSessionsPerWeek: 4.6, // 23 / 5
    });
  });

  it("minutes per scalp region", () => {
    // front: 3*80 + 300 + 80 + 80 + 2*80 + 5*80 + 80 + 300+80 + 80 + 200 + 300 + 300+300 + 80 + 80 = 3060 s = 51.0
    // crown: 3*80 + 300 + 70 + 80 + 40+70 + 5*80 + 80 + 300+80 + 80 + 200 + 300 + 300+100 + 80 + 80 = 2800 s = 46.67
    // back:  3*80 + 300 + 0 + 80 + 0 + 5*80 + 80 + 300+80 + 80 + 200 + 300 + 300+0 + 80 + 40 = 2480 s = 41.33
    // (3060 + 2800 + 2480 = 8340, the total); every session is inside the last 30 days
    const expected = { front: 51, crown: 46.7, back: 41.3 };
    expect(report.regions).toEqual({ allTime: expected, last30Days: expected });
  });

  it("sessions that reached every planned region (the cue figure)", () => {
    // counted preset sessions: 23 counted less the custom one = 22; those missing a region:
    // 11-01 (back 0), both on 11-03 (back 0), the P2 on 11-23 (back 0) = 4, so 18 reach all three
    expect(report.reachedEveryRegion).toEqual({
      name: CUE_NAME,
      meaning: CUE_MEANING,
      sessionsWithKnownPlan: 22,
      sessionsReachingAll: 18,
      share: 0.818, // 18 / 22
      sessionsUnknownPlan: 1,
    });
    expect(report.reachedEveryRegion.meaning).toMatch(/cannot see your head/);
  });

  it("chart series: every day and week of the last 26 weeks", () => {
    // Monday of the current week 11-23, less 25 weeks = Mon 2026-06-01; 175 days + Mon..Wed = 178
    const days = report.series.days;
    expect(days.length).toBe(178);
    expect(days[0]).toEqual({ date: "2026-06-01", minutes: 0, sessions: 0 });
    expect(days[177]).toEqual({ date: "2026-11-25", minutes: 3.3, sessions: 1 });
    expect(days.find((d) => d.date === "2026-11-03")).toEqual({ date: "2026-11-03", minutes: 4.5, sessions: 2 });
    expect(days.find((d) => d.date === "2026-11-18")).toEqual({ date: "2026-11-18", minutes: 0, sessions: 0 });
    expect(days.reduce((s, d) => s + d.sessions, 0)).toBe(23);
    const weeks = report.series.weeks;
    expect(weeks.length).toBe(26);
    expect(weeks[0]).toEqual({ week: "2026-W23", start: "2026-06-01", sessions: 0, minutes: 0 });
    expect(weeks.slice(-5)).toEqual([
      { week: "2026-W44", start: "2026-10-26", sessions: 5, minutes: 29.5 }, // 720+900+150 = 1770 s
      { week: "2026-W45", start: "2026-11-02", sessions: 8, minutes: 28.5 }, // 240+270+1200 = 1710 s
      { week: "2026-W46", start: "2026-11-09", sessions: 5, minutes: 37 }, // 240+1140+240+600 = 2220 s
      { week: "2026-W47", start: "2026-11-16", sessions: 1, minutes: 15 }, // 900 s
      { week: "2026-W48", start: "2026-11-23", sessions: 4, minutes: 29 }, // 1740 s
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
           planned_s: 240, actual_s: 240, front_s: 80, crown_s: 80, back_s: 80, end_reason: "finished", battery: 90 }],
        { today: parseDate("2026-11-25")! },
      );
      expect(r.timeZone).toBe("America/New_York");
      expect(r.sessions.firstDate).toBe("2026-11-24");
      expect(r.today.minutes).toBe(0);
      expect(r.daily4Min.currentStreakDays).toBe(1);
    } finally {
      process.env.TZ = "UTC";
    }
  });

  it("windows end today: a session 30 days back is outside the last 30 days, 29 days back inside", () => {
    const at = (date: string, front: number) => ({
      device_id: "d", seq: front, start_unix: Date.parse(date + "T12:00:00Z") / 1000, time_source: "clock", program: 0,
      program_name: null, planned_s: 240, actual_s: front, front_s: front, crown_s: 0, back_s: 0, end_reason: "stopped", battery: null,
    });
    const r = computeReport([at("2026-10-26", 60), at("2026-10-27", 120)], { today: parseDate("2026-11-25")! });
    expect(r.regions.allTime.front).toBe(3);
    expect(r.regions.last30Days.front).toBe(2);
    expect(r.last30Days.minutes).toBe(2);
    expect(r.daily4Min.daysElapsed).toBe(31);
    expect(r.daily4Min.longestStreakDays).toBe(0);
    expect(r.daily4Min.longestStreakEnd).toBe(null);
    expect(r.reachedEveryRegion.sessionsReachingAll).toBe(0);
  });

  it("an empty history gives zeros, not errors", () => {
    const r = computeReport([], { today: parseDate("2026-11-25")! });
    expect(r.sessions.total).toBe(0);
    expect(r.daily4Min.course).toBe(null);
    expect(r.daily4Min.adherence).toBe(0);
    expect(r.twiceWeekly.weeksElapsed).toBe(0);
    expect(r.series.days.length).toBe(178);
  });
});
