/**
 * The virtual board's cell: a simple model, its numbers assumptions stated here, enough to see what
 * the firmware does as a cell runs down under a motor and recovers at rest.
 *
 *   charge q, 0..1; open-circuit voltage  V_oc = empty + (full − empty) × q  (the board's range:
 *     2.0…3.0 V for MDBT42Q and Puck.js, 3.3…4.2 V for Bangle.js 2)
 *   the motor at PWM duty d (0…0.85) drains  dq/dt = −d × DRAIN_PER_S  (a full cell gives an hour of
 *     continuous full drive; the board itself is negligible)
 *   under load the reading sags at once by  d × SAG_V_PER_DUTY,  and a polarisation p builds up
 *     towards  d × POLARISATION_V_PER_DUTY  with time constant TAU_S, relaxing the same way at rest:
 *     that is the recovery a cell shows once the motor stops
 *   reading = V_oc − d × SAG_V_PER_DUTY − p + noise  (noise uniform ±noiseVolts, seeded; default 0)
 *
 * `steady`: a bench supply instead of a cell: the reading stays at the voltage set, whatever the motor
 * does (what the real interpreter's harness gives, so the two can be compared byte for byte).
 *
 * The motor's duty history is the pin's own timeline, so the model integrates exactly what the
 * firmware drove, between readings (a reading costs the firmware nothing extra).
 */
import type { Random } from "./prng.js";

export const DRAIN_PER_S = 1 / 3600;
export const SAG_V_PER_DUTY = 0.1;
export const POLARISATION_V_PER_DUTY = 0.05;
export const TAU_S = 20;

export interface BatteryOptions {
  /** Open-circuit voltage at the start (default: full). */
  volts?: number;
  /** Charge at the start, percent (wins over volts). */
  percent?: number;
  /** Reading noise, ± volts (default 0). */
  noiseVolts?: number;
  /** A bench supply: no drain, sag or recovery. */
  steady?: boolean;
}

export class VirtualBattery {
  readonly empty: number;
  readonly full: number;
  noiseVolts: number;
  readonly steady: boolean;
  /** Charge 0..1, polarisation (V), and the virtual time (ms) they are integrated to. */
  private q = 1;
  private p = 0;
  private at = 0;
  private readonly random: Random;

  constructor(range: [number, number], opts: BatteryOptions, random: Random) {
    [this.empty, this.full] = range;
    this.noiseVolts = opts.noiseVolts ?? 0;
    this.steady = !!opts.steady;
    this.random = random;
    if (opts.percent !== undefined) this.setPercent(opts.percent);
    else if (opts.volts !== undefined) this.setVolts(opts.volts);
  }

  /** Charge in percent (what a fresh reading at rest would say, noise aside). */
  get percent(): number {
    return this.q * 100;
  }

  /** Sets the charge (percent) at rest: no polarisation left. */
  setPercent(percent: number, now = this.at): void {
    this.q = Math.min(1, Math.max(0, percent / 100));
    this.p = 0;
    this.at = now;
  }

  /** Sets the charge by its open-circuit voltage. */
  setVolts(volts: number, now = this.at): void {
    this.setPercent(((volts - this.empty) / (this.full - this.empty)) * 100, now);
  }

  /** Virtual time (ms) the model is integrated to: a reading needs the motor's duty from here on. */
  get since(): number {
    return this.at;
  }

  /**
   * The voltage a reading gets at `now`, after integrating the motor's duty from the last reading:
   * `duty` holds the (time ms, duty) changes of the motor pin, in time order, from `since` at least.
   */
  read(now: number, duty: { t: number; v: number }[]): number {
    let d = 0;
    if (this.steady) duty = [];
    for (const s of duty) if (s.t <= this.at) d = s.v;
    for (const s of duty) {
      if (s.t <= this.at) continue;
      if (s.t > now) break;
      this.integrate(s.t, d);
      d = s.v;
    }
    this.integrate(now, d);
    const noise = this.noiseVolts ? (this.random() * 2 - 1) * this.noiseVolts : 0;
    return this.empty + (this.full - this.empty) * this.q - d * SAG_V_PER_DUTY - this.p + noise;
  }

  private integrate(t: number, d: number): void {
    const dt = Math.max(0, t - this.at) / 1000;
    this.q = Math.max(0, this.q - d * DRAIN_PER_S * dt);
    const target = d * POLARISATION_V_PER_DUTY;
    this.p = target + (this.p - target) * Math.exp(-dt / TAU_S);
    this.at = Math.max(this.at, t);
  }
}
