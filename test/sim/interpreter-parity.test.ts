/**
 * Where the real interpreter (Espruino 2v29, test/interpreter/) showed the virtual device lied, the
 * virtual device now does as the board does: a typed array's index that is not a whole number ≥ 0
 * throws, clearWatch(undefined) and clearTimeout(undefined) throw instead of clearing everything (or
 * saying "Unknown Timeout"), and process.memory() refuses to make up a figure.
 */
import { describe, expect, test } from "vitest";
import { VirtualDevice } from "../../companion/sim/board/device";

const device = () => new VirtualDevice({ bundle: "var a = new Int16Array(4); var u = new Uint8Array(2); var plain = [1, 2];", checkBundle: false });

describe("typed-array indices as on the board", () => {
  test("a negative index throws on read and on write, with the board's sentence", () => {
    const dev = device();
    expect(() => dev.eval("a[-1]")).toThrow('Field or method "-1" does not already exist, and can\'t create it on Int16Array');
    expect(() => dev.eval("a[-2] = 5")).toThrow('Field or method "-2" does not already exist, and can\'t create it on Int16Array');
    expect(() => dev.eval("var i = 3; a[i - 16]")).toThrow('"-13"');
    expect(() => dev.eval("u[-1]++")).toThrow("can't create it on Uint8Array");
    expect(() => dev.eval('a["-1"]')).not.toThrow(); // a literal key is left as written
    expect(() => dev.eval('var k = "-1"; a[k]')).toThrow('"-1"');
  });

  test("fractions and NaN throw too; whole indices past the end read undefined and writes are dropped", () => {
    const dev = device();
    expect(() => dev.eval("var h = 0.5; a[h - 1]")).toThrow('"-0.5"');
    expect(() => dev.eval("var h = 1.5; a[h]")).toThrow('"1.5"');
    expect(() => dev.eval("a[0 / 0]")).toThrow('"NaN"');
    expect(dev.eval("var n = 4; a[n] = 1; [a[n], a[n + 96], a.length].join()")).toBe(",,4");
  });

  test("the error is the firmware's to catch, and nothing else changes", () => {
    const dev = device();
    expect(dev.eval("var r; try { a[-1]; } catch (e) { r = e instanceof Error && e.message; } r")).toMatch(/^Field or method "-1"/);
    expect(dev.eval("var j = -1; plain[j]")).toBeUndefined(); // a plain array's [-1] is undefined, as on the board
    expect(dev.eval("var o = {}; var k = -3; o[k] = 7; o[k]")).toBe(7);
    expect(dev.eval("var m = [u]; var z = 0; m[z][z + 1] = 9; u[1]")).toBe(9);
    expect(dev.eval("var s = { f: function () { return this === s; } }; var f = 'f'; s[f]()")).toBe(true);
  });

  test("the firmware's own code is guarded: a callback that reads index -1 fails as on the board", () => {
    const dev = new VirtualDevice({ bundle: "var t = new Int16Array(4); setTimeout(function () { var i = 2; t[i - 3]; }, 10);", checkBundle: false });
    dev.advance(20);
    expect(dev.errors).toEqual(['Error: Field or method "-1" does not already exist, and can\'t create it on Int16Array']);
  });
});

describe("clearing with a lost id", () => {
  test("clearWatch(undefined) and clearTimeout(undefined) throw as on the board, instead of clearing everything", () => {
    const dev = device();
    dev.eval("var w = setWatch(function () {}, 0, { repeat: true }); var t = setTimeout(function () {}, 1000);");
    expect(() => dev.eval("clearWatch(undefined)")).toThrow("clearWatch(undefined) not allowed. Use clearWatch() instead");
    expect(() => dev.eval("clearTimeout(undefined)")).toThrow("clearTimeout(undefined) not allowed. Use clearTimeout() instead");
    expect(dev.pendingTimers()).toBe(1);
    expect(() => dev.eval("clearWatch(w)")).not.toThrow(); // the watch was still there
  });
});

describe("process.memory()", () => {
  test("the virtual device says it cannot count variables, instead of a made-up figure", () => {
    const dev = device();
    expect(() => dev.eval("process.memory()")).toThrow(/not available on the virtual device.*real interpreter/);
  });
});

describe("subarray with an end past the array", () => {
  test("throws on the virtual device, naming the fix: the board does not clamp the end (test/interpreter/language.test.ts)", () => {
    const dev = device();
    expect(() => dev.eval("u.subarray(1, 4)")).toThrow("subarray end 4 is past the array's 2 elements: Espruino does not clamp it and reads past the array (clamp it)");
    expect(dev.eval("[u.subarray(1, 2).length, u.subarray(1).length, u.subarray(-1).length, a.subarray(1, -1).length].join()")).toBe("1,1,1,2");
  });
});
