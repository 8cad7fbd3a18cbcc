import { transformSync } from "esbuild";
import { describe, expect, test } from "vitest";
import { VirtualDevice } from "../../companion/sim/board/device.js";
import { ESPRUINO_MISSING_GLOBALS, ESPRUINO_MISSING_MEMBERS } from "../../companion/sim/board/realm/missing.js";

describe("what Espruino lacks is missing inside the device", () => {
  test("the device refuses a bundle that fails the Espruino check", () => {
    expect(() => new VirtualDevice({ bundle: `var m = new Map();` })).toThrow(/missing-builtin/);
  });

  test("new Map() throws ReferenceError in firmware code, and is recorded", () => {
    // past the check (which would refuse it): what the board would do with it
    const dev = new VirtualDevice({ bundle: `var before = 1; new Map(); var after = 1;`, checkBundle: false });
    expect(dev.errors).toEqual(["ReferenceError: Map is not defined"]);
    expect(dev.console).toContain("Uncaught ReferenceError: Map is not defined");
    expect(dev.global!.before).toBe(1);
    expect(dev.global!.after).toBeUndefined();
    expect(() => dev.eval("new Set([1])")).toThrow(/Set is not defined/);
  });

  test("every listed global and member is undefined; the host keeps its own", () => {
    const dev = new VirtualDevice();
    for (const name of ESPRUINO_MISSING_GLOBALS) expect(dev.eval(`typeof ${name}`), name).toBe("undefined");
    for (const path of ESPRUINO_MISSING_MEMBERS) {
      const expr = path.startsWith("TypedArray.") ? path.replace("TypedArray", "Uint8Array") : path;
      expect(dev.eval(`typeof ${expr}`), path).toBe("undefined");
    }
    expect(() => dev.eval("Array.from([1])")).toThrow(/Array.from is not a function/);
    expect(() => dev.eval("[1, 2].at(-1)")).toThrow(/at is not a function/);
    expect(new Map([[1, 2]]).get(1)).toBe(2);
    expect(Array.from("ab")).toEqual(["a", "b"]);
    expect(Number.isInteger(3)).toBe(true);
  });

  test("what Espruino has still works (typed arrays, DataView, classes, Promise)", () => {
    const dev = new VirtualDevice();
    const r = dev.eval(`
      class A { constructor(x) { this.x = x; } get twice() { return this.x * 2; } }
      var u = new Uint8Array([1, 2, 3, 4]);
      var dv = new DataView(u.buffer);
      var ok = [new A(21).twice, u.subarray(1).length, dv.getUint16(0, true), u instanceof Uint8Array,
        u.slice(2) instanceof Uint8Array, Number("7"), new Number(1) instanceof Number, [1,2,3].includes(2),
        Object.entries({a: 1}).length, "x".padStart(3, "0"), btoa("hi"), atob("aGk=")];
      JSON.stringify(ok);`);
    expect(JSON.parse(r as string)).toEqual([42, 3, 0x0201, true, true, 7, true, true, 1, "00x", "aGk=", "hi"]);
  });

  test("a tiny esbuild iife bundle (es2015, minified) runs", () => {
    const ts = `
      class Motor { constructor(pin: number) { this.pin = pin; } pin: number; on(v: number) { analogWrite(this.pin, v); } }
      const m = new Motor(13);
      const levels = [0.25, 0.5, 1];
      let i = 0;
      const id = setInterval(() => { m.on(levels[i++]); if (i === levels.length) clearInterval(id); }, 100);
      print(\`started \${levels.length}\`);
    `;
    const { code } = transformSync(`declare function analogWrite(p: number, v: number): void; declare function print(s: string): void; ${ts}`, {
      loader: "ts",
      format: "iife",
      target: "es2015",
      minify: true,
    });
    const dev = new VirtualDevice({ bundle: code });
    dev.advance(1000);
    expect(dev.errors).toEqual([]);
    expect(dev.console).toEqual(["started 3"]);
    expect(dev.timeline(13).map((s) => [s.t, s.v])).toEqual([[100, 0.25], [200, 0.5], [300, 1]]);
    expect(dev.pendingTimers()).toBe(0);
  });

  test("API errors are firmware-realm Errors", () => {
    const dev = new VirtualDevice({
      bundle: `var r = []; try { require("fs"); } catch (e) { r.push(e instanceof Error, e.message); }
               try { clearTimeout(99); } catch (e) { r.push(e.message); }`,
    });
    expect(dev.global!.r).toEqual([true, "Module fs not found", "Unknown Timeout"]);
  });
});

