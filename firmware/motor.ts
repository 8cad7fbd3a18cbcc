import { FULL_POWER_LEVEL, FULL_POWER_MAX_S, FULL_POWER_THROTTLE, MOTOR_DUTY_MAX } from "../shared/limits";
import { DeviceBoard } from "../shared/boards";

/*
 * The motor and the cue LED. Levels are 0..1 of the motor cap: the PWM duty is level × MOTOR_DUTY_MAX,
 * clamped to [0, MOTOR_DUTY_MAX] whatever the caller asks. Continuous drive at or above
 * FULL_POWER_LEVEL for longer than FULL_POWER_MAX_S is throttled to level × FULL_POWER_THROTTLE until
 * the level drops. Writes happen only when the duty changes.
 */
const BUZZ_ON_MS = 150;
const BUZZ_OFF_MS = 200;
let pin = 0;
let freq = 0;
let led = -1;
let duty = -1;
let ledOn = -1;
/** now() ms when continuous full power began, -1 while below FULL_POWER_LEVEL. */
let fullSince = -1;
/** The level last asked for (before the throttle), for STATUS. */
export let motorLevel = 0;
let buzzLeft = 0;
let buzzTimer: any;

const write = (d: number): void => {
  if (d !== duty) analogWrite(pin, (duty = d), { freq: freq });
};

export const ledSet = (on: number): void => {
  if (led >= 0 && on !== ledOn) digitalWrite(led, (ledOn = on));
};

export const motorOff = (): void => {
  motorLevel = 0;
  fullSince = -1;
  write(0);
  ledSet(0);
};

export const motorInit = (b: DeviceBoard): void => {
  pin = b.motorPin;
  freq = b.pwmFreq;
  led = b.cueLed;
  motorOff();
};

/** Drives the motor at lv (0..1 of the cap) at time t (now() ms). */
export const motorSet = (lv: number, t: number): void => {
  lv = motorLevel = lv > 0 ? Math.min(lv, 1) : 0;
  if (lv < FULL_POWER_LEVEL) fullSince = -1;
  else if (fullSince < 0) fullSince = t;
  else if (t - fullSince > FULL_POWER_MAX_S * 1000) lv *= FULL_POWER_THROTTLE;
  write(Math.max(0, Math.min(lv * MOTOR_DUTY_MAX, MOTOR_DUTY_MAX)));
};

const buzzStep = (): void => {
  const on = (buzzLeft-- & 1) ^ 1;
  buzzTimer = buzzLeft ? setTimeout(buzzStep, on ? BUZZ_ON_MS : BUZZ_OFF_MS) : undefined;
  motorSet(on, 0);
  ledSet(on);
};

export const buzzStop = (): void => {
  if (buzzTimer === undefined) return;
  clearTimeout(buzzTimer);
  buzzTimer = undefined;
  motorOff();
};

/** Buzzes n short pulses (with the LED): a program's number. */
export const buzz = (n: number): void => {
  buzzStop();
  buzzLeft = n * 2;
  buzzStep();
};
