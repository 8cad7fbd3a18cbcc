import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openHistory, type History } from "../../companion/history/db";
import { sync } from "../../companion/device/sync";
import { LinkLostError } from "../../companion/errors";
import { DISCONNECT_REASON } from "../../companion/sim/board/nrf";
import { simNoble, type SimNoble } from "../helpers/sim-noble";

const T0 = Date.parse("2026-11-20T07:00:00Z") / 1000;

let dir: string;
let history: History;
let sim: SimNoble;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "massager-syncf-"));
  history = openHistory(join(dir, "history.sqlite"));
});
afterEach(async () => {
  await sim?.close();
  history.close();
  rmSync(dir, { recursive: true, force: true });
});

const nowOf = (s: SimNoble) => () => T0 + Math.floor(s.device.clock.now() / 1000);

/** n short sessions: start with a press, stop with a long press: one record each. */
function sessions(s: SimNoble, n: number): void {
  for (let i = 0; i < n; i++) {
    s.device.pressButton(100);
    s.device.advance(3000);
    s.device.pressButton(1600);
    s.device.advance(1000);
  }
}

/** Drops the link (supervision timeout) after the central has received `after` stream packets. */
function cutAfterStreamPackets(s: SimNoble, after: number): () => number {
  let seen = 0;
  let cut = false;
  s.device.nrf.on("notify", (_svc: string, _chr: string, data: Uint8Array) => {
    if (data[0] & 0x80) seen++;
    if (!cut && seen === after) {
      cut = true;
      s.device.nrf.centralDisconnect(DISCONNECT_REASON.SUPERVISION_TIMEOUT);
    }
  });
  return () => seen;
}

function expectEveryRecordOnce(n: number): void {
  const rows = history.sessions({ device: "dev" });
  expect(rows.length).toBe(n);
  expect(rows.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
}

describe("sync under faults", () => {
  it("an interrupted sync stores nothing twice and the next sync completes with every record once", async () => {
    sim = await simNoble({ link: { mtu: 23 } });
    sessions(sim, 40);
    cutAfterStreamPackets(sim, 12);
    const { client } = await sim.connect();
    await expect(sync(client, history, { now: nowOf(sim), deviceId: "dev", maxReconnects: 0 })).rejects.toBeInstanceOf(LinkLostError);
    const kept = history.count("dev");
    expect(kept).toBeLessThan(40);
    expect((await client.info()).held).toBe(40); // nothing was acknowledged (this request reconnected)
    const s = await sync(client, history, { now: nowOf(sim), deviceId: "dev" });
    expect(s.stored).toBe(40 - kept);
    expect(s.held).toBe(0);
    expectEveryRecordOnce(40);
  });

  it("a sync that loses the link mid-stream reconnects and completes", async () => {
    sim = await simNoble({ link: { mtu: 23 } });
    sessions(sim, 30);
    cutAfterStreamPackets(sim, 7);
    const { client } = await sim.connect();
    const s = await sync(client, history, { now: nowOf(sim), deviceId: "dev" });
    expect(s).toMatchObject({ received: 30, stored: 30, held: 0 });
    expect(s.retries).toBeGreaterThan(0);
    expectEveryRecordOnce(30);
  });

  it("with 30% of notifications dropped, every record arrives exactly once", async () => {
    sim = await simNoble({ link: { mtu: 23, dropRate: 0.3 }, device: { seed: 7 } });
    sessions(sim, 40);
    const { client } = await sim.connect({ requestTimeoutMs: 150, retries: 20 });
    const s = await sync(client, history, { now: nowOf(sim), deviceId: "dev", idleMs: 30 });
    console.log(s);
    expect(s.gaps).toBeGreaterThan(0);
    expect(s.held).toBe(0);
    expectEveryRecordOnce(40);
    expect(sim.device.nrf.stats.randomDrops).toBeGreaterThan(0);
  });
});
