import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sync } from "../../companion/device/sync";
import { LinkLostError } from "../../companion/errors";
import { simNoble, type SimNoble } from "../helpers/sim-noble";
import { buttonSessions, cutAfterPackets, expectHistoryHolds, recordsInFlash, tempHistory } from "../helpers/faults";

const T0 = Date.parse("2026-11-20T07:00:00Z") / 1000;

let h: ReturnType<typeof tempHistory>;
let sim: SimNoble;

beforeEach(() => {
  h = tempHistory("massager-syncf-");
});
afterEach(async () => {
  await sim?.close();
  h.done();
});

const nowOf = (s: SimNoble) => () => T0 + Math.floor(s.device.clock.now() / 1000);

/** n button sessions on the device (one record each); the records it then holds, by seq. */
function sessions(s: SimNoble, n: number): Map<number, Uint8Array> {
  buttonSessions(s.device, n);
  const held = recordsInFlash(s.device.flash);
  expect(held.size).toBe(n);
  return held;
}

describe("sync under faults", () => {
  it("an interrupted sync stores nothing twice and the next sync completes with every record once", async () => {
    sim = await simNoble({ link: { mtu: 23 } });
    const expected = sessions(sim, 40);
    cutAfterPackets(sim.device, 12, { streamOnly: true });
    const { client } = await sim.connect();
    await expect(sync(client, h.history, { now: nowOf(sim), deviceId: "dev", maxReconnects: 0 })).rejects.toBeInstanceOf(LinkLostError);
    const kept = h.history.count("dev");
    expect(kept).toBeLessThan(40);
    expect((await client.info()).held).toBe(40); // nothing was acknowledged (this request reconnected)
    const s = await sync(client, h.history, { now: nowOf(sim), deviceId: "dev" });
    expect(s.stored).toBe(40 - kept);
    expect(s.held).toBe(0);
    expectHistoryHolds(h.history, "dev", expected);
  });

  it("a sync that loses the link mid-stream reconnects and completes", async () => {
    sim = await simNoble({ link: { mtu: 23 } });
    const expected = sessions(sim, 30);
    cutAfterPackets(sim.device, 7, { streamOnly: true });
    const { client } = await sim.connect();
    const s = await sync(client, h.history, { now: nowOf(sim), deviceId: "dev" });
    expect(s).toMatchObject({ received: 30, stored: 30, held: 0 });
    expect(s.retries).toBeGreaterThan(0);
    expectHistoryHolds(h.history, "dev", expected);
  });

  it("with 30% of notifications dropped, every record arrives exactly once", async () => {
    sim = await simNoble({ link: { mtu: 23, dropRate: 0.3 }, device: { seed: 7 } });
    const expected = sessions(sim, 40);
    const { client } = await sim.connect({ requestTimeoutMs: 150, retries: 20 });
    const s = await sync(client, h.history, { now: nowOf(sim), deviceId: "dev", idleMs: 30 });
    expect(s.gaps).toBeGreaterThan(0);
    expect(s.held).toBe(0);
    expectHistoryHolds(h.history, "dev", expected);
    expect(sim.device.nrf.stats.randomDrops).toBeGreaterThan(0);
  });
});
