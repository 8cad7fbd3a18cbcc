import { boardFor } from "../shared/boards";

/** This board's row of the shared board table (pins, PWM, battery API, MTU). */
export const board = boardFor(process.env.BOARD);

/** ATT payload this board can carry (its MTU less 3). */
export const boardPayload = board.mtu - 3;

const V_EMPTY = 2.2;
const V_FULL = 3.0;

/** Battery percent 0..100, or 255 when the board cannot tell. */
export function batteryPercent(): number {
  let p: number;
  try {
    p = board.battery === "E" ? E.getBattery() : ((NRF.getBattery() - V_EMPTY) * 100) / (V_FULL - V_EMPTY);
  } catch (e) {
    return 255;
  }
  if (!(p >= 0)) return p < 0 ? 0 : 255;
  return p > 100 ? 100 : Math.round(p);
}
