import { LIMITS } from "../shared/limits";
import { BoardProfile } from "../shared/boards";

/*
 * The motor and the cue LED. Levels are 0..1 of the motor cap: the PWM duty is level × motorDutyMax,
 * clamped to [0, motorDutyMax] whatever the caller asks. Continuous drive at or above fullPowerLevel
 * for longer than fullPowerMaxS is throttled to level × fullPowerThrottle until the level drops.
 * Writes happen only when the duty changes.
 */
let pin = 0;
let freq = 0;
let led = -1;
let duty = -1;
let ledOn = -1;
/** now() ms when continuous full power began, -1 when below fullPowerLevel. */
let fullSince = -1;
/** Last level asked for (before the throttle), for STATUS. */
export let level = 0;

const BUZZ_ON_MS = 150;
const BUZZ_OFF_MS = 200;
let buzzLeft = 0;
let buzzTimer: any;

export function motorInit(b: BoardProfile): void {
  pin = b.motorPin;
  freq = b.pwmFreq;
  led = b.ledPins.length ? b.ledPins[0] : -1;
  duty = -1;
  motorOff();
}

function write(d: number): void {
  if (d === duty) return;
  duty = d;
  analogWrite(pin, d, { freq: freq });
}

/** Drives the motor at `lv` (0..1 of the cap) at time `t` (now() ms). */
export function motorSet(lv: number, t: number): void {
  if (!(lv > 0)) lv = 0;
  if (lv > 1) lv = 1;
  level = lv;
  if (lv >= LIMITS.fullPowerLevel) {
    if (fullSince < 0) fullSince = t;
    else if (t - fullSince > LIMITS.fullPowerMaxS * 1000) lv *= LIMITS.fullPowerThrottle;
  } else fullSince = -1;
  write(E.clip(lv * LIMITS.motorDutyMax, 0, LIMITS.motorDutyMax));
}

export function motorOff(): void {
  level = 0;
  fullSince = -1;
  write(0);
  ledSet(0);
}

export function ledSet(on: number): void {
  if (led < 0 || on === ledOn) return;
  ledOn = on;
  digitalWrite(led, on);
}

function buzzStep(): void {
  buzzTimer = undefined;
  if (buzzLeft <= 0) return;
  const on = (buzzLeft & 1) ^ 1;
  buzzLeft--;
  motorSet(on, 0);
  ledSet(on);
  if (buzzLeft) buzzTimer = setTimeout(buzzStep, on ? BUZZ_ON_MS : BUZZ_OFF_MS);
}

/** Buzzes n short pulses (with the LED), e.g. a program's number. */
export function buzz(n: number): void {
  buzzStop();
  buzzLeft = n * 2;
  buzzStep();
}

export function buzzStop(): void {
  if (buzzTimer === undefined) return;
  clearTimeout(buzzTimer);
  buzzTimer = undefined;
  buzzLeft = 0;
  motorOff();
}
