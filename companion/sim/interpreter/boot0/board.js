/*
 * .boot0, part 5: the board. process.env.BOARD names the board the firmware picks its row by
 * (the Linux build says LINUX_PUCKMEM); E.getBattery exists only where the board has it (O.percent
 * given).
 */
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
