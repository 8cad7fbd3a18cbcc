/**
 * VirtualClock: the virtual device's notion of time.
 *
 * Why: the firmware schedules everything with Espruino timers, and a 20-minute massage session
 * must run in a test in milliseconds, deterministically. The clock keeps virtual time in
 * milliseconds (starting at 0, "world time" since the simulation began) and a queue of timers
 * ordered by due time, then by insertion. `advance(ms)` jumps from one due timer to the next,
 * setting `now()` to each timer's due time before calling it, so a callback that reads the time
 * sees exactly when it was meant to run. Intervals are re-armed from their due time (base + n *
 * period), never from when they ran, so they never drift.
 *
 * Three kinds of work live here:
 * - firmware timers (`setTimeout`/`setInterval`/`clear`): Espruino-style integer ids, counted by
 *   `pendingTimers()` so tests can assert that an idle device leaves nothing running;
 * - host timers (`hostTimeout`): the simulated hardware's own work (radio connection events,
 *   debounce, digitalPulse edges, watchdog), NOT counted as firmware timers;
 * - immediate events (`post`): what Espruino delivers from its idle loop (button edges, BLE
 *   writes, `emit`), run in order by `runPending()`, and during `advance` after all the timers
 *   due at one instant have run (Espruino's idle loop: timers, then queued events).
 *
 * The clock does not catch exceptions unless `onError` is set; the VirtualDevice wraps every
 * firmware callback so that a firmware exception is recorded and never reaches the clock.
 */

/** Something the clock runs. Arguments are those given to setTimeout/setInterval. */
export type TimerCallback = (...args: unknown[]) => void;

/** A host timer handle: `cancel()` is idempotent. */
export interface HostTimer {
  readonly due: number;
  cancel(): void;
}

interface Timer {
  /** Firmware id (>0) or 0 for host timers. */
  id: number;
  /** Insertion sequence number: orders timers that are due at the same time. */
  seq: number;
  due: number;
  fn: TimerCallback;
  args: unknown[];
  /** Interval period in ms, or undefined for one-shot timers. */
  period?: number;
  /** For intervals: the time the period counts from, and how many periods have elapsed. */
  base: number;
  count: number;
  cancelled: boolean;
  host: boolean;
}

/** Options for the clock. */
export interface VirtualClockOptions {
  /** Initial virtual time in ms (default 0). */
  startMs?: number;
  /**
   * Called with any exception thrown by a callback. When absent, the exception propagates out of
   * `advance`/`runPending` (after the queue has been left consistent).
   */
  onError?: (err: unknown) => void;
  /** Smallest interval period in ms (default 1): a 0 ms interval would stop virtual time. */
  minIntervalMs?: number;
  /** Guard against callbacks that re-arm themselves at the same instant forever (default 100000). */
  maxRunsPerInstant?: number;
}

/** Binary min-heap of timers ordered by (due, seq). */
class TimerHeap {
  private items: Timer[] = [];

  get size(): number {
    return this.items.length;
  }

  push(t: Timer): void {
    const a = this.items;
    a.push(t);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(a[i], a[p])) break;
      [a[i], a[p]] = [a[p], a[i]];
      i = p;
    }
  }

  peek(): Timer | undefined {
    return this.items[0];
  }

  pop(): Timer | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && before(a[l], a[m])) m = l;
        if (r < a.length && before(a[r], a[m])) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }

  clear(): void {
    this.items = [];
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}

/** Handle of the optional real-time driver. */
interface RealtimeDriver {
  handle: ReturnType<typeof setInterval>;
  realStart: number;
  virtualStart: number;
  speed: number;
}

export class VirtualClock {
  private t: number;
  private seq = 0;
  private heap = new TimerHeap();
  /** Live firmware timers by id. */
  private firmware = new Map<number, Timer>();
  private events: Array<() => void> = [];
  private running = false;
  private realtime?: RealtimeDriver;
  private readonly minInterval: number;
  private readonly maxRuns: number;
  /** See VirtualClockOptions.onError. Settable after construction (the device installs one). */
  onError?: (err: unknown) => void;

  constructor(opts: VirtualClockOptions = {}) {
    this.t = opts.startMs ?? 0;
    this.onError = opts.onError;
    this.minInterval = opts.minIntervalMs ?? 1;
    this.maxRuns = opts.maxRunsPerInstant ?? 100000;
  }

  /** Current virtual time in ms. */
  now(): number {
    return this.t;
  }

  /** True while `advance`/`runPending` is executing callbacks. */
  get busy(): boolean {
    return this.running;
  }

  // ------------------------------------------------------------------ firmware timers

