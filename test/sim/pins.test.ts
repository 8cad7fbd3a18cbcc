import { describe, expect, test } from "vitest";
import { VirtualDevice } from "../../companion/sim/board/device.js";

/** A device running a small Espruino program that records watch events in `ev`. */
function withWatch(options: string, deviceOpts: { buttonActiveLow?: boolean } = {}) {
  const dev = new VirtualDevice({
    ...deviceOpts,
    bundle: `var ev = []; setWatch(function (e) { ev.push([e.state, e.time, e.lastTime, Math.round(getTime() * 1000)]); }, BTN, ${options});`,
  });
  return { dev, events: () => JSON.parse(JSON.stringify(dev.global!.ev)) as Array<[boolean, number, number | null, number]> };
}

describe("setWatch with Espruino's debounce", () => {
  test("a bounce shorter than the debounce time produces no event", () => {
    const { dev, events } = withWatch(`{repeat: true, edge: "both", debounce: 25}`);
    dev.advance(1000);
    dev.buttonDown();
    dev.advance(10);
    dev.buttonUp();
    dev.advance(500);
    expect(events()).toEqual([]);
  });

  test("contact bounce is filtered: one press, one release, times of the last edges", () => {
    const { dev, events } = withWatch(`{repeat: true, edge: "both", debounce: 25}`);
    dev.advance(1000);
    for (const [down, ms] of [[true, 3], [false, 2], [true, 4], [false, 1], [true, 200]] as const) {
      if (down) dev.buttonDown();
      else dev.buttonUp();
      dev.advance(ms);
    }
    dev.buttonUp(); // at 1210
    dev.advance(500);
    // last press edge at 1010, reported at 1035; released at 1210, reported at 1235
    expect(events()).toEqual([
      [true, 1.01, null, 1035],
      [false, 1.21, 1.01, 1235],
    ]);
  });

  test("an active-low button: a press produces falling then rising with correct times", () => {
    const { dev, events } = withWatch(`{repeat: true, edge: "both", debounce: 25}`, { buttonActiveLow: true });
    expect(dev.level(0)).toBe(1);
    dev.advance(2000);
    dev.pressButton(300);
    dev.advance(100);
    expect(events()).toEqual([
      [false, 2, null, 2025],
      [true, 2.3, 2, 2325],
    ]);
  });

  test("built-in button defaults: edge rising, debounce 25 ms", () => {
    const { dev, events } = withWatch(`{repeat: true}`);
    dev.advance(100);
    dev.pressButton(100);
    dev.advance(100);
    expect(events()).toEqual([[true, 0.1, null, 125]]);
  });

  test("without debounce every edge is reported at once; repeat:false removes the watch", () => {
    const dev = new VirtualDevice({
      bundle: `var ev = []; setWatch(function (e) { ev.push(e.state); }, D7, {repeat: true, edge: "both"});
               var once = 0; setWatch(function () { once++; }, D7, {edge: "rising"});`,
    });
    dev.setInput(7, 1);
    dev.setInput(7, 0);
    dev.setInput(7, 1);
    expect(dev.global!.ev).toEqual([true, false, true]);
    expect(dev.global!.once).toBe(1);
  });

  test("clearWatch(id) stops events; an unknown id is an error like on the board", () => {
    const dev = new VirtualDevice({
      bundle: `var n = 0; var id = setWatch(function () { n++; }, BTN, {repeat: true});
               clearWatch(id); clearWatch(id);`,
    });
    dev.pressButton(100);
    dev.advance(100);
    expect(dev.global!.n).toBe(0);
    expect(dev.errors).toEqual(["Error: Unknown Watch"]);
  });
});

describe("outputs", () => {
  test("analogWrite records only changes, with the frequency", () => {
    const dev = new VirtualDevice({
      bundle: `var M = 13;
        analogWrite(M, 0.5, {freq: 200});
        setTimeout(function () { analogWrite(M, 0.5, {freq: 200}); }, 100);
        setTimeout(function () { analogWrite(M, 0.8, {freq: 200}); }, 200);
        setTimeout(function () { analogWrite(M, 0.2, {freq: 200}); analogWrite(M, 0, {freq: 200}); }, 300);
        setTimeout(function () { digitalWrite(M, 1); }, 400);`,
    });
    dev.advance(1000);
    expect(dev.timeline(13)).toEqual([
      { t: 0, v: 0.5, freq: 200 },
      { t: 200, v: 0.8, freq: 200 },
      { t: 300, v: 0, freq: 200 },
      { t: 400, v: 1 },
    ]);
    expect(dev.levelAt(13, 250)).toBe(0.8);
    expect(dev.levelAt(13, 350)).toBe(0);
    expect(dev.motor).toBe(1);
  });

  test("digitalPulse edges land at exact times, queue after each other, and use no firmware timer", () => {
    const dev = new VirtualDevice({
      bundle: `digitalPulse(LED1, 1, [50, 30, 50]); digitalPulse(LED1, 1, 20);`,
    });
    expect(dev.pendingTimers()).toBe(0);
    dev.advance(1000);
    // high 50, low 30, high 50, then the queued pulse starts at 130: the two high phases touch.
    expect(dev.timeline(1)).toEqual([
      { t: 0, v: 1 },
      { t: 50, v: 0 },
      { t: 80, v: 1 },
      { t: 150, v: 0 },
    ]);
    expect(dev.led).toEqual([0, 0]);
  });

  test("pins the board lacks do not exist (LED3 on MDBT42Q), invalid pins throw", () => {
    const dev = new VirtualDevice({ bundle: `digitalWrite(LED3, 1);` });
    expect(dev.errors).toEqual(["ReferenceError: LED3 is not defined"]);
    expect(() => dev.eval("digitalWrite(undefined, 1)")).toThrow(/invalid pin undefined/);
    expect(() => dev.eval("analogWrite(32, 1)")).toThrow(/invalid pin 32/);
    const puck = new VirtualDevice({ board: "PUCKJS", bundle: `digitalWrite(LED3, 1);` });
    expect(puck.errors).toEqual([]);
    expect(puck.led).toEqual([0, 0, 1]);
  });

  test("a power cut records every running output falling to 0", () => {
    const dev = new VirtualDevice({ bundle: `analogWrite(13, 0.7); digitalWrite(LED2, 1);` });
    dev.advance(500);
    dev.powerCut();
    expect(dev.timeline(13)).toEqual([{ t: 0, v: 0.7 }, { t: 500, v: 0 }]);
    expect(dev.timeline(2)).toEqual([{ t: 0, v: 1 }, { t: 500, v: 0 }]);
  });
});
