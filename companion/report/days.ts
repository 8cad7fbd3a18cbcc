/*
 * Local calendar days as integers. A "day number" is the count of days from 1970-01-01 to the local
 * calendar date a moment falls on (in the process's time zone, TZ), so consecutive local days are
 * consecutive integers whatever daylight saving does to the length of a day. Pure; no I/O.
 */
const DAY_MS = 86400000;

/** Local calendar day of a UTC unix time in seconds. */
export function dayOf(unixSeconds: number): number {
  const d = new Date(unixSeconds * 1000);
  return Math.round(Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()) / DAY_MS);
}

/** Day number of a `YYYY-MM-DD` date, or null when the text is not a real date. */
export function parseDate(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return null;
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3]);
  const day = ms / DAY_MS;
  return dateText(day) === text ? day : null;
}

/** `YYYY-MM-DD` of a day number. */
export function dateText(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** ISO weekday of a day number: 0 Monday … 6 Sunday (1970-01-01 was a Thursday). */
export function weekday(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

/** Day number of the Monday that starts the ISO week holding `day`. */
export function weekStart(day: number): number {
  return day - weekday(day);
}

/** ISO 8601 week label, e.g. `2026-W48`: the week belongs to the year of its Thursday. */
export function isoWeekText(day: number): string {
  const thursday = weekStart(day) + 3;
  const year = new Date(thursday * DAY_MS).getUTCFullYear();
  const week = Math.floor((thursday - Date.UTC(year, 0, 1) / DAY_MS) / 7) + 1;
  return year + "-W" + (week < 10 ? "0" : "") + week;
}

/** Local `YYYY-MM-DD HH:MM` of a unix time, for history lines. */
export function localDateTime(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  return (
    dateText(dayOf(unixSeconds)) + " " + String(d.getHours()).padStart(2, "0") + ":" + String(d.getMinutes()).padStart(2, "0")
  );
}

/** Unix seconds of the local midnight that starts a day number. */
export function dayStartUnix(day: number): number {
  const t = new Date(day * DAY_MS);
  return new Date(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate()).getTime() / 1000;
}
