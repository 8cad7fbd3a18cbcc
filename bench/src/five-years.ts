/**
 * Five years of generated daily use, as sync stores it (rows with their 20 raw bytes): the history
 * the companion and web suites time their store steps and reports on.
 */
import type { NewSession } from "../../companion/history/store";
import { END_NAMES } from "../../shared/codes";
import { PRESET_NAMES } from "../../shared/presets";
import { RECORD_BYTES, encodeRecord } from "../../shared/record";
import { seededRandom } from "../../companion/sim/board/prng";

export const DAY = 86400;
/** "Today" of the report: fixed, so every run computes the same figures. */
export const TODAY = "2031-06-30";
export const TODAY_UNIX = Date.parse(`${TODAY}T12:00:00Z`) / 1000;
export const YEARS = 5;

const PLANNED = [240, 900, 900];

export function row(seq: number, start: number, program: number, stoppedEarly: boolean, battery: number): NewSession {
  const planned = PLANNED[program];
  const actual = stoppedEarly ? Math.floor(planned * 0.4) : planned;
  const third = Math.floor(planned / 3);
  const regions = [Math.min(actual, third), Math.max(0, Math.min(actual - third, third)), Math.max(0, actual - 2 * third)];
  const end = stoppedEarly ? 1 : 0;
  const raw = new Uint8Array(RECORD_BYTES);
  encodeRecord({ seq, start, planned, regions, program, end, uptime: false, boot: 1, battery }, raw, 0);
  return {
    seq,
    start_unix: start,
    time_source: "clock",
    program,
    program_name: PRESET_NAMES[program],
    planned_s: planned,
    actual_s: actual,
    front_s: regions[0],
    crown_s: regions[1],
    back_s: regions[2],
    end_reason: END_NAMES[end],
    battery,
    raw,
  };
}

/** Five years of realistic use: most days one session (the 4-minute preset), some days none or two, a calm session twice a week. */
export function history(years: number, seed = 7): NewSession[] {
  const rnd = seededRandom(seed);
  const rows: NewSession[] = [];
  const days = years * 365;
  const first = TODAY_UNIX - days * DAY;
  let seq = 1;
  let battery = 100;
  for (let d = 0; d < days; d++) {
    const morning = first + d * DAY - 4 * 3600 + Math.floor(rnd() * 3600);
    if (rnd() < 0.86) rows.push(row(seq++, morning, rnd() < 0.2 ? 1 : 0, rnd() < 0.05, battery));
    if (d % 7 === 2 || d % 7 === 5) rows.push(row(seq++, morning + 12 * 3600, 2, rnd() < 0.08, battery));
    battery = battery <= 20 ? 100 : battery - (rnd() < 0.5 ? 1 : 0);
  }
  return rows;
}
