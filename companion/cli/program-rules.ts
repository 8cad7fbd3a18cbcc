import {
  CURVE_MAX_POINTS, CURVE_MIN_POINTS, CURVE_STEP_MAX_MS, CURVE_STEP_MIN_MS, INTENSITY_MAX, LONGEST_SESSION_S, MAX_STEPS,
  MOTOR_DUTY_MAX, NAME_MAX_BYTES, STEP_MAX_S, STEP_MIN_S,
} from "../../shared/limits";
import { CUES, CUE_MS, PATTERNS, REGIONS } from "../../shared/program";

/**
 * The rules a program file must keep, as a person reads them: `massager validate --help` and
 * `push --help` print them, and the README lists the same lines (a test holds them together).
 * Every number comes from shared/limits.ts, the table the validator and the device enforce.
 */
export function programRules(): string[] {
  const s = (ms: number) => `${ms / 1000} s`;
  return [
    `name         1 to ${NAME_MAX_BYTES} printable ASCII characters`,
    `description  optional, any text: it stays in your file (the device does not keep it)`,
    `steps        1 to ${MAX_STEPS} steps, ${LONGEST_SESSION_S.toLocaleString("en-US")} s (${LONGEST_SESSION_S / 60} min) in all at most`,
    `  region     ${REGIONS.join(", ")}`,
    `  pattern    ${PATTERNS.join(", ")}`,
    `  duration   ${STEP_MIN_S} to ${STEP_MAX_S} s, in whole seconds; longer than its cue (region ${s(CUE_MS[1])}, tap ${s(CUE_MS[2])})`,
    `  intensity  0 to ${INTENSITY_MAX} of the motor's cap (the cap is ${Math.round(MOTOR_DUTY_MAX * 100)} % of full power)`,
    `  cue        ${CUES.join(", ")}: how the device says "move on" (default: region when the region changes, else none)`,
    `  curve      custom pattern only: ${CURVE_MIN_POINTS} to ${CURVE_MAX_POINTS} levels from 0 to 1, played in a loop`,
    `  curveStepMs custom pattern only: ${CURVE_STEP_MIN_MS} to ${CURVE_STEP_MAX_MS} ms per level, in steps of 10 (default 250)`,
  ];
}
