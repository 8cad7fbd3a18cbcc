import { FULL_POWER_LEVEL, FULL_POWER_MAX_S, FULL_POWER_THROTTLE, MOTOR_DUTY_MAX } from "../shared/limits";
import { board } from "./board";

/*
 * The motor and the cue LED. Levels are 0..1 of the motor cap: the PWM duty is level × MOTOR_DUTY_MAX,
 * clamped to [0, MOTOR_DUTY_MAX] whatever the caller asks. Continuous drive at or above
 * FULL_POWER_LEVEL for longer than FULL_POWER_MAX_S is throttled to level × FULL_POWER_THROTTLE until
 * the level drops. Writes happen only when the duty changes.
 *
 * Outside sessions the motor plays short patterns (motorPlay): a string of byte pairs, the level in
 * percent and how long it lasts in 10 ms units, played by one timer and ended with the motor off.
 */
/** The duty now (0 when off) and whether the LED is on (-1: unknown). */
export let duty = -1;
let ledOn = -1;
/** now() ms when continuous full power began, -1 while below FULL_POWER_LEVEL. */
let fullSince = -1;
/** The level last asked for (before the throttle), for STATUS. */
export let motorLevel = 0;
let tune: Uint8Array;
let tuneAt = 0;
let tuneTimer: any;

export const ledSet = (on: number): void => {
  if (board.cueLed >= 0 && on !== ledOn) digitalWrite(board.cueLed, (ledOn = on));
};

/** Drives the motor at lv (0..1 of the cap) at time t (now() ms); the LED follows `led`. */
export const motorSet = (lv: number, t: number, led: number): void => {
  lv = motorLevel = lv > 0 ? Math.min(lv, 1) : 0;
  if (lv < FULL_POWER_LEVEL) fullSince = -1;
  else if (fullSince < 0) fullSince = t;
  else if (t - fullSince > FULL_POWER_MAX_S * 1000) lv *= FULL_POWER_THROTTLE;
  const d = Math.max(0, Math.min(lv * MOTOR_DUTY_MAX, MOTOR_DUTY_MAX));
  if (d !== duty) analogWrite(board.motorPin, (duty = d), { freq: board.pwmFreq });
  ledSet(led);
};

const tuneStep = (): void => {
  const on = tune[tuneAt];
  tuneTimer = undefined;
  if (tuneAt >= tune.length) return motorSet(0, 0, 0);
  motorSet(on / 100, 0, on ? 1 : 0);
  tuneTimer = setTimeout(tuneStep, tune[tuneAt + 1] * 10);
  tuneAt += 2;
};

/** Plays a pattern (see above) from the start, cutting any that plays; "" only stops. */
export const motorPlay = (p: string): void => {
  if (tuneTimer !== undefined) clearTimeout(tuneTimer);
  tune = E.toUint8Array(p);
  tuneAt = 0;
  tuneStep();
};

/** n short pulses: a program's position, a confirmation. */
export const pulses = (n: number): string => {
  let s = "";
  while (n-- > 0) s += "d\x0f\x00\x14";
  return s;
};
