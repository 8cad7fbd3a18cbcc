/**
 * PinBank: the virtual device's GPIO — output timelines, input levels, watches, pulses.
 *
 * Why: tests judge the firmware by what it does to the motor and LED pins over time ("button
 * presses in, motor timeline out"), and drive it through the button pin. So every output change
 * is recorded as `{t, v, freq?}` at the virtual time it happens (only real changes), and inputs
 * raise `setWatch` events with Espruino's own debounce rule (from jsinteractive.c): after an
 * edge, the watch waits until the pin has been stable for `debounce` ms; then, if the level
 * differs from the last reported one, it reports it with `time` = the time of the last edge
 * (seconds) and `lastTime` = the time of the previous reported change, whatever its edge.
 * `digitalPulse` edges are scheduled on the hardware timer (host timers), so they land at exact
 * virtual times without counting as firmware timers.
 *
 * The bank knows nothing about vm contexts: the device passes `deliver`, which runs a firmware
 * callback safely, and `secondsAt`, which maps virtual ms to the device's `getTime()` seconds.
 */
import type { HostTimer, VirtualClock } from "./clock.js";

/** One recorded output change. `t` is virtual ms (clock time); `freq` only for analogWrite with a frequency. */
export interface PinSample {
  t: number;
  v: number;
  freq?: number;
}

/** What a setWatch callback receives (Espruino's fields). */
export interface WatchEvent {
  state: boolean;
  time: number;
  lastTime: number | undefined;
  pin: number;
}

/** setWatch options as Espruino reads them. */
export interface WatchOptions {
  repeat?: boolean;
  edge?: "rising" | "falling" | "both" | 1 | -1 | 0;
  debounce?: number;
}

export interface PinBankHost {
  clock: VirtualClock;
  /** Device `getTime()` seconds at virtual time `tMs`. */
  secondsAt(tMs: number): number;
  /** Run a firmware watch callback now (safely; the device ignores it if it has lost power). */
  deliver(fn: unknown, event: WatchEvent): void;
}

interface Watch {
  id: number;
  pin: number;
  fn: unknown;
  repeat: boolean;
  /** 1 rising, -1 falling, 0 both. */
  edge: number;
  debounceMs: number;
  /** Last level reported (or the level when the watch was set). */
  state: boolean;
  lastTime: number | undefined;
  pending?: { timer: HostTimer; state: boolean; edgeAt: number };
}

interface Output {
  level: number;
  freq?: number;
  timeline: PinSample[];
}

export class PinBank {
  private outputs = new Map<number, Output>();
  private inputs = new Map<number, number>();
  private modes = new Map<number, string>();
  private watches = new Map<number, Watch>();
  private pulseEnd = new Map<number, number>();
  private hwTimers = new Set<HostTimer>();

  constructor(private readonly host: PinBankHost) {}

  // ------------------------------------------------------------------ outputs

  /** Set an output level (0..1) and record it if it changed. */
  write(pin: number, value: number, freq?: number): void {
    const v = clamp01(value);
    let out = this.outputs.get(pin);
    if (!out) {
      out = { level: 0, timeline: [] };
      this.outputs.set(pin, out);
    }
    if (out.level === v && (v === 0 || out.freq === freq)) return;
    out.level = v;
    out.freq = freq;
    const t = this.host.clock.now();
    const sample: PinSample = freq === undefined ? { t, v } : { t, v, freq };
    const tl = out.timeline;
    // Several writes at the same instant: only the final level is physical.
    if (tl.length > 0 && tl[tl.length - 1].t === t) tl.pop();
    const prev = tl[tl.length - 1];
    const prevV = prev ? prev.v : 0;
    if (!(prevV === v && (v === 0 || prev?.freq === freq))) tl.push(sample);
  }

  /** `digitalPulse(pin, value, times)`: queued after any pulse still running on that pin. */
  pulse(pin: number, value: number, times: number[]): void {
    const now = this.host.clock.now();
    let at = Math.max(now, this.pulseEnd.get(pin) ?? now);
    let level = value ? 1 : 0;
    const edges: Array<{ at: number; level: number }> = [{ at, level }];
    for (const ms of times) {
      if (!(ms > 0)) continue;
      at += ms;
      level = 1 - level;
      edges.push({ at, level });
    }
    if (edges.length === 1) return; // nothing to pulse (Espruino's `time 0` just waits)
    this.pulseEnd.set(pin, at);
    for (const e of edges) {
      if (e.at <= now) {
        this.write(pin, e.level);
        continue;
      }
      const timer = this.host.clock.hostTimeout(() => {
        this.hwTimers.delete(timer);
        this.write(pin, e.level);
      }, e.at - now);
      this.hwTimers.add(timer);
    }
  }

  /** Current level of a pin: the driven input level if it is an input, else the output level. */
  level(pin: number): number {
    const input = this.inputs.get(pin);
    if (input !== undefined) return input;
    return this.outputs.get(pin)?.level ?? 0;
  }

  /** Recorded changes of an output pin (a copy). */
  timeline(pin: number): PinSample[] {
    return (this.outputs.get(pin)?.timeline ?? []).map((s) => ({ ...s }));
  }

