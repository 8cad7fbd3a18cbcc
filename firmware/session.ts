import { LIMITS } from "../shared/limits";
import { End, State, Status } from "../shared/codes";
import { CUE_REGION } from "../shared/program";
import { SessionStatus } from "../shared/messages";
import { Plan, Tick, levelAt, planOf, regionMs, stepAt } from "./schedule";
import { buzzStop, ledSet, level, motorOff, motorSet } from "./motor";
import { clockSet, now, unixAt, uptimeAt } from "./clock";
import { progLoad, selected } from "./programs";
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

let state = State.Idle;
let plan: Plan | null = null;
let progId = 0;
let source = 0;
/** now() at the start, total paused ms, now() when paused, session time of the last (re)start. */
let t0 = 0;
let pausedMs = 0;
let pauseAt = 0;
let ramp0 = 0;
/** Session time when it ended, and planned seconds (for STATUS after the end). */
let lastT = 0;
let planned = 0;
let lastStep = -1;
let timer: any;
let boot = 0;
const T: Tick = { level: 0, next: 0, step: 0, cue: 0 };
const R = [0, 0, 0];

/** Called with 1 on a region cue, 0 on a state change (the BLE layer sends EVT_STATUS). */
let listener = function (cue: number): void {};

export function sessionInit(bootCount: number, onStatus: (cue: number) => void): void {
  boot = bootCount;
  listener = onStatus;
}

export function sessionState(): number {
  return state;
}

export function sessionActive(): boolean {
  return state === State.Running || state === State.Paused;
}

function elapsed(): number {
  if (state === State.Running) return now() - t0 - pausedMs;
  return state === State.Paused ? pauseAt - t0 - pausedMs : lastT;
}

function tick(): void {
  timer = undefined;
  const pl = plan as Plan;
  const t = elapsed();
  if (t >= pl.end) {
    sessionStop(pl.end < pl.starts[pl.starts.length - 1] ? End.SafetyLimit : End.Finished);
    return;
  }
  levelAt(pl, t, ramp0, T);
  motorSet(T.level, now());
  ledSet(T.cue);
  timer = setTimeout(tick, Math.max(0, t0 + pausedMs + T.next - now()));
  if (T.step !== lastStep) {
    lastStep = T.step;
    if (pl.prog.steps[T.step].cue === CUE_REGION) listener(1);
  }
  E.kickWatchdog();
}

/** Starts program `id` (or the selected one for 0xFF). Returns a Status. */
export function sessionStart(id: number, src: number): number {
  if (sessionActive()) return Status.Busy;
  if (id === 0xff) id = selected();
  const p = progLoad(id);
  if (typeof p === "number") return p;
  buzzStop();
  plan = planOf(p);
  planned = Math.round(plan.end / 1000);
  progId = id;
  source = src;
  t0 = now();
  pausedMs = ramp0 = 0;
  lastStep = -1;
  state = State.Running;
  listener(0);
  tick();
  return Status.Ok;
}

export function sessionPause(): boolean {
  if (state !== State.Running) return false;
  pauseAt = now();
  state = State.Paused;
  if (timer !== undefined) clearTimeout(timer);
  timer = undefined;
  motorOff();
  listener(0);
  return true;
}

export function sessionResume(): boolean {
  if (state !== State.Paused) return false;
  pausedMs += now() - pauseAt;
  state = State.Running;
  ramp0 = elapsed();
  listener(0);
  tick();
  return true;
}

/** Ends the session with an End reason: motor off, one log record, a status event. */
export function sessionStop(reason: number): boolean {
  if (!sessionActive()) return false;
  const pl = plan as Plan;
  const t = Math.min(elapsed(), pl.end);
  if (timer !== undefined) clearTimeout(timer);
  timer = undefined;
  motorOff();
  lastT = t;
  state = reason === End.Finished ? State.Finished : State.Stopped;
  regionMs(pl, t, R);
  plan = null;
  T.cue = 0;
  const set = clockSet();
  logAppend({
    seq: 0,
    start: set ? unixAt(t0) : uptimeAt(t0),
    planned: planned,
    regions: [Math.round(R[0] / 1000), Math.round(R[1] / 1000), Math.round(R[2] / 1000)],
    program: progId,
    end: reason,
    uptime: !set,
    boot: boot,
    battery: batteryPercent(),
  });
  listener(0);
  return true;
}

/** The link dropped: a session started over BLE stops. */
export function sessionLinkLost(): void {
  if (source === SRC_BLE) sessionStop(End.LinkLost);
}

export function sessionStatus(sel: number): SessionStatus {
  const pl = plan;
  const t = elapsed();
  const i = pl ? Math.min(stepAt(pl, t), pl.prog.steps.length - 1) : 0;
  return {
    state: state,
    program: progId,
    step: i,
    region: pl ? pl.prog.steps[i].region : 0,
    elapsed: Math.floor(t / 1000),
    planned: planned,
    level: Math.round(level * 100),
    selected: sel,
    cue: T.cue,
  };
}
