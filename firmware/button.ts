import { End, SELECTED, SLOT_BASE, State } from "../shared/codes";
import { SLOTS, TRUST_HOLD_MS } from "../shared/limits";
import { board } from "./board";
import { motorPlay, pulses } from "./motor";
import { progImage } from "./programs";
import { sessionActive, sessionPause, sessionResume, sessionStart, sessionStop, state } from "./session";
import { J, J_SELECTED, jSet } from "./store";
import { trustOpen } from "./ble";

/*
 * The button (pressed = state true; debounced by setWatch). Gestures:
 *  - short press (released before SHORT_MAX_MS, no second press within DOUBLE_MS): idle → start the
 *    selected program, running → pause, paused → resume;
 *  - long press: at LONG_MS held, a running or paused session stops at once (End.StoppedButton);
 *  - double press while idle: select the next program (presets, then filled slots, wrapping) and
 *    buzz its position (1-based);
 *  - hold TRUST_HOLD_MS while idle: the trust window (ble.ts trustOpen): pairing, and the console
 *    when it is locked. The person holding the device can always get back in this way.
 * Timers run only between a press and the end of its gesture.
 */
const SHORT_MAX_MS = 1000;
const DOUBLE_MS = 350;
const LONG_MS = 1500;

let downAt = 0;
let consumed = true;
let second = false;
let holdTimer: any;
let shortTimer: any;

const onShort = (): void => {
  shortTimer = undefined;
  if (state === State.Running) sessionPause();
  else if (state === State.Paused) sessionResume();
  else sessionStart(SELECTED);
};

const onHold = (): void => {
  holdTimer = undefined;
  if (sessionActive()) {
    consumed = true;
    sessionStop(End.StoppedButton);
  } else
    holdTimer = setTimeout(() => {
      holdTimer = undefined;
      consumed = true;
      motorPlay(pulses(1));
      trustOpen();
    }, TRUST_HOLD_MS - LONG_MS);
};

const onEdge = (e: { state: boolean; time: number }): void => {
  if (holdTimer !== undefined) clearTimeout(holdTimer);
  holdTimer = undefined;
  if (e.state) {
    consumed = false;
    second = shortTimer !== undefined;
    if (second) clearTimeout(shortTimer);
    shortTimer = undefined;
    downAt = e.time;
    holdTimer = setTimeout(onHold, LONG_MS);
  } else if (!consumed && (e.time - downAt) * 1000 < SHORT_MAX_MS) {
    consumed = true;
    if (!second) shortTimer = setTimeout(onShort, DOUBLE_MS);
    else if (!sessionActive()) {
      // the next program that exists after the selected one (ids: presets, then slots), and its position
      let id = J[J_SELECTED];
      let pos = 0;
      // ids between the presets and the slots have no image either
      do id = (id + 1) % (SLOT_BASE + SLOTS);
      while (!progImage(id));
      for (let i = 0; i < id; i++) if (progImage(i)) pos++;
      jSet(J_SELECTED, id);
      motorPlay(pulses(pos + 1));
    }
  }
};

export const buttonInit = (): void => {
  setWatch(onEdge, board.buttonPin, { repeat: true, edge: "both", debounce: 25 });
};
