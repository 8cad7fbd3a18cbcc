import { describe, expect, test } from "vitest";
import { VirtualClock } from "../../companion/sim/board/clock.js";

describe("VirtualClock", () => {
  test("runs timers in due order, then insertion order, with now() at each due time", () => {
    const c = new VirtualClock();
    const seen: Array<[string, number]> = [];
    c.setTimeout(() => seen.push(["c", c.now()]), 30);
    c.setTimeout(() => seen.push(["a", c.now()]), 10);
    c.setTimeout(() => seen.push(["b1", c.now()]), 20);
    c.setTimeout(() => seen.push(["b2", c.now()]), 20);
    c.advance(25);
    expect(seen).toEqual([
      ["a", 10],
      ["b1", 20],
      ["b2", 20],
    ]);
    expect(c.now()).toBe(25);
    c.advance(100);
    expect(seen.map((s) => s[0])).toEqual(["a", "b1", "b2", "c"]);
    expect(c.now()).toBe(125);
  });

  test("passes extra arguments like Espruino's setTimeout", () => {
    const c = new VirtualClock();
    let got: unknown[] = [];
    c.setTimeout((...a) => (got = a), 5, 1, "x");
    c.advance(5);
    expect(got).toEqual([1, "x"]);
  });

  test("intervals are re-armed from their due time: no drift over 20 minutes", () => {
    const c = new VirtualClock();
    const times: number[] = [];
    c.setInterval(() => times.push(c.now()), 7.5);
    // Advance in awkward steps that never line up with the period.
    for (let i = 0; i < Math.floor(1_200_000 / 997); i++) c.advance(997);
    c.advanceTo(1_200_000);
    expect(times.length).toBe(160000);
    for (let k = 0; k < times.length; k += 9999) expect(times[k]).toBe((k + 1) * 7.5);
    expect(times[times.length - 1]).toBe(1_200_000);
  });

  test("a timer created inside a callback counts from the callback's due time", () => {
    const c = new VirtualClock();
    const times: number[] = [];
    const tick = () => {
      times.push(c.now());
      if (times.length < 4) c.setTimeout(tick, 100);
    };
    c.setTimeout(tick, 100);
    c.advance(1000);
    expect(times).toEqual([100, 200, 300, 400]);
  });

  test("ids are Espruino-like: next after the highest live id, reused when free", () => {
    const c = new VirtualClock();
    const a = c.setTimeout(() => {}, 10);
    const b = c.setTimeout(() => {}, 20);
    expect([a, b]).toEqual([1, 2]);
    expect(c.clear(a)).toBe(true);
    expect(c.setTimeout(() => {}, 5)).toBe(3);
    c.advance(100);
    expect(c.pendingTimers()).toBe(0);
    expect(c.setTimeout(() => {}, 5)).toBe(1);
    expect(c.clear(42)).toBe(false);
  });

  test("clear() inside its own callback stops an interval; clearAll() clears firmware timers only", () => {
    const c = new VirtualClock();
    let n = 0;
    const id = c.setInterval(() => {
      if (++n === 3) c.clear(id);
    }, 10);
    c.advance(100);
    expect(n).toBe(3);
    expect(c.pendingTimers()).toBe(0);

    let host = 0;
    c.hostTimeout(() => host++, 10);
    c.setInterval(() => {}, 5);
    c.setTimeout(() => {}, 5);
    expect(c.pendingTimers()).toBe(2);
    expect(c.clearAll()).toBe(2);
    expect(c.pendingTimers()).toBe(0);
    c.advance(20);
    expect(host).toBe(1);
  });

  test("host timers are not counted as firmware timers; cancel() works", () => {
    const c = new VirtualClock();
    let ran = false;
    const h = c.hostTimeout(() => (ran = true), 10);
    expect(c.pendingTimers()).toBe(0);
    expect(c.nextDue()).toBe(10);
    h.cancel();
    expect(c.nextDue()).toBeUndefined();
    c.advance(50);
    expect(ran).toBe(false);
  });

  test("events posted by a timer run after all timers of that instant, before later timers", () => {
    const c = new VirtualClock();
    const order: string[] = [];
    c.setTimeout(() => {
      order.push("t1");
      c.post(() => order.push(`e@${c.now()}`));
    }, 10);
    c.setTimeout(() => order.push("t2"), 10);
    c.setTimeout(() => order.push("t3"), 11);
    c.advance(20);
    expect(order).toEqual(["t1", "t2", "e@10", "t3"]);
  });

  test("runPending runs queued events (and the ones they queue) at the current time", () => {
    const c = new VirtualClock();
    const order: string[] = [];
    c.post(() => {
      order.push("a");
      c.post(() => order.push("b"));
    });
    expect(c.pendingEvents()).toBe(1);
    expect(c.nextDue()).toBe(0);
    c.runPending();
    expect(order).toEqual(["a", "b"]);
    expect(c.now()).toBe(0);
  });

  test("advanceUntil jumps timer to timer and stops when the predicate holds", () => {
    const c = new VirtualClock();
    let done = false;
    c.setTimeout(() => (done = true), 250);
    c.setInterval(() => {}, 100);
    expect(c.advanceUntil(() => done, 10_000)).toBe(true);
    expect(c.now()).toBe(250);
    expect(c.advanceUntil(() => false, 1000)).toBe(false);
    expect(c.now()).toBe(1250);
    expect(c.advanceUntil(() => c.now() >= 1300, 1000, 25)).toBe(true);
    expect(c.now()).toBe(1300);
  });

  test("changeInterval restarts the period from now", () => {
    const c = new VirtualClock();
    const times: number[] = [];
    const id = c.setInterval(() => times.push(c.now()), 100);
    c.advance(250);
    expect(c.changeInterval(id, 30)).toBe(true);
    c.advance(100);
    expect(times).toEqual([100, 200, 280, 310, 340]);
  });

  test("exceptions go to onError and leave the queue consistent", () => {
    const errors: unknown[] = [];
    const c = new VirtualClock({ onError: (e) => errors.push(e) });
    let n = 0;
    c.setInterval(() => {
      n++;
      throw new Error("boom");
    }, 10);
    c.advance(35);
    expect(n).toBe(3);
    expect(errors).toHaveLength(3);
    expect(c.pendingTimers()).toBe(1);
  });

  test("without onError an exception propagates but the interval stays armed", () => {
    const c = new VirtualClock();
    let n = 0;
    c.setInterval(() => {
      n++;
      if (n === 1) throw new Error("first");
    }, 10);
    expect(() => c.advance(15)).toThrow("first");
    expect(c.pendingTimers()).toBe(1);
    c.advance(100);
    expect(n).toBeGreaterThan(5);
  });

  test("advance is not re-entrant", () => {
    const c = new VirtualClock();
    let err: unknown;
    c.setTimeout(() => {
      try {
        c.advance(1);
      } catch (e) {
        err = e;
      }
    }, 1);
    c.advance(2);
    expect(String(err)).toMatch(/not re-entrant/);
  });

  test("a 0 ms timer re-arming itself forever is reported instead of hanging", () => {
    const c = new VirtualClock({ maxRunsPerInstant: 1000 });
    const again = () => c.setTimeout(again, 0);
    c.setTimeout(again, 0);
    expect(() => c.advance(1)).toThrow(/more than 1000 callbacks/);
  });

  test("the real-time driver advances virtual time and stops", async () => {
    const c = new VirtualClock();
    let fired = 0;
    c.setInterval(() => fired++, 10);
    c.startRealtime(100, { tickMs: 2, unref: true });
    expect(c.isRealtime).toBe(true);
    await new Promise((r) => setTimeout(r, 60));
    c.stopRealtime();
    const t = c.now();
    expect(t).toBeGreaterThan(100);
    expect(fired).toBeGreaterThan(5);
    await new Promise((r) => setTimeout(r, 20));
    expect(c.now()).toBe(t);
  });
});