  /**
   * Espruino's `setTimeout`: runs `fn(...args)` once, `ms` from now. Returns an integer id.
   * Like Espruino, ids are the next index after the highest live one, so ids are reused once
   * their timers are gone (a stale id can clear a newer timer on the board, too).
   */
  setTimeout(fn: TimerCallback, ms?: number, ...args: unknown[]): number {
    return this.addFirmware(fn, sanitizeMs(ms), undefined, args);
  }

  /** Espruino's `setInterval`: runs every `ms` (at least `minIntervalMs`), without drift. */
  setInterval(fn: TimerCallback, ms?: number, ...args: unknown[]): number {
    const period = Math.max(this.minInterval, sanitizeMs(ms));
    return this.addFirmware(fn, period, period, args);
  }

  /**
   * Clear a firmware timer. Returns false when `id` is not a live timer (the Espruino globals
   * turn that into "Unknown Timeout"/"Unknown Interval", as the board does).
   */
  clear(id: number): boolean {
    const t = this.firmware.get(id);
    if (!t) return false;
    t.cancelled = true;
    this.firmware.delete(id);
    return true;
  }

  /** Clear every firmware timer (Espruino's `clearTimeout()` with no argument). Returns how many. */
  clearAll(): number {
    const n = this.firmware.size;
    for (const t of this.firmware.values()) t.cancelled = true;
    this.firmware.clear();
    return n;
  }

  /** Espruino's `changeInterval(id, ms)`: the next run is `ms` from now, then every `ms`. */
  changeInterval(id: number, ms: number): boolean {
    const t = this.firmware.get(id);
    if (!t || t.period === undefined) return false;
    const period = Math.max(this.minInterval, sanitizeMs(ms));
    t.cancelled = true;
    const n: Timer = { ...t, cancelled: false, period, base: this.t, count: 1, due: this.t + period };
    this.firmware.set(id, n);
    this.heap.push(n);
    return true;
  }

  /** Whether `id` is a live firmware timer. */
  has(id: number): boolean {
    return this.firmware.has(id);
  }

  /** Number of timers and intervals armed by the firmware (host timers are not counted). */
  pendingTimers(): number {
    return this.firmware.size;
  }

  /** Due times of live firmware timers, sorted (for diagnostics in tests). */
  firmwareTimers(): Array<{ id: number; due: number; interval?: number }> {
    return [...this.firmware.values()]
      .sort((a, b) => a.due - b.due || a.seq - b.seq)
      .map((t) => (t.period === undefined ? { id: t.id, due: t.due } : { id: t.id, due: t.due, interval: t.period }));
  }

  // ------------------------------------------------------------------ host timers and events

  /** Schedule simulated-hardware work `ms` from now. Not counted by `pendingTimers()`. */
  hostTimeout(fn: () => void, ms: number): HostTimer {
    const t: Timer = {
      id: 0,
      seq: this.seq++,
      due: this.t + sanitizeMs(ms),
      fn: fn as TimerCallback,
      args: [],
      base: 0,
      count: 0,
      cancelled: false,
      host: true,
    };
    this.heap.push(t);
    return {
      due: t.due,
      cancel: () => {
        t.cancelled = true;
      },
    };
  }

  /** Queue an immediate event (delivered by the idle loop, after the current callback). */
  post(fn: () => void): void {
    this.events.push(fn);
  }

  /** Number of queued immediate events. */
  pendingEvents(): number {
    return this.events.length;
  }

  /** Drop every queued immediate event (used when the device loses power). */
  discardEvents(): void {
    this.events = [];
  }

  /** Due time of the next timer or event (events are due now), or undefined when nothing waits. */
  nextDue(): number | undefined {
    if (this.events.length > 0) return this.t;
    this.skipCancelled();
    return this.heap.peek()?.due;
  }

  // ------------------------------------------------------------------ running

  /** Run the immediate events queued at the current time (and the events they queue). */
  runPending(): void {
    this.guarded(() => this.drainEvents());
  }