describe("Espruino globals", () => {
  test("emit is queued: handlers run after the current code, in the idle loop", () => {
    const dev = new VirtualDevice({
      bundle: `var log = []; var o = {}; o.on("x", function (a, b) { log.push("x" + a + b + (this === o)); });
               o.emit("x", 1, 2); log.push("after emit");`,
    });
    expect(dev.global!.log).toEqual(["after emit", "x12true"]);
  });

  test("getTime/setTime/Date follow the device clock; the offset is lost on power loss", () => {
    const dev = new VirtualDevice({ startUptimeMs: 5000 });
    expect(dev.eval("getTime()")).toBe(5);
    dev.eval("setTime(1700000000)");
    dev.advance(1500);
    expect(dev.eval("getTime()")).toBe(1700000001.5);
    expect(dev.eval("Date.now()")).toBe(1700000001500);
    expect(dev.eval("new Date().toISOString()")).toBe("2023-11-14T22:13:21.500Z");
    expect(dev.eval("new Date().getHours()")).toBe(22);
    dev.eval("E.setTimeZone(2)");
    expect(dev.eval("new Date().getHours()")).toBe(0);
    expect(dev.eval("new Date(2024, 0, 2, 3, 4, 5).toString()")).toBe("Tue Jan 2 2024 03:04:05 GMT+0200");
    expect(dev.eval("new Date() instanceof Date")).toBe(true);
    dev.powerCut();
    dev.advance(1000);
    dev.boot();
    expect(dev.eval("getTime()")).toBe(0);
    expect(dev.eval("new Date().getFullYear()")).toBe(1970);
  });

  test("E.getBattery exists only where the board has it", () => {
    const mdbt = new VirtualDevice({ batteryVolts: 2.9 });
    expect(mdbt.eval("typeof E.getBattery")).toBe("undefined");
    expect(mdbt.eval("NRF.getBattery()")).toBe(2.9);
    expect(mdbt.eval("process.env.BOARD + ' ' + process.env.VERSION")).toBe("MDBT42Q 2v29");
    const puck = new VirtualDevice({ board: "PUCKJS", batteryVolts: 2.5 });
    expect(puck.eval("E.getBattery()")).toBe(50);
  });

  test("E.toUint8Array, E.toString, E.clip, E.sum, E.CRC32", () => {
    const dev = new VirtualDevice();
    expect(dev.eval(`JSON.stringify(Array.prototype.slice.call(E.toUint8Array(1, "AB", [2, [3]], {data: 9, count: 2})))`)).toBe("[1,65,66,2,3,9,9]");
    expect(dev.eval(`E.toUint8Array(1) instanceof Uint8Array`)).toBe(true);
    expect(dev.eval(`E.toString(72, "i")`)).toBe("Hi");
    expect(dev.eval(`E.clip(5, 0, 1) + E.sum([1, 2, 3])`)).toBe(7);
    expect(dev.eval(`E.CRC32("123456789")`)).toBe(0xcbf43926);
  });

  test("Math.random is seeded: same seed, same firmware behaviour", () => {
    const a = new VirtualDevice({ seed: 42 }).eval("Math.random()");
    const b = new VirtualDevice({ seed: 42 }).eval("Math.random()");
    const c = new VirtualDevice({ seed: 43 }).eval("Math.random()");
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  test("Storage through require('Storage') keeps the board's rules", () => {
    const dev = new VirtualDevice({
      bundle: `var S = require("Storage"); S.write("log", "ab", 0, 4);
               var r = [S.read("log").length, S.getFree() > 0, S.list().indexOf("log") >= 0];
               try { S.write("log", "z", 0 + 1); } catch (e) { r.push(e.message); }
               var ab = S.readArrayBuffer("log"); r.push(ab instanceof ArrayBuffer, new Uint8Array(ab)[1]);`,
    });
    expect(dev.global!.r).toEqual([4, true, true, "File already written with different data", true, 98]);
  });
});
