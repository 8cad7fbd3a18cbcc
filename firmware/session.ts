import { Battery, End, NO_END, SELECTED, State, Status } from "../shared/codes";
import { BATTERY_CRITICAL_READINGS, BATTERY_RAMP_MS, BATTERY_SAMPLE_MS } from "../shared/limits";
import { CUE_REGION, imageErrors } from "../shared/program";
import { STATUS_LAYOUT } from "../shared/messages";
import { pack } from "../shared/bytes";
import { FLAG_UPTIME } from "../shared/record";
import { cueOn, level, levelAt, next, planEnd, planSeconds, planStart, region, regionSeconds, step, stepCue } from "./schedule";
import { duty, motorLevel, motorPlay, motorSet } from "./motor";
import { clockAdj, clockSet, now } from "./clock";
import { progImage } from "./programs";
import { logAppend } from "./log";
import { batteryPct, batteryRead, batteryState } from "./board";
import { J, J_SELECTED } from "./store";
import { bleEvent } from "./ble";

/*
 * The session state machine: idle → running ⇄ paused → finished / stopped. One setTimeout is armed
 * to the next time the level can change, computed from the session's start (start + paused time +
 * offset − now), never as a chain of fixed delays; when no session runs, no timer is armed.
 * A session runs on the device whoever started it (the person holds it: the button stops it), so a
 * dropped link changes nothing. At the end: motor and LED off, one log record, a status event.
 *
 * The battery is read at the timer's own wake-ups, at most every BATTERY_SAMPLE_MS: below Critical
 * BATTERY_CRITICAL_READINGS times in a row, the session ends (End.Battery) with the motor ramped off.
 * Below Low at the start, a distinct cue plays first; below Critical, no session starts.
 */
/** Cues (motor.ts motorPlay: level %, 10 ms units): low battery at a start, and a refused start. */
const LOW_CUE = "d\x1e\x00\x14d\x1e\x00\x14";
const LOW_CUE_MS = 1000;
const REFUSED_CUE = "d\x03\x00\x07d\x03\x00\x07d\x03\x00\x07d\x03\x00\x07d\x03\x00\x07";

export let state = State.Idle;
/** The program playing (or last played), and the end reason of the last session. */
let progId = 0;
export let lastEnd = NO_END;
/** now() at the start; paused ms so far; now() when paused; session time of the last (re)start. */
let t0 = 0;
let pausedMs = 0;
let pauseAt = 0;
let ramp0 = 0;
/** Session time at the end. */
let lastT = 0;
let lastStep = -1;
/** The session time the armed timer is for: a timer that fires a hair early still plays that time. */
let due = 0;
let timer: any;
/** now() of the last battery reading, and the critical readings in a row since. */
let readAt = 0;
let critical = 0;

export const sessionActive = (): boolean => {
  return state === State.Running || state === State.Paused;
};

const elapsed = (): number => {
  return Math.max(0, state === State.Running ? now() - t0 - pausedMs : state === State.Paused ? pauseAt - t0 - pausedMs : lastT);
};

/** STATUS / EVT_STATUS body; cue 1 when a region cue just fired. */
export const statusBody = (cue: number): Uint8Array => {
  const on = sessionActive();
  return pack(STATUS_LAYOUT, [
    state, progId, on ? step : 0, on ? region : 0, Math.floor(elapsed() / 1000), planSeconds, Math.round(motorLevel * 100), J[J_SELECTED],
    cue, batteryPct, batteryState, lastEnd,
  ]);
};

const disarm = (): void => {
  if (timer !== undefined) clearTimeout(timer);
  timer = undefined;
};

/** Ends the session with an End reason: motor off (ramped, for the battery), one log record, an event. */
export const sessionStop = (reason: number): boolean => {
  if (!sessionActive()) return false;
  const t = (lastT = Math.min(elapsed(), planEnd));
  const lv = motorLevel;
  disarm();
  batteryRead(duty);
  state = reason === End.Finished ? State.Finished : State.Stopped;
  lastEnd = reason;
  let ramp = "";
  if (reason === End.Battery)
    for (let k = 3; k > 0; k--) ramp += String.fromCharCode(Math.round(lv * k * 25), BATTERY_RAMP_MS / 30);
  motorPlay(ramp);
  // the log record (shared/record.ts; logAppend fills in seq and crc)
  const g = regionSeconds(t);
  const start = Math.round((clockSet ? t0 + clockAdj : t0) / 1000);
  logAppend(pack("4422221111", [0, start, planSeconds, g[0], g[1], g[2], progId, (reason & 7) | (clockSet ? 0 : FLAG_UPTIME), batteryPct, 0]));
  bleEvent(statusBody(0));
  return true;
};

const tick = (): void => {
  const t = Math.max(elapsed(), due);
  timer = undefined;
  if (now() - readAt >= BATTERY_SAMPLE_MS) {
    readAt = now();
    critical = batteryRead(duty) === Battery.Critical ? critical + 1 : 0;
    if (critical >= BATTERY_CRITICAL_READINGS) {
      sessionStop(End.Battery);
      return;
    }
  }
  if (t >= planEnd) {
    sessionStop(planEnd < planSeconds * 1000 ? End.SafetyLimit : End.Finished);
    return;
  }
  levelAt(t, ramp0);
  motorSet(level, now(), cueOn);
  timer = setTimeout(tick, Math.max(0, Math.round(t0 + pausedMs + (due = next) - now())));
  if (step !== lastStep) {
    lastStep = step;
    if (stepCue === CUE_REGION) bleEvent(statusBody(1));
  }
};

/** Starts program id (SELECTED: the selected one). Returns a Status. */
export const sessionStart = (id: number): number => {
  if (sessionActive()) return Status.Busy;
  if (id === SELECTED) id = J[J_SELECTED];
  const b = progImage(id);
  if (!b) return Status.NoEntry;
  if (imageErrors(b, 1).length) return Status.Invalid;
  if (batteryRead(0) === Battery.Critical) {
    motorPlay(REFUSED_CUE);
    return Status.LowBattery;
  }
  planStart(b);
  progId = id;
  t0 = readAt = now();
  pausedMs = ramp0 = due = critical = 0;
  lastStep = -1;
  state = State.Running;
  bleEvent(statusBody(0));
  if (batteryState === Battery.Low) {
    // the session's time starts after the low-battery cue
    motorPlay(LOW_CUE);
    t0 += LOW_CUE_MS;
    timer = setTimeout(tick, LOW_CUE_MS);
  } else {
    motorPlay("");
    tick();
  }
  return Status.Ok;
};

export const sessionPause = (): number => {
  if (state !== State.Running) return Status.WrongState;
  pauseAt = now();
  state = State.Paused;
  disarm();
  motorPlay("");
  bleEvent(statusBody(0));
  return Status.Ok;
};

export const sessionResume = (): number => {
  if (state !== State.Paused) return Status.WrongState;
  pausedMs += now() - pauseAt;
  state = State.Running;
  due = ramp0 = elapsed();
  bleEvent(statusBody(0));
  tick();
  return Status.Ok;
};
