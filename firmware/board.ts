import { deviceBoard } from "../shared/boards";
import { Battery } from "../shared/codes";
import {
  BATTERY_CRITICAL, BATTERY_EMPTY_V, BATTERY_FULL_V, BATTERY_HYSTERESIS, BATTERY_LOW, BATTERY_SAG_PER_DUTY,
} from "../shared/limits";

/** This board's row of the shared board table (pins, PWM, battery API, MTU): shared/boards.ts deviceBoard. */
export const board = deviceBoard(__BUILD_BOARD__ || process.env.BOARD);

/** ATT payload this board can carry (its MTU less 3). */
export const boardPayload = board.mtu - 3;

/** The last battery reading in percent (255: unknown) and the state it put the battery in. */
export let batteryPct = 255;
export let batteryState = Battery.Ok;

/**
 * Reads the battery with the motor at PWM duty `duty` (its sag added back: limits.ts
 * BATTERY_SAG_PER_DUTY) and moves batteryState with hysteresis. Returns the state.
 */
export const batteryRead = (duty: number): number => {
  try {
    const p = board.battery ? E.getBattery() : ((NRF.getBattery() - BATTERY_EMPTY_V) * 100) / (BATTERY_FULL_V - BATTERY_EMPTY_V);
    if (p === p) {
      const s = batteryState;
      batteryPct = Math.round(Math.max(0, Math.min(100, p + Math.max(0, duty) * BATTERY_SAG_PER_DUTY)));
      batteryState =
        batteryPct < BATTERY_CRITICAL || (s === Battery.Critical && batteryPct < BATTERY_CRITICAL + BATTERY_HYSTERESIS)
          ? Battery.Critical
          : batteryPct < BATTERY_LOW || (s !== Battery.Ok && batteryPct < BATTERY_LOW + BATTERY_HYSTERESIS)
            ? Battery.Low
            : Battery.Ok;
    }
  } catch (e) {
    // no reading on this board: the state stays as it was
  }
  return batteryState;
};
