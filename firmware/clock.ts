/**
 * Time. getTime() jumps when TIME_SET calls setTime(), so everything that measures durations
 * (sessions, gestures, uptime) reads now(): milliseconds on a clock that setClock() never moves.
 */
let adj = 0;
let boot0 = 0;
let isSet = false;

export function now(): number {
  return getTime() * 1000 - adj;
}

/** Marks the load time as uptime 0. */
export function clockInit(): void {
  boot0 = now();
}

export function uptimeS(): number {
  return Math.floor((now() - boot0) / 1000);
}

/** Uptime seconds at a now() value. */
export function uptimeAt(ms: number): number {
  return Math.round((ms - boot0) / 1000);
}

/** Sets the wall clock (unix seconds) without moving now(). */
export function setClock(unix: number): void {
  const m = now();
  setTime(unix);
  adj = getTime() * 1000 - m;
  isSet = true;
}

export function clockSet(): boolean {
  return isSet;
}

/** Unix seconds at a now() value (meaningful once the clock is set). */
export function unixAt(ms: number): number {
  return Math.round((ms + adj) / 1000);
}
