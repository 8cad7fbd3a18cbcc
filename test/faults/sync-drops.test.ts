/**
 * Dropped notifications: the device's transmit queue is full (a small queue drained by a slower
 * radio: the device cannot tell, docs/ESPRUINO.md) or notifications are lost at random (5%, 15%, 30%,
 * fixed seeds). A sync through noble's classes still completes with every record exactly once,
 * byte for byte, and the device holds nothing after the acknowledgement.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { sync } from "../../companion/device/sync";
import type { Flash } from "../../companion/sim/board/flash";
import type { SimLinkModel } from "../../companion/sim/link/backend";
import { simNoble } from "../helpers/sim-noble";
import { expectHistoryHolds, flashWithRecords, recordsInFlash, tempHistory } from "../helpers/faults";

const RECORDS = 200;
let base: Flash;
let expected: Map<number, Uint8Array>;

beforeAll(async () => {
  base = await flashWithRecords(RECORDS, 11);
  expected = recordsInFlash(base);
  expect(expected.size).toBe(RECORDS);
});

async function syncUnder(link: SimLinkModel, device: { txQueue?: number; seed?: number }) {
  const sim = await simNoble({ link, flash: base.clone(), device });
  const h = tempHistory();
  try {
    const { client } = await sim.connect({ requestTimeoutMs: 100, retries: 30 });
    const s = await sync(client, h.history, { deviceId: "dev", idleMs: 25 });
    expect(s).toMatchObject({ received: RECORDS, stored: RECORDS, duplicates: 0, held: 0, acked: RECORDS });
    expectHistoryHolds(h.history, "dev", expected);
    // a second sync finds nothing new and stores nothing twice
    const again = await sync(client, h.history, { deviceId: "dev", idleMs: 25 });
    expect(again).toMatchObject({ received: 0, stored: 0, held: 0 });
    expectHistoryHolds(h.history, "dev", expected);
    expect(sim.device.errors).toEqual([]);
    return { s, stats: { ...sim.device.nrf.stats } };
  } finally {
    await sim.close();
    h.done();
  }
}

describe("sync with dropped notifications", () => {
  it("the device's transmit queue full (4 packets, the radio drains 2 per 15 ms): every record once", async () => {
    const { s, stats } = await syncUnder({ mtu: 23, intervalMs: 15, packetsPerInterval: 2 }, { txQueue: 4, seed: 2 });
    expect(stats.droppedNotifications).toBeGreaterThan(50); // queue-full drops (the queue is smaller than the credit window), not random ones
    expect(stats.randomDrops).toBe(0);
    expect(s.gaps).toBeGreaterThan(0);
  });

  it("a queue one packet smaller than the device's burst (every 4th packet lost): every record once", async () => {
    const { s, stats } = await syncUnder({ mtu: 23 }, { txQueue: 3, seed: 2 });
    expect(stats.droppedNotifications).toBeGreaterThan(50);
    expect(s.gaps).toBeGreaterThan(0);
  });

  for (const [rate, mtu, seed] of [
    [0.05, 23, 21],
    [0.15, 23, 22],
    [0.3, 23, 23],
    [0.3, 53, 24],
  ] as const) {
    it(`${rate * 100}% of notifications lost at random, payload ${mtu - 3}: every record once`, async () => {
      const { s, stats } = await syncUnder({ mtu, dropRate: rate }, { seed });
      expect(stats.randomDrops).toBeGreaterThan(0);
      expect(s.gaps).toBeGreaterThan(0);
    });
  }
});