  /**
   * Advance virtual time by `ms`, running every due timer and event in order. Each timer runs
   * with `now()` equal to its due time; time ends at exactly `now() + ms`.
   */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`advance(${ms}): ms must be >= 0`);
    const target = this.t + ms;
    this.guarded(() => {
      this.drainEvents();
      let runsAtInstant = 0;
      let instant = this.t;
      for (;;) {
        this.skipCancelled();
        const top = this.heap.peek();
        if (!top || top.due > target) break;
        this.heap.pop();
        if (top.due > this.t) this.t = top.due;
        if (this.t === instant) {
          if (++runsAtInstant > this.maxRuns) {
            throw new Error(`VirtualClock: more than ${this.maxRuns} callbacks at t=${this.t} ms (a 0 ms timer re-arming itself?)`);
          }
        } else {
          instant = this.t;
          runsAtInstant = 0;
        }
        this.fire(top);
        // Like Espruino's idle loop: every timer due at this instant runs, then the events.
        this.skipCancelled();
        const next = this.heap.peek();
        if (!next || next.due !== this.t) this.drainEvents();
      }
      this.drainEvents();
      this.t = target;
    });
  }

  /** Advance to an absolute virtual time (no-op if it is in the past). */
  advanceTo(ms: number): void {
    if (ms > this.t) this.advance(ms - this.t);
    else this.advance(0);
  }

  /**
   * Advance until `pred()` is true or `maxMs` have passed. Without `stepMs`, it jumps from one
   * due timer to the next and checks `pred` after each instant; with `stepMs`, it checks every
   * `stepMs`. Returns whether `pred` became true.
   */
  advanceUntil(pred: () => boolean, maxMs: number, stepMs?: number): boolean {
    const deadline = this.t + maxMs;
    this.advance(0);
    for (;;) {
      if (pred()) return true;
      if (this.t >= deadline) return false;
      let target: number;
      if (stepMs !== undefined && stepMs > 0) {
        target = Math.min(deadline, this.t + stepMs);
      } else {
        const next = this.nextDue();
        target = next === undefined ? deadline : Math.min(deadline, Math.max(next, this.t));
      }
      this.advance(target - this.t);
    }
  }

  // ------------------------------------------------------------------ real-time driver

  /**
   * Drive virtual time from the wall clock (for the long-running `massager sim`): every
   * `tickMs` of real time, virtual time advances by `tickMs * speed`. `unref: true` lets the
   * Node process exit while the driver runs (default false: the simulator keeps it alive).
   */
  startRealtime(speed = 1, opts: { tickMs?: number; unref?: boolean } = {}): void {
    this.stopRealtime();
    const tickMs = opts.tickMs ?? 10;
    const driver: RealtimeDriver = {
      realStart: performance.now(),
      virtualStart: this.t,
      speed,
      handle: setInterval(() => {
        if (this.running) return;
        const target = driver.virtualStart + (performance.now() - driver.realStart) * driver.speed;
        if (target > this.t) this.advance(target - this.t);
        else this.runPending();
      }, tickMs),
    };
    if (opts.unref) (driver.handle as { unref?: () => void }).unref?.();
    this.realtime = driver;
  }

  /** Stop the real-time driver (virtual time stays where it is). */
  stopRealtime(): void {
    if (this.realtime) clearInterval(this.realtime.handle);
    this.realtime = undefined;
  }

  /** Whether the real-time driver is running. */
  get isRealtime(): boolean {
    return this.realtime !== undefined;
  }

  // ------------------------------------------------------------------ internals

  private addFirmware(fn: TimerCallback, delay: number, period: number | undefined, args: unknown[]): number {
    let id = 1;
    for (const k of this.firmware.keys()) if (k >= id) id = k + 1;
    const t: Timer = {
      id,
      seq: this.seq++,
      due: this.t + delay,
      fn,
      args,
      period,
      base: this.t,
      count: 1,
      cancelled: false,
      host: false,
    };
    this.firmware.set(id, t);
    this.heap.push(t);
    return id;
  }

  private skipCancelled(): void {
    for (;;) {
      const top = this.heap.peek();
      if (!top || !top.cancelled) return;
      this.heap.pop();
    }
  }

  private fire(t: Timer): void {
    try {
      t.fn(...t.args);
    } catch (err) {
      this.report(err);
    } finally {
      if (!t.host) {
        // The timer stays live during its own callback (it may clear itself); afterwards a
        // one-shot timer is gone and an interval is re-armed from its due time.
        const live = this.firmware.get(t.id) === t && !t.cancelled;
        if (live && t.period !== undefined) {
          t.count += 1;
          t.due = t.base + t.count * t.period;
          this.heap.push(t);
        } else if (live) {
          this.firmware.delete(t.id);
        }
      }
    }
  }

  private drainEvents(): void {
    let n = 0;
    while (this.events.length > 0) {
      if (++n > this.maxRuns) throw new Error(`VirtualClock: more than ${this.maxRuns} events at t=${this.t} ms`);
      const e = this.events.shift()!;
      try {
        e();
      } catch (err) {
        this.report(err);
      }
    }
  }

  private report(err: unknown): void {
    if (this.onError) this.onError(err);
    else throw err;
  }

  private guarded(body: () => void): void {
    if (this.running) throw new Error("VirtualClock: advance()/runPending() is not re-entrant (called from a callback?)");
    this.running = true;
    try {
      body();
    } finally {
      this.running = false;
    }
  }
}

function sanitizeMs(ms: unknown): number {
  const n = Number(ms);
  return Number.isFinite(n) && n > 0 ? n : 0;
}
