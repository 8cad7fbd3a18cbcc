/**
 * Facts about Espruino 2v29 that the build check (scripts/rules/) and the virtual device
 * (companion/sim/board/realm/) are built on, asserted on the real interpreter so they are known to
 * hold: if a later interpreter changes one, this says which. docs/ESPRUINO.md states each.
 */
import { expect, it } from "vitest";
import { regexProblems } from "../../scripts/rules/regex.mjs";
import { bootInterpreter, describeInterpreter } from "../helpers/interpreter";

describeInterpreter("Espruino 2v29's own behaviour", () => {
  it("subarray does not clamp an end past the array: the view reads on past it", async () => {
    const dev = await bootInterpreter({ bundle: "var a = new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]); var v = a.subarray(2, 5);" });
    expect(await dev.eval("[a.subarray(8, 20).length, a.subarray(8).length, a.slice(8, 20).length, v.subarray(0, 8).length, v.subarray(0, 8)[7]]")).toEqual([12, 2, 2, 8, 9]);
  });

  it("in a ^-anchored pattern, a group after the first atom tries only its first alternative (the check reports it)", async () => {
    const dev = await bootInterpreter({ bundle: "0;" });
    const cases: [string, string, boolean][] = [
      ["^a(b|c)", "ab", true],
      ["^a(b|c)", "ac", false],
      ["^mlog(1|2)$", "mlog2", false],
      ["^(b|c)d", "cd", true],
      ["a(b|c)d$", "acd", true],
      ["^a[bc]d$", "acd", true],
    ];
    const wrong = new Set<string>();
    for (const [re, s, matches] of cases) {
      expect(await dev.eval(`/${re}/.test(${JSON.stringify(s)})`), `/${re}/ on "${s}"`).toBe(matches);
      if (new RegExp(re).test(s) !== matches) wrong.add(re);
    }
    // the check flags exactly the patterns the board gets wrong where Node gets them right
    expect(new Set(cases.map(([re]) => re).filter((re) => regexProblems(re, "").length))).toEqual(wrong);
  });

  it("a typed array's negative or fractional index throws; a plain array's is undefined", async () => {
    const dev = await bootInterpreter({ bundle: "var t = new Int16Array(4); var p = [1, 2];" });
    expect(await dev.eval("(function () { try { var i = -1; return t[i]; } catch (e) { return e.message; } })()")).toMatch(/^Field or method "-1" does not already exist/);
    expect(await dev.eval("(function () { try { var i = 1.5; return t[i]; } catch (e) { return e.message; } })()")).toMatch(/"1.5"/);
    expect(await dev.eval("(function () { var j = -1; return p[j] === undefined; })()")).toBe(true);
  });
});
