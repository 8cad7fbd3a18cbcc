/**
 * Issue 12 through the CLI, as a person meets it with `massager sim`: the simulator's flash file
 * deleted between syncs (what a full erase or a replaced board does), and a new bundle installed
 * with `massager flash` (espruino-tools over the simulator's console), which keeps the log. Each
 * ends with every session in the history exactly once and nothing acknowledged that is not stored.
 */
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openHistory } from "../../companion/history/db";
import type { SimServer } from "../../companion/sim/service/server";
import { massager, startSim, stopSim, tempDir } from "../helpers/sim-server";

/** n button sessions of the 4-minute preset, stopped after a few seconds by a long press. */
function sessions(sim: SimServer, n: number): void {
  for (let i = 0; i < n; i++) {
    sim.press("short");
    sim.advance(3000);
    sim.press("long");
    sim.advance(3000); // held, let go, and logged
  }
}

async function json(args: string[], dir: string): Promise<Record<string, unknown>> {
  const r = await massager([...args, "--json", "--data-dir", dir]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

/** Rows in the history: each (log, number) once; the device's acknowledged point is stored. */
async function expectExact(dir: string, total: number): Promise<void> {
  const h = openHistory(join(dir, "history.sqlite"), { readonly: true });
  try {
    const rows = h.sessions();
    expect(rows).toHaveLength(total);
    expect(new Set(rows.map((r) => `${r.log_id}:${r.seq}`)).size).toBe(total);
    const info = await json(["info", "--device", "sim"], dir);
    const logId = parseInt(String(info.log_id), 16);
    expect(Number(info.acked_seq)).toBeLessThanOrEqual(h.lastSeq(String(rows[0].device_id), logId));
  } finally {
    h.close();
  }
}

describe("a log that starts over, through the CLI", () => {
  it("the simulator's flash file deleted between syncs: the new sessions are stored, none taken for old ones", async () => {
    const dir = tempDir();
    let sim = await startSim(dir);
    sessions(sim, 2);
    expect(await json(["sync", "--device", "sim"], dir)).toMatchObject({ received: 2, stored: 2, held: 0 });
    const before = await json(["info", "--device", "sim"], dir);
    await stopSim(sim);

    rmSync(join(dir, "sim-flash.bin"));
    sim = await startSim(dir);
    sessions(sim, 2);
    const info = await json(["info", "--device", "sim"], dir);
    expect(info).toMatchObject({ sessions_held: 2, newest_seq: 2, acked_seq: 0 });
    expect(info.log_id).not.toBe(before.log_id);
    expect(await json(["sync", "--device", "sim"], dir)).toMatchObject({ received: 2, stored: 2, duplicates: 0, held: 0 });
    await expectExact(dir, 4);
    const history = await json(["history"], dir);
    // both logs' sessions, side by side (two that look alike are still two)
    const ids = (history as unknown as { log_id: string }[]).map((r) => r.log_id);
    expect(ids.sort()).toEqual([before.log_id, before.log_id, info.log_id, info.log_id].sort());
  });

  it("`massager flash` installs a new bundle and keeps the log: sessions before and after it sync once, under one log id", async () => {
    const dir = tempDir();
    const sim = await startSim(dir);
    sessions(sim, 2);
    expect(await json(["sync", "--device", "sim"], dir)).toMatchObject({ stored: 2 });
    sessions(sim, 1); // one not synced yet when the firmware changes
    const before = await json(["info", "--device", "sim"], dir);
    const flashed = await massager(["flash", "--device", "sim", "--data-dir", dir, "--json"], { MASSAGER_FW_VERSION: "9.9.9-flashed" });
    expect(flashed.code, flashed.stderr + flashed.stdout).toBe(0);
    const after = await json(["info", "--device", "sim"], dir);
    expect(after).toMatchObject({ firmware: "9.9.9-flashed", log_id: before.log_id, newest_seq: 3, sessions_held: 1 });
    sessions(sim, 1);
    expect(await json(["sync", "--device", "sim"], dir)).toMatchObject({ received: 2, stored: 2, duplicates: 0, held: 0 });
    await expectExact(dir, 4);
    expect(existsSync(join(dir, "sim-flash.bin"))).toBe(true);
  });
});
