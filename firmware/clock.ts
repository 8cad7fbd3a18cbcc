/*
 * Time. getTime() jumps when TIME_SET calls setTime(), so everything that measures durations
 * (sessions, uptime) reads now(): milliseconds on a clock that setClock() never moves, 0 at load.
 */
export let clockAdj = getTime() * 1000;
/** Whether a central has set the wall clock since boot. */
export let clockSet = false;

export const now = (): number => {
  return getTime() * 1000 - clockAdj;
};

/** Sets the wall clock (unix seconds) without moving now(). */
export const setClock = (unix: number): void => {
  const m = now();
  setTime(unix);
  clockAdj = getTime() * 1000 - m;
  clockSet = true;
};
