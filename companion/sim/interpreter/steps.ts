/**
 * Steps of a command line: what the driver asks the interpreter to do, as JavaScript calls of the
 * `.boot0` hooks (boot0/*.js). Several steps go in one line, so that what must happen together
 * (writes, then time until the reply) does, and a line stays under COMMAND_MAX characters (it is
 * held in the interpreter's RAM while it runs).
 */
export interface Step {
  js: string;
  /** Milliseconds of driven time the step moves on. */
  ms?: number;
}

export const advanceStep = (ms: number): Step => ({ js: `__h.a(${ms})`, ms });

export const inputStep = (pin: number, level: number): Step => ({ js: `__h.b(${pin},${level})` });

/** The central writes one packet to the characteristic it picked when it connected. */
export const writeStep = (packet: Uint8Array): Step => ({ js: `__h.w("${Buffer.from(packet).toString("base64")}")` });

/** What to wait for: `count` notifications p with (p[0] & mask) === value, within `maxMs`, advancing `stepMs` at a time. */
export interface NotifiedPattern {
  mask: number;
  value: number;
  count: number;
  maxMs: number;
  stepMs: number;
}

/** Starts counting the notifications of w's kind (put it before the writes that cause them). */
export const countStep = (w: NotifiedPattern): Step => ({ js: `__h.k(${w.mask},${w.value})` });

/** Advances until w.count notifications were counted since countStep (or w.maxMs passed). */
export const untilStep = (w: NotifiedPattern): Step => ({ js: `__h.u(${w.maxMs},${w.stepMs},${w.count})` });

/** Packs steps into lines of at most `max` characters. */
export function packLines(steps: Step[], max: number): Step[][] {
  const lines: Step[][] = [];
  let cur: Step[] = [];
  let len = 0;
  for (const s of steps) {
    if (cur.length && len + 1 + s.js.length > max) {
      lines.push(cur);
      cur = [];
      len = 0;
    }
    cur.push(s);
    len += s.js.length + 1;
  }
  if (cur.length) lines.push(cur);
  return lines;
}
