/**
 * Bad files and bad history: each gives one clear sentence on stderr (no stack trace) and its exit
 * code, and nothing is written: the history file's bytes are unchanged (no -wal / -journal beside
 * it), and the device is never contacted (no connection, no packet written).
 *
 * History (exit 5), for `sync`, `history`, `report` and `export`: a file that cannot be read (its
 * permissions), a folder where the file should be, garbage bytes, a history cut short, someone
 * else's SQLite file, a `sessions` table of another shape, a newer schema.
 * Program files (exit 4), for `push` and `validate`: not JSON, empty, binary garbage, JSON that is
 * not an object, too large, a folder, unreadable, missing.
 *
 * Unreadable files: root may read anything, so when the tests run as root those cases run
 * `bin/massager.js` as root without the capabilities that let it (CAP_DAC_OVERRIDE and
 * CAP_DAC_READ_SEARCH, dropped with util-linux's `setpriv`): the same user, so the clone may sit in
 * a folder only its owner can enter. Without `setpriv` those cases are skipped, saying why.
 */
import { afterEach, describe, expect, it } from "vitest";
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";
import Database from "better-sqlite3";
import { openHistory } from "../../companion/history/db";
import { simNoble, type SimNoble } from "../helpers/sim-noble";
import { tempDirs } from "../helpers/temp";
import { bytes, seededRandom } from "../helpers/faults";

const ROOT = process.getuid?.() === 0;
const BIN = resolve(__dirname, "../../bin/massager.js");
/** As root, a file's permissions bind only a process without these capabilities. */
const SETPRIV = ["setpriv", "--inh-caps=-dac_override,-dac_read_search", "--bounding-set=-dac_override,-dac_read_search", "--"];
const CAN_DROP = !ROOT || spawnSync(SETPRIV[0], ["--version"]).status === 0;
const NO_DROP_REASON = "running as root, and util-linux's setpriv (which drops root's right to read any file) is not installed";

let sim: SimNoble | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});
const tempDir = tempDirs("massager-bad-");

/** A real history with a few sessions, made through the companion's own code. */
function realHistory(file: string): void {
  const h = openHistory(file);
  h.insertRecords("dev", 7, [1, 2, 3].map((seq) => ({
    seq, start_unix: 1_800_000_000 + seq * 86400, time_source: "clock", program: 0, program_name: "Daily 4 min", planned_s: 240,
    actual_s: 240, front_s: 80, crown_s: 80, back_s: 80, end_reason: "finished", battery: 90, raw: new Uint8Array(20).fill(seq),
  })));
  h.close();
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** One command: in process against the virtual device, or (root, unprivileged) as a child process. */
async function massager(argv: string[], opts: { dataDir: string; unprivileged?: boolean }): Promise<Run> {
  if (opts.unprivileged) {
    const [cmd, ...pre] = SETPRIV;
    const r = spawnSync(cmd, [...pre, process.execPath, BIN, ...argv, "--data-dir", opts.dataDir], {
      encoding: "utf8", env: { PATH: process.env.PATH ?? "", NO_COLOR: "1" }, cwd: opts.dataDir, timeout: 20_000,
    });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  }
  sim ??= await simNoble();
  return sim.cli(argv, { dataDir: opts.dataDir });
}

function expectOneSentence(r: Run, code: number, pattern: RegExp, what: string): void {
  expect(r.code, `${what}: ${r.stderr}`).toBe(code);
  expect(r.stdout, what).toBe("");
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines, `${what}: ${r.stderr}`).toHaveLength(1);
  expect(lines[0], what).toMatch(/^massager: /);
  expect(lines[0], what).toMatch(pattern);
  expect(r.stderr, what).not.toMatch(/\n\s+at |TypeError|RangeError|SqliteError/);
}

/** The bytes of every file in the folder (the history and anything beside it). */
function snapshot(dir: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    m.set(name, statSync(p).isDirectory() ? "<dir>" : readFileSync(p).toString("hex"));
  }
  return m;
}

const HISTORY_COMMANDS = [["sync", "--device", "sim"], ["history"], ["report"], ["export", "--csv"]];

