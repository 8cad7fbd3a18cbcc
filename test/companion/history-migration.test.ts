/**
 * A history written by the release before log ids (schema 1: sessions keyed by device and number)
 * migrates without loss: opened, its records keep every field and get the legacy marker
 * (LEGACY_LOG); the first sync after the upgrade gives them the device's log id when the numbers
 * still agree, and otherwise leaves them marked beside the new log's. History, report and export
 * count each session once either way.
 */
import Database from "better-sqlite3";
import { rmSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { sync } from "../../companion/device/sync";
import { openHistory } from "../../companion/history/db";
import { LEGACY_LOG, type SessionRow } from "../../companion/history/store";
import { loadRows } from "../../companion/report/load";
import { toRecord } from "../../companion/export/columns";
import { buttonSessions, eraseLogAndReboot, seededRandom, tempHistory } from "../helpers/faults";
import { type SimNoble, simNoble } from "../helpers/sim-noble";

const T0 = Date.parse("2026-11-20T07:00:00Z") / 1000;
const DEVICE = "c4:11:22:33:44:66";
const open: SimNoble[] = [];
const temps: ReturnType<typeof tempHistory>[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  for (const t of temps.splice(0)) t.done();
});

/** Schema 1, as the previous release created it. */
const SCHEMA_1 = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE devices (id TEXT PRIMARY KEY, name TEXT, board TEXT, firmware TEXT, first_seen INTEGER, last_sync INTEGER);
CREATE TABLE sessions (device_id TEXT NOT NULL, seq INTEGER NOT NULL, start_unix INTEGER NOT NULL, time_source TEXT NOT NULL, program INTEGER NOT NULL, program_name TEXT, planned_s INTEGER NOT NULL, actual_s INTEGER NOT NULL, front_s INTEGER NOT NULL, crown_s INTEGER NOT NULL, back_s INTEGER NOT NULL, end_reason TEXT NOT NULL, battery INTEGER, raw BLOB NOT NULL, synced_at INTEGER NOT NULL, PRIMARY KEY (device_id, seq));
CREATE INDEX sessions_start ON sessions (start_unix);
INSERT INTO meta VALUES ('schema_version', '1');
`;

const FIELDS = ["device_id", "seq", "start_unix", "time_source", "program", "program_name", "planned_s", "actual_s", "front_s", "crown_s", "back_s", "end_reason", "battery", "raw", "synced_at"] as const;

/** A schema-1 file holding these rows (what the previous release's sync stored). */
function writeSchema1(file: string, rows: SessionRow[]): void {
  const db = new Database(file);
  db.exec(SCHEMA_1);
  db.prepare("INSERT INTO devices VALUES (?, 'Massager 4466', 'MDBT42Q', '1.0.0', ?, ?)").run(DEVICE, T0, T0);
  const ins = db.prepare(`INSERT INTO sessions VALUES (${FIELDS.map(() => "?").join(",")})`);
  for (const r of rows) ins.run(...FIELDS.map((f) => (f === "raw" ? Buffer.from(r.raw!) : f === "synced_at" ? T0 : r[f])));
  db.close();
}

async function device(): Promise<SimNoble> {
  const s = await simNoble({ device: { seed: 51, address: DEVICE } });
  open.push(s);
  return s;
}

async function syncInto(s: SimNoble, file: string) {
  const h = openHistory(file);
  try {
    const { client, link } = await s.connect();
    const r = await sync(client, h, { deviceId: DEVICE, now: () => T0 + Math.floor(s.device.clock.now() / 1000) });
    await link.close();
    return r;
  } finally {
    h.close();
  }
}

/** Three sessions synced by the previous release: their rows, as its schema-1 file held them. */
async function previousRelease(s: SimNoble): Promise<{ file: string; rows: SessionRow[] }> {
  buttonSessions(s.device, 3, seededRandom(1));
  const scratch = tempHistory("massager-v2-");
  temps.push(scratch);
  await syncInto(s, scratch.file);
  const rows = scratch.history.sessions({ device: DEVICE, raw: true });
  const t = tempHistory("massager-v1-");
  temps.push(t);
  t.history.close();
  for (const ext of ["", "-wal", "-shm"]) rmSync(t.file + ext, { force: true });
  writeSchema1(t.file, rows);
  return { file: t.file, rows };
}

const strip = (r: SessionRow) => ({ ...r, log_id: undefined, synced_at: undefined, raw: Buffer.from(r.raw!).toString("hex") });

describe("a history from before log ids", () => {
  it("opens migrated: every record and field kept, marked legacy; opening again changes nothing", async () => {
    const s = await device();
    const { file, rows } = await previousRelease(s);
    const h = openHistory(file);
    const after = h.sessions({ device: DEVICE, raw: true });
    expect(after.map((r) => r.log_id)).toEqual([LEGACY_LOG, LEGACY_LOG, LEGACY_LOG]);
    expect(after.map(strip)).toEqual(rows.map(strip));
    h.close();
    const again = openHistory(file);
    expect(again.sessions({ device: DEVICE, raw: true }).map(strip)).toEqual(rows.map(strip));
    again.close();
    expect((new Database(file, { readonly: true }).prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string }).value).toBe("2");
  });

  it("the first sync after the upgrade adopts them when the device's numbers agree: one log, five sessions once", async () => {
    const s = await device();
    const { file } = await previousRelease(s);
    buttonSessions(s.device, 2, seededRandom(2));
    const r = await syncInto(s, file);
    expect(r).toMatchObject({ adopted: 3, stored: 2, duplicates: 0, held: 0 });
    const h = openHistory(file);
    const rows = h.sessions({ device: DEVICE });
    expect(rows.map((x) => x.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(new Set(rows.map((x) => x.log_id))).toEqual(new Set([r.logId]));
    expect(loadRows(h)).toHaveLength(5);
    h.close();
    // and again: nothing new, nothing twice
    expect(await syncInto(s, file)).toMatchObject({ stored: 0, adopted: 0 });
  });

  it("when the device's log started over since, they keep their marker beside the new log's: history, report and export count each once", async () => {
    const s = await device();
    const { file } = await previousRelease(s);
    eraseLogAndReboot(s.device);
    buttonSessions(s.device, 2, seededRandom(2));
    const r = await syncInto(s, file);
    expect(r).toMatchObject({ adopted: 0, stored: 2, duplicates: 0, acked: 2, held: 0 });
    const h = openHistory(file);
    const rows = loadRows(h);
    expect(rows).toHaveLength(5);
    expect(rows.map((x) => [x.log_id === LEGACY_LOG ? "legacy" : "new", x.seq])).toEqual([
      ["legacy", 1], ["legacy", 2], ["legacy", 3], ["new", 1], ["new", 2],
    ]);
    expect(rows.map((x) => toRecord(x).log_id)).toEqual(["00000000", "00000000", "00000000", ...Array(2).fill(r.logId.toString(16).padStart(8, "0"))]);
    h.close();
  });
});

