import { End, SELECTED, State } from "../shared/codes";
import { buzz } from "./motor";
import { progIds, progSelect, selCell } from "./programs";
import { SRC_BUTTON, sessionActive, sessionPause, sessionResume, sessionStart, sessionStop, state } from "./session";
import { bleConsole } from "./ble";

/*
 * The button (pressed = state true; debounced by setWatch). Gestures:
 *  - short press (released before SHORT_MAX_MS, no second press within DOUBLE_MS): idle → start the
 *    selected program, running → pause, paused → resume;
 *  - long press: at LONG_MS held, a running or paused session stops at once (End.StoppedButton);
 *  - double press while idle: select the next program (presets, then filled slots, wrapping) and
 *    buzz its number (position + 1 pulses);
 *  - hold CONSOLE_MS while idle: open the console window.
 * Timers run only between a press and the end of its gesture.
 */
const SHORT_MAX_MS = 1000;
const DOUBLE_MS = 350;
const LONG_MS = 1500;
const CONSOLE_MS = 5000;

let downAt = 0;
let consumed = true;
let second = false;
let holdTimer: any;
let shortTimer: any;

const onShort = (): void => {
  shortTimer = undefined;
  if (state === State.Running) sessionPause();
  else if (state === State.Paused) sessionResume();
  else sessionStart(SELECTED, SRC_BUTTON);
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
      buzz(1);
      bleConsole();
    }, CONSOLE_MS - LONG_MS);
};

/** Double press while idle: the next program, buzzed as its position (1-based). */
const selectNext = (): void => {
  const ids = progIds();
  const i = (ids.indexOf(selCell.v) + 1) % ids.length;
  progSelect(ids[i]);
  buzz(i + 1);
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
    else if (!sessionActive()) selectNext();
  }
};

export const buttonInit = (pin: number): void => {
  setWatch(onEdge, pin, { repeat: true, edge: "both", debounce: 25 });
};
