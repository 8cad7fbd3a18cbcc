/*
 * A history of 30 days with known gaps, for the report tests (TZ=UTC). Day 1 is Tue 2026-10-27,
 * day 30 ("today") is Wed 2026-11-25. ISO weeks: W44 (Mon 10-26..Sun 11-01), W45 (11-02..11-08),
 * W46 (11-09..11-15), W47 (11-16..11-22), W48 (11-23.., the current week).
 *
 *   day date   sessions (program actual_s = front+crown+back, end)                  day total
 *    1  10-27  P0 240=80+80+80 finished                                              240
 *    2  10-28  P0 240 finished                                                       240
 *    3  10-29  P0 240 finished                                                       240
 *    4  10-30  (gap)                                                                   0
 *    5  10-31  P1 900=300+300+300 finished                                           900
 *    6  11-01  P0 150=80+70+0 stopped                                                150
 *    7  11-02  P0 240 finished                                                       240
 *    8  11-03  P0 120=80+40+0 stopped; P0 150=80+70+0 stopped                        270
 *    9-13      P0 240 finished each day                                              240
 *   14  11-09  P0 240 finished                                                       240
 *   15  11-10  P1 900 finished; P0 240 finished                                     1140
 *   16  11-11  P0 240 finished                                                       240
 *   17-19      (gap)                                                                   0
 *   20  11-15  custom 0x10 'Neck, "slow"' 600=200+200+200 finished                   600
 *   21  11-16  P2 900=300+300+300 finished                                           900
 *   22  11-17  (gap)                                                                   0
 *   23  11-18  P0 0=0+0+0 link-lost (a zero-length session)                           0
 *   24-27      (gap)                                                                   0
 *   28  11-23  P1 900 finished; P2 400=300+100+0 stopped                            1300
 *   29  11-24  P0 240 finished, time_source 'estimated', battery null                 240
 *   30  11-25  P0 200=80+80+40 stopped-remote                                        200
 *   --  11-26  P0 240 finished: after "today", left out of every figure
 */
import type { SessionRow } from "../../companion/history/store";

export const TODAY = "2026-11-25";
export const DEVICE = "c0:ff:ee:00:00:01";
const PRESET = ["Daily 4 min", "Daily 15 min", "Calm 15 min"];

type Spec = [date: string, program: number, front: number, crown: number, back: number, end: string, extra?: Partial<SessionRow>];

const P0 = (date: string, extra?: Partial<SessionRow>): Spec => [date, 0, 80, 80, 80, "finished", extra];

export const SPECS: Spec[] = [
  P0("2026-10-27"),
  P0("2026-10-28"),
  P0("2026-10-29"),
  ["2026-10-31", 1, 300, 300, 300, "finished"],
  ["2026-11-01", 0, 80, 70, 0, "stopped"],
  P0("2026-11-02"),
  ["2026-11-03", 0, 80, 40, 0, "stopped"],
  ["2026-11-03", 0, 80, 70, 0, "stopped"],
  P0("2026-11-04"),
  P0("2026-11-05"),
  P0("2026-11-06"),
  P0("2026-11-07"),
  P0("2026-11-08"),
  P0("2026-11-09"),
  ["2026-11-10", 1, 300, 300, 300, "finished"],
  P0("2026-11-10"),
  P0("2026-11-11"),
  ["2026-11-15", 0x10, 200, 200, 200, "finished", { program_name: 'Neck, "slow"', planned_s: 600 }],
  ["2026-11-16", 2, 300, 300, 300, "finished"],
  ["2026-11-18", 0, 0, 0, 0, "link-lost"],
  ["2026-11-23", 1, 300, 300, 300, "finished"],
  ["2026-11-23", 2, 300, 100, 0, "stopped"],
  P0("2026-11-24", { time_source: "estimated", battery: null }),
  ["2026-11-25", 0, 80, 80, 40, "stopped-remote"],
  P0("2026-11-26"),
];

/** The rows, in order; several sessions on one day start an hour apart from 07:30 UTC. */
export function history30(): SessionRow[] {
  const rows: SessionRow[] = [];
  let previous = "";
  let hour = 7;
  SPECS.forEach(([date, program, front, crown, back, end, extra], i) => {
    hour = date === previous ? hour + 1 : 7;
    previous = date;
    rows.push({
      device_id: DEVICE,
      log_id: 1,
      seq: i + 1,
      start_unix: Date.parse(`${date}T${String(hour).padStart(2, "0")}:30:00Z`) / 1000,
      time_source: "clock",
      program: program,
      program_name: PRESET[program] ?? null,
      planned_s: program === 0 ? 240 : 900,
      actual_s: front + crown + back,
      front_s: front,
      crown_s: crown,
      back_s: back,
      end_reason: end,
      battery: 80 - i,
      ...extra,
    });
  });
  return rows;
}
