import { End, State, Status } from "../shared/codes";
import { CUE_REGION } from "../shared/program";
import { Plan, cueOn, level, levelAt, next, planOf, regionMs, step, stepAt } from "./schedule";
import { buzzStop, ledSet, motorLevel, motorOff, motorSet } from "./motor";
import { clockSet, now, unixAt } from "./clock";
import { progLoad, selCell } from "./programs";
import { logAppend } from "./log";
import { batteryPercent } from "./board";

/*
 * The session state machine: idle → running ⇄ paused → finished / stopped. One setTimeout is armed
 * to the next time the level can change, computed from the session's start (start + paused time +
 * offset − now), never as a chain of fixed delays; when no session runs, no timer is armed.
 * At the end: motor and LED off, one log record, a status event.
 */
export const SRC_BUTTON = 0;
export const SRC_BLE = 1;

export let state = State.Idle;
let plan: Plan | null = null;
let progId = 0;
let source = 0;
/** now() at the start; paused ms so far; now() when paused; session time of the last (re)start. */
let t0 = 0;
let pausedMs = 0;
let pauseAt = 0;
let ramp0 = 0;
/** Session time at the end, and the planned seconds (STATUS after the end). */
let lastT = 0;
let planned = 0;
let lastStep = -1;
/** The session time the armed timer is for: a timer that fires a hair early still plays that time. */
let due = 0;
let timer: any;
let boot = 0;
const R = [0, 0, 0];

/** Called with 1 on a region cue, 0 on a state change (the BLE layer sends EVT_STATUS). */
let listener = (cue: number): void => {};

export const sessionInit = (bootCount: number, onStatus: (cue: number) => void): void => {
  boot = bootCount;
  listener = onStatus;
};

export const sessionActive = (): boolean => {
  return state === State.Running || state === State.Paused;
};

const elapsed = (): number => {
  return state === State.Running ? now() - t0 - pausedMs : state === State.Paused ? pauseAt - t0 - pausedMs : lastT;
};

const disarm = (): void => {
  if (timer !== undefined) clearTimeout(timer);
  timer = undefined;
};

const tick = (): void => {
  const pl = plan as Plan;
  const t = Math.max(elapsed(), due);
  timer = undefined;
  if (t >= pl.e) {
    sessionStop(pl.e < pl.s[pl.c.length] ? End.SafetyLimit : End.Finished);
    return;
  }
  levelAt(pl, t, ramp0);
  motorSet(level, now());
  ledSet(cueOn);
  timer = setTimeout(tick, Math.max(0, Math.round(t0 + pausedMs + (due = next) - now())));
  if (step !== lastStep && pl.p.steps[(lastStep = step)].cue === CUE_REGION) listener(1);
  E.kickWatchdog();
};

/** Starts program id (0xFF: the selected one). Returns a Status. */
export const sessionStart = (id: number, src: number): number => {
  if (sessionActive()) return Status.Busy;
  if (id === 0xff) id = selCell.v;
  const p = progLoad(id);
  if (typeof p === "number") return p;
  buzzStop();
  plan = planOf(p);
  planned = Math.round(plan.e / 1000);
  progId = id;
  source = src;
  t0 = now();
  pausedMs = ramp0 = due = 0;
  lastStep = -1;
  state = State.Running;
  listener(0);
  tick();
  return Status.Ok;
};

export const sessionPause = (): boolean => {
  if (state !== State.Running) return false;
  pauseAt = now();
  state = State.Paused;
  disarm();
  motorOff();
  listener(0);
  return true;
};

export const sessionResume = (): boolean => {
  if (state !== State.Paused) return false;
  pausedMs += now() - pauseAt;
  state = State.Running;
  due = ramp0 = elapsed();
  listener(0);
  tick();
  return true;
};

/** Ends the session with an End reason: motor off, one log record, a status event. */
export const sessionStop = (reason: number): boolean => {
  if (!sessionActive()) return false;
  const pl = plan as Plan;
  const t = (lastT = Math.min(elapsed(), pl.e));
  disarm();
  motorOff();
  state = reason === End.Finished ? State.Finished : State.Stopped;
  regionMs(pl, t, R);
  plan = null;
  logAppend({
    seq: 0,
    start: clockSet ? unixAt(t0) : Math.round(t0 / 1000),
    planned: planned,
    regions: R.map((ms) => {
      return Math.round(ms / 1000);
    }),
    program: progId,
    end: reason,
    uptime: !clockSet,
    boot: boot,
    battery: batteryPercent(),
  });
  listener(0);
  return true;
};

/** The link dropped: a session started over BLE stops. */
export const sessionLinkLost = (): void => {
  if (source === SRC_BLE) sessionStop(End.LinkLost);
};

/** STATUS's fields in messages.ts STATUS_LAYOUT order: state, program, step, region, elapsed,
 * planned, level, selected, cue. */
export const sessionStatus = (): number[] => {
  const pl = plan;
  const i = pl ? Math.min(stepAt(pl, elapsed()), pl.c.length - 1) : 0;
  return [
    state,
    progId,
    i,
    pl ? pl.p.steps[i].region : 0,
    Math.floor(elapsed() / 1000),
    planned,
    Math.round(motorLevel * 100),
    selCell.v,
    pl ? cueOn : 0,
  ];
};
