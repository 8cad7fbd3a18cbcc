/*
 * .boot0, part 5: the board. process.env.BOARD names the board the firmware picks its row by
 * (the Linux build says LINUX_PUCKMEM); E.getBattery exists only where the board has it (O.percent
 * given).
 */
/* The Linux build's E.hwRand is C's unseeded rand(): the same numbers every run, where a board's
 * radio gives true random ones. Seeded here by the microseconds of the real time at boot (clock.js
 * t0), nonces and a new log's id differ between boots as they do on a board. */
var seed = ((t0 % 4096) * 1e6) | 0 || 1;
E.hwRand = function () {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return seed;
};
Object.defineProperty(process, "env", { value: { BOARD: O.board, VERSION: process.version } });
if (O.percent !== undefined)
  E.getBattery = function () {
    return O.percent;
  };
/* H.v(volts, percent): the cell as the driver sets it (a battery running down, say). */
H.v = function (v, p) {
  O.volts = v;
  O.percent = p;
};
