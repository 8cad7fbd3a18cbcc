/**
 * The real Espruino interpreter in tests (companion/sim/interpreter/): found through ESPRUINO_BIN;
 * without it the interpreter suites are skipped (test/interpreter/global-setup.ts prints the one
 * line saying how to get one). Devices booted here run the same bundle as the virtual device's tests
 * (test/helpers/firmware.ts) and are closed after each test.
 *
 * `Act`s are button presses and waits that run the same on both harnesses, so a test can compare
 * the real interpreter with the virtual device step for step.
 */
import { afterEach, describe } from "vitest";
import type { VirtualDevice } from "../../companion/sim/board/device";
import { InterpreterDevice, type InterpreterOptions } from "../../companion/sim/interpreter/device";
import { espruinoBin } from "../../companion/sim/interpreter/locate";
import { type Step, advanceStep, inputStep } from "../../companion/sim/interpreter/steps";
import { bootDevice, firmwareBundle } from "./firmware";

export const ESPRUINO_BIN = espruinoBin();

/** describe() that runs only when an interpreter is given. */
export const describeInterpreter = describe.skipIf(!ESPRUINO_BIN);

/** The board the interpreter's pool stands for, and the supply both harnesses get. */
export const BOARD = "PUCKJS";
export const VOLTS = 2.9;

const open: InterpreterDevice[] = [];
afterEach(async () => {
  for (const d of open.splice(0)) await d.close();
});

/** The firmware bundle booted from flash on the interpreter (closed after the test). */
export async function bootInterpreter(opts: Partial<InterpreterOptions> = {}): Promise<InterpreterDevice> {
  const fw = await firmwareBundle();
  const dev = await InterpreterDevice.boot({ bin: ESPRUINO_BIN!, bundle: fw, board: BOARD, volts: VOLTS, ...opts });
  open.push(dev);
  return dev;
}

/** The virtual device on the same board and supply (a steady one, as the interpreter's), for comparisons. */
export function bootTwin(): Promise<VirtualDevice> {
  return bootDevice({ board: BOARD, batteryVolts: VOLTS, batterySteady: true });
}

/** Button and time, the same on both harnesses: press for ms, wait ms, hold down, let go. */
export type Act = { press: number } | { wait: number } | { down: true } | { up: true };

export function actOnTwin(dev: VirtualDevice, acts: Act[]): void {
  for (const a of acts) {
    if ("press" in a) dev.pressButton(a.press);
    else if ("wait" in a) dev.advance(a.wait);
    else if ("down" in a) dev.buttonDown();
    else dev.buttonUp();
  }
}

export async function actOnInterpreter(dev: InterpreterDevice, acts: Act[]): Promise<void> {
  const pin = dev.board.buttonPin;
  const steps: Step[] = [];
  for (const a of acts) {
    if ("press" in a) steps.push(...dev.pressSteps(a.press));
    else if ("wait" in a) steps.push(advanceStep(a.wait));
    else steps.push(inputStep(pin, "down" in a ? 1 : 0));
  }
  await dev.run(...steps);
}

/** One button session stopped by a long press (a short press, the session, a 1.7 s hold). */
export const SHORT_SESSION: Act[] = [{ press: 100 }, { wait: 500 }, { press: 1700 }, { wait: 200 }];

/** `n` short sessions, one after another: n log records. */
export function shortSessions(n: number): Act[] {
  const acts: Act[] = [];
  for (let i = 0; i < n; i++) acts.push(...SHORT_SESSION);
  return acts;
}
