import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { openHistory, SCHEMA_VERSION } from "../../companion/history/db";
import type { NewSession } from "../../companion/history/store";
import { dataDir } from "../../companion/history/paths";
import { HistoryError } from "../../companion/errors";
import { runCli } from "../helpers/cli";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "massager-hist-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function row(seq: number, start: number): NewSession {
  return {
    seq, start_unix: start, time_source: "clock", program: 0, program_name: "Daily 4 min", planned_s: 240, actual_s: 240,
    front_s: 80, crown_s: 80, back_s: 80, end_reason: "finished", battery: 90, raw: new Uint8Array(20).fill(seq),
  };
}

describe("history database", () => {
  it("stores in one transaction, ignores duplicates, keeps several devices apart", () => {
    const h = openHistory(join(dir, "a", "history.sqlite"));
    expect(h.schemaVersion()).toBe(SCHEMA_VERSION);
    expect(h.lastSeq("x", 7)).toBe(0);
    expect(h.insertRecords("x", 7, [row(1, 100), row(2, 200)], { device: { id: "x", name: "Massager 1", board: "MDBT42Q", firmware: "0.1.0" } })).toEqual({ stored: 2, duplicates: 0 });
    expect(h.insertRecords("x", 7, [row(2, 200), row(3, 300)])).toEqual({ stored: 1, duplicates: 1 });
    expect(h.insertRecords("y", 7, [row(1, 150)])).toEqual({ stored: 1, duplicates: 0 });
    expect(h.lastSeq("x", 7)).toBe(3);
    expect(h.sessions().map((r) => `${r.device_id}${r.seq}`)).toEqual(["x1", "y1", "x2", "x3"]);
    expect(h.sessions({ device: "x", from: 150, to: 300 }).map((r) => r.seq)).toEqual([2]);
    expect(h.devices().map((d) => [d.id, d.name])).toEqual([["x", "Massager 1"], ["y", null]]);
    expect(h.sessions({ raw: true })[0].raw).toEqual(new Uint8Array(20).fill(1));
    h.close();
  });

  it("a damaged file: one HistoryError sentence naming the file and the fix, nothing written", () => {
    const f = join(dir, "history.sqlite");
    const junk = Buffer.from("this is not a database at all, just some text that someone saved here ".repeat(100));
    writeFileSync(f, junk);
    let err: unknown;
    try {
      openHistory(f);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(HistoryError);
    expect((err as Error).message).toContain(f);
    expect((err as Error).message).toMatch(/move it aside .* and run `massager sync` to start a new one/);
    expect(readFileSync(f)).toEqual(junk);
    expect(readdirSync(dir)).toEqual(["history.sqlite"]);
  });

  it("someone else's SQLite file, or a newer schema, is refused without writing", () => {
    const f = join(dir, "other.sqlite");
    const db = new Database(f);
    db.exec("CREATE TABLE notes (t TEXT)");
    db.close();
    expect(() => openHistory(f)).toThrow(/is an SQLite file but not a massager history/);
    const g = join(dir, "newer.sqlite");
    openHistory(g).close();
    const db2 = new Database(g);
    db2.prepare("UPDATE meta SET value = '99' WHERE key = 'schema_version'").run();
    db2.close();
    expect(() => openHistory(g)).toThrow(/written by a newer massager/);
  });

  it("`massager sync` on a damaged history exits 5 before touching any device", async () => {
    writeFileSync(join(dir, "history.sqlite"), "garbage".repeat(1000));
    let opened = false;
    const { code, stderr } = await runCli(["sync", "--device", "sim", "--data-dir", dir], {
      simBackend: async () => {
        opened = true;
        throw new Error("must not be reached");
      },
    });
    expect(code).toBe(5);
    expect(opened).toBe(false);
    expect(stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/history file .* is damaged/);
    expect(existsSync(join(dir, "history.sqlite-wal"))).toBe(false);
  });

  it("the data directory: --data-dir, then MASSAGER_HOME, then the platform's", () => {
    expect(dataDir({ flag: "/f", env: { MASSAGER_HOME: "/m" } })).toBe("/f");
    expect(dataDir({ env: { MASSAGER_HOME: "/m", XDG_DATA_HOME: "/x" } })).toBe("/m");
    expect(dataDir({ env: { XDG_DATA_HOME: "/x" }, platform: "linux", home: "/h" })).toBe("/x/massager");
    expect(dataDir({ env: {}, platform: "linux", home: "/h" })).toBe("/h/.local/share/massager");
    expect(dataDir({ env: {}, platform: "darwin", home: "/h" })).toBe("/h/Library/Application Support/massager");
    expect(dataDir({ env: { APPDATA: "C:/Users/a/AppData/Roaming" }, platform: "win32", home: "/h" })).toBe("C:/Users/a/AppData/Roaming/massager");
  });
});
