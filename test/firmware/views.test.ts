/**
 * Every view the firmware takes of a byte array goes through shared/bytes.ts sub(), which clamps
 * the end: Espruino 2v29's subarray does not, and a view past the end reads what follows it
 * (test/interpreter/language.test.ts shows it on the real interpreter). A direct `.subarray(` in the
 * firmware's source is a view nobody clamped.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sub } from "../../shared/bytes";

const FIRMWARE = join(__dirname, "..", "..", "firmware");

describe("views of byte arrays", () => {
  it("the firmware's source takes none with .subarray directly", () => {
    const direct = readdirSync(FIRMWARE)
      .filter((f) => f.endsWith(".ts"))
      .flatMap((f) => readFileSync(join(FIRMWARE, f), "utf8").split("\n").map((line, i) => [`${f}:${i + 1}`, line] as const))
      .filter(([, line]) => /\.subarray\(/.test(line))
      .map(([at]) => at);
    expect(direct).toEqual([]);
  });

  it("sub() clamps the end to the array and leaves the rest as subarray does", () => {
    const a = Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const v = a.subarray(2, 5);
    expect([...sub(a, 8, 20)]).toEqual([8, 9]);
    expect([...sub(v, 1, 8)]).toEqual([3, 4]);
    expect([...sub(v, 1)]).toEqual([3, 4]);
    expect(sub(a, 3, 6).byteOffset).toBe(3); // a view, not a copy
    expect(sub(a, 12).length).toBe(0);
  });
});
