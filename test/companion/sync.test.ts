import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeRecord } from "../../shared/record";
import { openHistory, type History } from "../../companion/history/db";
import { sync } from "../../companion/device/sync";
import { simNoble, type SimNoble } from "../helpers/sim-noble";

// unix time at the virtual device's world time 0 (2026-11-20 07:00:00 UTC)
const T0 = Date.parse("2026-11-20T07:00:00Z") / 1000;
const DAY = 86400_000;

let dir: string;
let history: History;
let sim: SimNoble;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "massager-sync-"));
  history = openHistory(join(dir, "history.sqlite"));
});
afterEach(async () => {
  await sim?.close();
  history.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The companion's clock, kept in step with the device's world time. */
const nowOf = (s: SimNoble) => () => T0 + Math.floor(s.device.clock.now() / 1000);

/** A short press (debounced, past the double-press window): starts the selected preset. */
function press(s: SimNoble): void {
  s.device.pressButton(100);
  s.device.advance(600);
}

describe("sync: three button sessions across three days", () => {
  it("stores three rows with the right fields, is idempotent, and frees the device", async () => {
    sim = await simNoble();
    const d = sim.device;

    // day 1, before any clock is set: an uptime-stamped session (preset 0, 240 s, finished)
    d.advance(60_000);
    const start1 = Math.floor(d.clock.now() / 1000);
    press(sim);
    d.advance(250_000);

    // the companion sets the clock (as on every connection), then leaves
    {
      const { link, client } = await sim.connect();
      await client.setTime(nowOf(sim)());
      await link.close();
    }

    // day 2: a clock-stamped session, finished
    d.advance(DAY);
    const start2 = Math.floor(d.clock.now() / 1000);
    press(sim);
    d.advance(250_000);

    // day 3: started, then stopped with a long press after about 100 s
    d.advance(DAY);
    const start3 = Math.floor(d.clock.now() / 1000);
    press(sim);
    d.advance(100_000);
    d.pressButton(1600);
    d.advance(1000);
    expect(d.errors).toEqual([]);

    const { client } = await sim.connect();
    const before = await client.info();
    expect(before.held).toBe(3);

    const s1 = await sync(client, history, { now: nowOf(sim), deviceId: "dev-1" });
    expect(s1).toMatchObject({ received: 3, stored: 3, duplicates: 0, held: 0, gaps: 0 });
    const rows = history.sessions({ device: "dev-1", raw: true });
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3]);
    // times: day 1 corrected from uptime, days 2 and 3 from the clock
    expect(rows.map((r) => r.time_source)).toEqual(["uptime-corrected", "clock", "clock"]);
    expect(rows[0].start_unix).toBeGreaterThanOrEqual(T0 + start1);
    expect(rows[0].start_unix).toBeLessThanOrEqual(T0 + start1 + 2);
    expect(rows[1].start_unix - (T0 + start2)).toBeGreaterThanOrEqual(0);
    expect(rows[1].start_unix - (T0 + start2)).toBeLessThanOrEqual(2);
    expect(rows[2].start_unix - (T0 + start3)).toBeLessThanOrEqual(2);
    expect(new Set(rows.map((r) => new Date(r.start_unix * 1000).toISOString().slice(0, 10))).size).toBe(3);
    for (const r of rows) {
      expect(r.program).toBe(0);
      expect(r.program_name).toBe("Daily 4 min");
      expect(r.planned_s).toBe(240);
      expect(r.actual_s).toBe(r.front_s + r.crown_s + r.back_s);
      expect(decodeRecord(r.raw!, 0)!.seq).toBe(r.seq);
    }
    expect(rows.slice(0, 2).map((r) => [r.end_reason, r.actual_s, r.front_s, r.crown_s, r.back_s])).toEqual([
      ["finished", 240, 80, 80, 80],
      ["finished", 240, 80, 80, 80],
    ]);
    expect(rows[2].end_reason).toBe("stopped");
    expect(rows[2].actual_s).toBeGreaterThanOrEqual(99);
    expect(rows[2].actual_s).toBeLessThanOrEqual(102);
    expect([rows[2].front_s, rows[2].crown_s, rows[2].back_s]).toEqual([80, rows[2].actual_s - 80, 0]);

    // again: nothing new, still three rows; the device holds nothing
    const s2 = await sync(client, history, { now: nowOf(sim), deviceId: "dev-1" });
    expect(s2).toMatchObject({ received: 0, stored: 0, held: 0 });
    expect(history.count("dev-1")).toBe(3);
    expect((await client.info()).held).toBe(0);
  });

  it("through `massager sync`: three rows in the history file, again three, the device freed", async () => {
    sim = await simNoble();
    const d = sim.device;
    const starts: number[] = [];
    for (let day = 0; day < 3; day++) {
      d.advance(day === 0 ? 3_600_000 : DAY);
      starts.push(T0 + Math.floor(d.clock.now() / 1000));
      press(sim);
      d.advance(250_000);
    }
    const now = nowOf(sim);
    const first = await sim.cli(["sync", "--json"], { dataDir: dir, now });
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ received: 3, stored: 3, held: 0 });
    const again = await sim.cli(["sync"], { dataDir: dir, now });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/0 new sessions stored/);
    const h = openHistory(join(dir, "history.sqlite"));
    try {
      const rows = h.sessions();
      expect(rows).toHaveLength(3);
      expect(rows.map((r) => r.time_source)).toEqual(["uptime-corrected", "uptime-corrected", "uptime-corrected"]);
      rows.forEach((r, i) => {
        expect(r.start_unix - starts[i]).toBeGreaterThanOrEqual(0);
        expect(r.start_unix - starts[i]).toBeLessThanOrEqual(2);
      });
      expect(new Set(rows.map((r) => new Date(r.start_unix * 1000).toISOString().slice(0, 10))).size).toBe(3);
      expect(h.devices()).toHaveLength(1);
    } finally {
      h.close();
    }
    const { client } = await sim.connect();
    expect((await client.info()).held).toBe(0);
  });

  it("sessions from an earlier boot, stamped with its uptime, are placed before this boot, spacing kept", async () => {
    sim = await simNoble();
    const d = sim.device;
    d.advance(100_000);
    press(sim);
    d.advance(250_000);
    d.advance(550_000); // the next session starts about 800 s after the first
    press(sim);
    d.advance(250_000);
    d.reboot(); // the clock was never set; after the reboot nobody knows when those sessions were
    d.advance(60_000);
    press(sim);
    d.advance(250_000);
    const { client } = await sim.connect();
    const s = await sync(client, history, { now: nowOf(sim), deviceId: "dev-1" });
    expect(s.stored).toBe(3);
    const rows = history.sessions({ device: "dev-1", raw: true });
    expect(rows.map((r) => r.time_source)).toEqual(["estimated", "estimated", "uptime-corrected"]);
    const uptime = rows.map((r) => decodeRecord(r.raw!, 0)!);
    expect([uptime[0].uptime, uptime[1].uptime]).toEqual([true, true]);
    expect(uptime[0].boot).toBe(uptime[1].boot);
    expect(rows[1].start_unix - rows[0].start_unix).toBe(uptime[1].start - uptime[0].start);
    expect(uptime[1].start - uptime[0].start).toBeGreaterThan(790);
    expect(rows[1].start_unix + rows[1].actual_s).toBeLessThan(s.bootUnix);
    expect(rows[2].start_unix).toBeGreaterThanOrEqual(s.bootUnix + 60);
  });
});
