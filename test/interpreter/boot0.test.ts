/**
 * The harness's .boot0 runs on the board's interpreter, so it keeps the bundle's rules: checked
 * here without an interpreter (the interpreter suites run it).
 */
import { expect, it } from "vitest";
import { boot0Source } from "../../companion/sim/interpreter/boot0";
import { checkEspruino } from "../../scripts/espruino-check.mjs";

it("the interpreter harness's .boot0 passes the Espruino check, on the driven clock and on real time", () => {
  for (const driven of [true, false]) {
    const src = boot0Source({ board: "PUCKJS", driven, volts: 2.9, percent: 90, address: "c7:3a:10:55:1a:2b random" });
    expect(checkEspruino(src, { filename: ".boot0" }).map((v: { message: string }) => v.message)).toEqual([]);
  }
});
