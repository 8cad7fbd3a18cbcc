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
