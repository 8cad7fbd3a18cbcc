import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { Flash, FILE_HEADER_BYTES, PowerLossError } from "../../companion/sim/board/flash.js";

const bytes = (s: string | undefined) => (s === undefined ? undefined : Array.from(s, (c) => c.charCodeAt(0)));

describe("Flash (Espruino Storage rules)", () => {
  test("a file created at a size is erased (0xFF) and filled by offset", () => {
    const f = new Flash();
    expect(f.getFree()).toBe(40960);
    expect(f.write("log", "ab", 0, 10)).toBe(true);
    expect(bytes(f.read("log"))).toEqual([0x61, 0x62, 255, 255, 255, 255, 255, 255, 255, 255]);
    f.write("log", new Uint8Array([1, 2, 3]), 4);
    f.write("log", [9], 9);
    expect(bytes(f.read("log"))).toEqual([0x61, 0x62, 255, 255, 1, 2, 3, 255, 255, 9]);
    expect(bytes(f.read("log", 4, 3))).toEqual([1, 2, 3]);
    // header + data padded to 4 bytes
    expect(f.getFree()).toBe(40960 - FILE_HEADER_BYTES - 12);
    expect(f.list()).toEqual(["log"]);
  });

  test("writing over written bytes throws, even with the same values; a whole identical file is a no-op", () => {
    const f = new Flash();
    f.write("rec", "hello", 0, 8);
    expect(() => f.write("rec", "X", 1)).toThrow("File already written with different data");
    // Espruino checks for erased bytes: identical data at an offset is refused too.
    expect(() => f.write("rec", "e", 1)).toThrow("File already written with different data");
    f.write("cfg", "same");
    const before = f.writeCount;
    expect(f.write("cfg", "same")).toBe(true);
    expect(f.writeCount).toBe(before);
    expect(f.getStats().trashCount).toBe(0);
  });

  test("writes past the end, or by offset into a missing file, throw", () => {
    const f = new Flash();
    f.write("a", "x", 0, 4);
    expect(() => f.write("a", "12345", 1)).toThrow("Too much data for file size");
    expect(() => f.write("nope", "x", 3)).toThrow("Unable to find or create file");
    expect(() => f.write("a".repeat(29), "x")).toThrow(/longer than 28/);
    expect(f.write("b".repeat(28), "x")).toBe(true);
    expect(() => f.write("z", "")).toThrow("Can't create zero length file");
  });

  test("offset 0 reuses an erased file of the same size, but replaces a written one", () => {
    const f = new Flash();
    f.write("p", "", 0, 8);
    f.write("p", "abcd", 0, 8); // same size, still erased: written in place
    expect(f.getStats()).toMatchObject({ fileCount: 1, trashCount: 0 });
    f.write("p", "wxyz", 4);
    expect(f.read("p")).toBe("abcdwxyz");
    f.write("p", "new!", 0, 8); // not erased any more: a new file replaces it
    expect(f.getStats()).toMatchObject({ fileCount: 1, trashCount: 1 });
    expect(bytes(f.read("p"))).toEqual([110, 101, 119, 33, 255, 255, 255, 255]);
    // The classic pitfall: offset 0 WITHOUT a size means size = data length, so the file is replaced.
    f.write("q", "", 0, 8);
    f.write("q", "ab", 0);
    expect(f.read("q")).toBe("ab");
  });

  test("erase keeps the space as trash until compact() reclaims it", () => {
    const f = new Flash();
    f.write("one", "1".repeat(100));
    f.write("two", "2".repeat(200));
    const free = f.getFree();
    f.erase("one");
    expect(f.list()).toEqual(["two"]);
    expect(f.read("one")).toBeUndefined();
    expect(f.getFree()).toBe(free);
    expect(f.getStats()).toMatchObject({ trashCount: 1, trashBytes: 132 });
    f.compact();
    expect(f.getFree()).toBe(free + 132);
    expect(f.read("two")).toBe("2".repeat(200));
    expect(f.stats.compactions).toBe(1);
    expect(f.debugFiles()).toEqual([{ name: "two", addr: 0, size: 200, deleted: false }]);
  });

  test("a new file that does not fit at the end triggers an automatic compaction", () => {
    const f = new Flash({ size: 8192 });
    f.write("a", new Uint8Array(3000));
    f.write("b", new Uint8Array(3000).fill(7));
    f.erase("a");
    expect(f.getFree()).toBe(8192 - 2 * 3032);
    f.write("c", new Uint8Array(3000).fill(9));
    expect(f.stats.autoCompactions).toBe(1);
    expect(f.list()).toEqual(["b", "c"]);
    expect(f.readBytes("b")!.every((x) => x === 7)).toBe(true);
    expect(f.readBytes("c")!.every((x) => x === 9)).toBe(true);
  });

  test("a full flash refuses a file with 'Unable to find or create file' and keeps the others", () => {
    const f = new Flash({ size: 8192 });
    f.write("a", new Uint8Array(4000));
    expect(() => f.write("big", new Uint8Array(5000))).toThrow("Unable to find or create file");
    expect(f.list()).toEqual(["a"]);
    // Like jsfWriteFile, replacing a file that cannot be rewritten loses the old one.
    expect(() => f.write("a", new Uint8Array(9000))).toThrow("Unable to find or create file");
    expect(f.list()).toEqual([]);
  });

  test("fillTo simulates a nearly full flash", () => {
    const f = new Flash();
    f.write("x", "data");
    f.fillTo(100);
    expect(f.getFree()).toBe(100);
    expect(() => f.write("rec", new Uint8Array(80))).toThrow("Unable to find or create file");
    expect(f.write("rec", new Uint8Array(68))).toBe(true);
    expect(f.getFree()).toBe(0);
  });

  test("data arguments: strings as bytes, typed arrays, ArrayBuffer, arrays, objects as JSON", () => {
    const f = new Flash();
    f.write("s", "\u00ff\u0101A");
    expect(bytes(f.read("s"))).toEqual([255, 1, 65]);
    const big = new Uint8Array([0, 1, 2, 3, 4, 5]);
    f.write("v", big.subarray(2, 4));
    expect(bytes(f.read("v"))).toEqual([2, 3]);
    f.write("b", new Uint16Array([0x0102]).buffer);
    expect(bytes(f.read("b"))).toEqual([2, 1]);
    f.write("n", [1, 256, 513]);
    expect(bytes(f.read("n"))).toEqual([1, 0, 1]);
    f.write("j", { a: 1 });
    expect(f.readJSON("j")).toEqual({ a: 1 });
    expect(new Uint8Array(f.readArrayBuffer("v")!)).toEqual(new Uint8Array([2, 3]));
  });

  test("toBuffer/fromBuffer and saveTo/loadFrom keep files, trash and page layout", () => {
    const f = new Flash({ size: 16384, pageSize: 2048 });
    f.write("keep", "kept", 0, 12);
    f.write("gone", "x");
    f.erase("gone");
    const g = Flash.fromBuffer(f.toBuffer());
    expect(g.size).toBe(16384);
    expect(g.pageSize).toBe(2048);
    expect(g.list()).toEqual(["keep"]);
    expect(g.getStats()).toEqual(f.getStats());
    expect(() => g.write("keep", "x", 0)).not.toThrow(); // replaced (not erased at 0)
    const dir = mkdtempSync(join(tmpdir(), "vflash-"));
    try {
      const path = join(dir, "flash.img");
      f.saveTo(path);
      const h = Flash.loadFrom(path);
      expect(h.read("keep")).toBe(f.read("keep"));
      expect(h.raw()).toEqual(f.raw());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("writeCount counts writes that change bytes, and erases", () => {
    const f = new Flash();
    f.write("a", "x", 0, 8); // create
    f.write("a", "\xff\xff", 2); // erased bytes: no change, not counted
    f.write("a", "y", 1);
    f.erase("a");
    f.erase("a"); // nothing left to erase
    expect(f.writeCount).toBe(3);
  });

  test("power loss tears a write after tornBytes and throws PowerLossError", () => {
    const f = new Flash();
    f.write("log", "", 0, 16);
    let hooked: PowerLossError | undefined;
    f.onPowerLoss = (e) => (hooked = e);
    f.failAfterWrites(2, { tornBytes: 3 });
    f.write("log", "AAAA", 0, 16); // first write from now: fine (size given: fills the file in place)
    expect(() => f.write("log", "BBBBBBBB", 4)).toThrow(PowerLossError);
    expect(hooked).toBeInstanceOf(PowerLossError);
    expect(f.read("log")).toBe("AAAABBB" + "\xff".repeat(9));
    expect(f.faultArmed).toBe(false);
    f.write("log", "C", 7); // flash still works afterwards (the device is what loses power)
  });

  test("power loss while creating a file leaves the header and a torn prefix", () => {
    const f = new Flash();
    f.failAfterWrites(1, { tornBytes: 2 });
    expect(() => f.write("new", "hello")).toThrow(PowerLossError);
    expect(f.read("new")).toBe("he\xff\xff\xff");
  });

  test("the default torn length is seeded: shorter than the data and repeatable", () => {
    const torn = (seed: number) => {
      const f = new Flash({ seed });
      f.write("x", "", 0, 100);
      f.failAfterWrites(1);
      expect(() => f.write("x", new Uint8Array(100), 0)).toThrow(PowerLossError);
      return f.readBytes("x")!.findIndex((b) => b === 0xff);
    };
    const a = torn(7);
    expect(a).toBeGreaterThanOrEqual(0);
    expect(a).toBeLessThan(100);
    expect(torn(7)).toBe(a);
  });

  test("a power loss during erase leaves the file intact", () => {
    const f = new Flash();
    f.write("keep", "data");
    f.failAfterWrites(1);
    expect(() => f.erase("keep")).toThrow(PowerLossError);
    expect(f.read("keep")).toBe("data");
  });
});