describe("a bad history: one sentence, exit 5, nothing written, the device untouched", () => {
  const cases: [string, (file: string) => void, RegExp, boolean?][] = [
    ["unreadable (permissions)", (f) => {
      realHistory(f);
      chmodSync(f, 0o000);
    }, /cannot be opened \(EACCES\).*check its permissions/, true],
    ["a folder", (f) => mkdirSync(f), /is not a file/],
    ["garbage bytes", (f) => writeFileSync(f, bytes(seededRandom(5), 9000)), /is damaged or is not a history database/],
    ["a history cut short", (f) => {
      realHistory(f);
      const b = readFileSync(f);
      writeFileSync(f, b.subarray(0, Math.floor(b.length / 2) + 100));
    }, /is damaged|not a history/],
    ["someone else's SQLite file", (f) => {
      const db = new Database(f);
      db.exec("CREATE TABLE notes (t TEXT); INSERT INTO notes VALUES ('hello')");
      db.close();
    }, /is an SQLite file but not a massager history/],
    ["a sessions table of another shape", (f) => {
      const db = new Database(f);
      db.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT); CREATE TABLE sessions (id INTEGER, note TEXT); INSERT INTO sessions VALUES (1, 'x')");
      db.close();
    }, /not a massager history/],
    ["a newer schema", (f) => {
      realHistory(f);
      const db = new Database(f);
      db.pragma("journal_mode = DELETE");
      db.prepare("UPDATE meta SET value = '99' WHERE key = 'schema_version'").run();
      db.close();
    }, /written by a newer massager/],
  ];
  for (const [name, make, message, permissions] of cases) {
    it.skipIf(permissions && !CAN_DROP)(permissions && !CAN_DROP ? `${name} (skipped: ${NO_DROP_REASON})` : name, async () => {
      const dir = tempDir();
      const file = join(dir, "history.sqlite");
      make(file);
      const before = snapshot(dir);
      const unprivileged = permissions && ROOT;
      for (const argv of HISTORY_COMMANDS) {
        if (unprivileged && argv[0] === "sync") continue; // the child has no in-process virtual device to count packets on
        const connections = sim?.device.nrf.stats.connections ?? 0;
        const r = await massager(argv, { dataDir: dir, unprivileged });
        expectOneSentence(r, 5, message, `${name}: ${argv[0]}`);
        expect(r.stderr).toContain(file);
        expect(snapshot(dir), `${name}: ${argv[0]} wrote nothing`).toEqual(before);
        if (sim) {
          expect(sim.device.nrf.stats.connections, "the device was never contacted").toBe(connections);
          expect(sim.writes()).toBe(0);
        }
      }
    });
  }
});

describe("a bad program file: one sentence, exit 4, the device untouched", () => {
  it("not JSON, empty, binary garbage, not an object, too large, a folder, missing", async () => {
    const dir = tempDir();
    const f = (name: string, content: string | Uint8Array) => {
      const p = join(dir, name);
      writeFileSync(p, content);
      return p;
    };
    mkdirSync(join(dir, "folder.json"));
    const cases: [string, string, RegExp, boolean?][] = [
      ["not JSON", f("a.json", "{ name: 'Evening', steps: [ }"), /a\.json: is not JSON .*a program is a JSON object/],
      ["empty", f("empty.json", ""), /empty\.json: is not JSON/],
      ["binary garbage", f("garbage.json", bytes(seededRandom(9), 3000)), /garbage\.json: is not JSON/],
      ["an array", f("array.json", "[1, 2, 3]"), /array\.json: program: must be a JSON object with a name and steps/],
      ["a number", f("number.json", "42"), /number\.json: program: must be a JSON object/],
      ["too large", f("big.json", JSON.stringify({ name: "Big", steps: [], pad: "x".repeat(70_000) })), /big\.json: \d+ bytes is too large for a program file/],
      ["a folder", join(dir, "folder.json"), /folder\.json: is a folder, not a program file/],
      ["missing", join(dir, "missing.json"), /missing\.json: no such file; check the path/],
    ];
    for (const [name, file, message] of cases) {
      for (const command of ["validate", "push"]) {
        const r = await massager(command === "push" ? ["push", file, "--device", "sim"] : ["validate", file], { dataDir: dir });
        expectOneSentence(r, 4, message, `${name}: ${command}`);
      }
    }
    // nothing reached the device: no connection, not one packet
    expect(sim!.device.nrf.stats.connections).toBe(0);
    expect(sim!.writes()).toBe(0);
    // and the data folder holds no history or device image either
    expect(existsSync(join(dir, "history.sqlite"))).toBe(false);
  });

  it.skipIf(!CAN_DROP)(`unreadable (permissions)${CAN_DROP ? "" : ` (skipped: ${NO_DROP_REASON})`}`, async () => {
    const dir = tempDir();
    const file = join(dir, "secret.json");
    writeFileSync(file, JSON.stringify({ name: "x", steps: [] }));
    chmodSync(file, 0o000);
    for (const command of ["validate", "push"]) {
      // as root: a child without root's right to read any file (push fails before it looks for a device)
      const r = await massager(command === "push" ? ["push", file, "--device", "sim"] : ["validate", file], { dataDir: dir, unprivileged: ROOT });
      expectOneSentence(r, 4, /secret\.json: cannot be read \(EACCES\); check its permissions/, `unreadable: ${command}`);
    }
    expect(existsSync(join(dir, "history.sqlite"))).toBe(false);
  });
});
