import { deviceBoard } from "../shared/boards";

/** This board's row of the shared board table (pins, PWM, battery API, MTU): shared/boards.ts deviceBoard. */
export const board = deviceBoard(__BUILD_BOARD__ || process.env.BOARD);

/** ATT payload this board can carry (its MTU less 3). */
export const boardPayload = board.mtu - 3;

/** Battery percent 0..100 (NRF volts mapped 2.2 V..3.0 V on boards without E.getBattery), 255 unknown. */
export const batteryPercent = (): number => {
  try {
    const p = board.battery === "E" ? E.getBattery() : (NRF.getBattery() - 2.2) * 125;
    return p >= 0 ? Math.round(Math.min(p, 100)) : p < 0 ? 0 : 255;
  } catch (e) {
    return 255;
  }
};
