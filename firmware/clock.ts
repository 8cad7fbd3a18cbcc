/*
 * Time. getTime() jumps when TIME_SET calls setTime(), so everything that measures durations
 * (sessions, uptime) reads now(): milliseconds on a clock that setClock() never moves, 0 at load.
 */
let adj = 0;
/** Whether a central has set the wall clock since boot. */
export let clockSet = false;

export const now = (): number => {
  return getTime() * 1000 - adj;
};

/** Makes now() count from 0 at load (call first). */
export const clockInit = (): void => {
  adj = getTime() * 1000;
};

/** Sets the wall clock (unix seconds) without moving now(). */
export const setClock = (unix: number): void => {
  const m = now();
  setTime(unix);
  adj = getTime() * 1000 - m;
  clockSet = true;
};

/** Unix seconds (once the clock is set) at a now() value. */
export const unixAt = (ms: number): number => {
  return Math.round((ms + adj) / 1000);
};