  /**
   * The level a pin had at `tMs` (as a sample at `tMs`), then its changes after it: the part of the
   * timeline a reader that went through it up to `tMs` has not seen (found by halving, not scanning).
   */
  since(pin: number, tMs: number): PinSample[] {
    const tl = this.outputs.get(pin)?.timeline ?? [];
    let lo = 0;
    let hi = tl.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (tl[mid].t <= tMs) lo = mid + 1;
      else hi = mid;
    }
    return [{ t: tMs, v: lo > 0 ? tl[lo - 1].v : 0 }, ...tl.slice(lo).map((x) => ({ ...x }))];
  }

  /** Output level at virtual time `tMs` (0 before the first change). */
  levelAt(pin: number, tMs: number): number {
    const tl = this.outputs.get(pin)?.timeline ?? [];
    let v = 0;
    for (const s of tl) {
      if (s.t > tMs) break;
      v = s.v;
    }
    return v;
  }

  /** Record a pin mode ("input", "output", "input_pullup", …). */
  setMode(pin: number, mode: string): void {
    this.modes.set(pin, mode);
  }

  getMode(pin: number): string | undefined {
    return this.modes.get(pin);
  }

  // ------------------------------------------------------------------ inputs and watches

  /** Drive an input pin (the test's finger on the button). Raises watch edges. */
  drive(pin: number, level: number): void {
    const v = level ? 1 : 0;
    const old = this.inputs.get(pin);
    this.inputs.set(pin, v);
    if (old === v) return;
    this.edge(pin, v);
  }

  /** Espruino's `setWatch`. `isButton` selects the built-in-button defaults (edge rising, debounce 25). */
  setWatch(fn: unknown, pin: number, opts: WatchOptions | boolean | undefined, isButton: boolean): number {
    let repeat = false;
    let edge = isButton ? 1 : 0;
    let debounce = isButton ? 25 : 0;
    if (opts !== null && typeof opts === "object") {
      repeat = !!opts.repeat;
      if (opts.debounce !== undefined) debounce = Number(opts.debounce);
      if (opts.edge !== undefined) {
        const e = opts.edge;
        if (e === "rising" || e === 1) edge = 1;
        else if (e === "falling" || e === -1) edge = -1;
        else if (e === "both" || e === 0) edge = 0;
        else throw new TypeError("'edge' in setWatch should be 1, -1, 0, 'rising', 'falling' or 'both'");
      }
    } else {
      repeat = !!opts;
    }
    if (!(debounce > 0)) debounce = 0;
    let id = 1;
    for (const k of this.watches.keys()) if (k >= id) id = k + 1;
    this.watches.set(id, {
      id,
      pin,
      fn,
      repeat,
      edge,
      debounceMs: debounce,
      state: this.level(pin) >= 0.5,
      lastTime: undefined,
    });
    return id;
  }

  /** Espruino's `clearWatch(id)`; returns false for an unknown id. */
  clearWatch(id: number): boolean {
    const w = this.watches.get(id);
    if (!w) return false;
    w.pending?.timer.cancel();
    this.watches.delete(id);
    return true;
  }

  /** `clearWatch()` without argument: remove them all. */
  clearAllWatches(): void {
    for (const w of this.watches.values()) w.pending?.timer.cancel();
    this.watches.clear();
  }

  /** Number of live watches. */
  watchCount(): number {
    return this.watches.size;
  }

  // ------------------------------------------------------------------ reset

  /**
   * Power went away or the chip reset: watches and pulses stop, and every output falls to 0
   * (recorded, so a motor that was running shows as stopped at the reset time). Input levels
   * stay: they are the outside world.
   */
  reset(): void {
    this.clearAllWatches();
    for (const t of this.hwTimers) t.cancel();
    this.hwTimers.clear();
    this.pulseEnd.clear();
    this.modes.clear();
    for (const [pin, out] of this.outputs) {
      if (out.level !== 0) this.write(pin, 0);
      out.freq = undefined;
    }
  }

  // ------------------------------------------------------------------ internals

  private edge(pin: number, level: number): void {
    const now = this.host.clock.now();
    const high = level === 1;
    for (const w of [...this.watches.values()]) {
      if (w.pin !== pin) continue;
      if (w.debounceMs <= 0) {
        const time = this.host.secondsAt(now);
        const lastTime = w.lastTime;
        w.lastTime = time;
        w.state = high;
        if (!edgeMatches(w.edge, high)) continue;
        if (!w.repeat) this.watches.delete(w.id);
        const event: WatchEvent = { state: high, time, lastTime, pin };
        this.host.clock.post(() => this.host.deliver(w.fn, event));
        continue;
      }
      if (w.pending) {
        // Still bouncing: wait `debounce` ms from this edge instead.
        w.pending.timer.cancel();
        w.pending = this.arm(w, high, now);
      } else if (high !== w.state) {
        w.pending = this.arm(w, high, now);
      }
    }
  }

  private arm(w: Watch, state: boolean, edgeAt: number): Watch["pending"] {
    const timer = this.host.clock.hostTimeout(() => this.settle(w), w.debounceMs);
    return { timer, state, edgeAt };
  }

  private settle(w: Watch): void {
    const p = w.pending;
    w.pending = undefined;
    if (!p || this.watches.get(w.id) !== w) return;
    const old = w.state;
    w.state = p.state;
    if (old === p.state) return; // bounced back to where it was: nothing to report
    const time = this.host.secondsAt(p.edgeAt);
    const lastTime = w.lastTime;
    w.lastTime = time;
    if (!edgeMatches(w.edge, p.state)) return;
    if (!w.repeat) this.watches.delete(w.id);
    this.host.deliver(w.fn, { state: p.state, time, lastTime, pin: w.pin });
  }
}

function edgeMatches(edge: number, high: boolean): boolean {
  return edge === 0 || (edge > 0 && high) || (edge < 0 && !high);
}

function clamp01(v: number): number {
  const n = Number(v);
  if (!(n > 0)) return 0;
  return n > 1 ? 1 : n;
}
