/**
 * A tiny seeded pseudo-random generator (mulberry32).
 *
 * Why: every source of chance in the virtual device (torn-write lengths, random notification
 * drops, `Math.random` inside the firmware, the device address) must be reproducible from a
 * seed, so that a failing fault-injection test fails the same way on every run.
 */

/** A function returning floats in [0, 1), like `Math.random`, but repeatable. */
export type Random = () => number;

/** Make a repeatable generator from a 32-bit seed (any number; it is truncated to 32 bits). */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [0, n) drawn from `rnd`. */
export function randomInt(rnd: Random, n: number): number {
  return Math.floor(rnd() * n);
}
