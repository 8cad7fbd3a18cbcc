/**
 * Link loss during a sync, at every packet boundary: a device holding 300 records (real button
 * sessions) is synced through noble's classes into an SQLite history, and the link is dropped after
 * exactly k notifications, for every k from 0 to the last packet of the whole sync (INFO, TIME_SET,
 * every LOG_READ reply and stream packet, the LOG_ACK reply). After each cut the history holds only
 * records the device really has, each once, byte for byte; the next sync completes: every record
 * exactly once, and the device holds nothing after the acknowledgement.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { sync } from "../../companion/device/sync";
import { MassagerError } from "../../companion/errors";
import type { Flash } from "../../companion/sim/board/flash";
import { simNoble } from "../helpers/sim-noble";
import { NUS_SERVICE } from "../../companion/sim/board/nrf";
import {
  cutAfterPackets, expectHistoryHolds, expectHistorySubset, flashWithRecords, recordsInFlash, tempHistory,
} from "../helpers/faults";

const RECORDS = 300;
const T0 = Date.parse("2026-11-20T07:00:00Z") / 1000;
let base: Flash;
let expected: Map<number, Uint8Array>;

beforeAll(async () => {
  base = await flashWithRecords(RECORDS);
  expected = recordsInFlash(base);
  expect(expected.size).toBe(RECORDS);
});

/** The packets the device sends during one uncut sync at this MTU: true for a stream packet. */
async function packetsOfOneSync(mtu: number): Promise<boolean[]> {
  const sim = await simNoble({ link: { mtu }, flash: base.clone() });
  const h = tempHistory();
  try {
    const { client } = await sim.connect();
    const kinds: boolean[] = [];
    sim.device.nrf.on("notify", (svc: string, _c: string, d: Uint8Array) => {
      if (svc !== NUS_SERVICE) kinds.push((d[0] & 0x80) !== 0);
    });
    const s = await sync(client, h.history, { deviceId: "dev", now: () => T0 });
    expect(s).toMatchObject({ received: RECORDS, stored: RECORDS, held: 0, acked: RECORDS });
    expectHistoryHolds(h.history, "dev", expected);
    return kinds;
  } finally {
    await sim.close();
    h.done();
  }
}

async function cutAt(mtu: number, k: number): Promise<{ kept: number; threw: boolean }> {
  const sim = await simNoble({ link: { mtu }, flash: base.clone() });
  const h = tempHistory();
  try {
    const { client } = await sim.connect();
    const cut = cutAfterPackets(sim.device, k);
    let err: unknown;
    try {
      await sync(client, h.history, { deviceId: "dev", now: () => T0, maxReconnects: 0 });
    } catch (e) {
      err = e;
    }
    cut.off();
    expect(cut.cut(), `k=${k}: the cut happened`).toBe(true);
    // a cut sync fails with a sentence for a person (LinkLostError), never anything else
    expect(err, `k=${k}: ${String(err)}`).toBeInstanceOf(MassagerError);
    expect(sim.device.errors).toEqual([]);
    const kept = expectHistorySubset(h.history, "dev", expected);
    // the next sync (the link reconnects by itself) completes
    const s = await sync(client, h.history, { deviceId: "dev", now: () => T0 + 60 });
    expect(s.stored, `k=${k}`).toBe(RECORDS - kept);
    expect(s.duplicates).toBe(0);
    expect(s.held).toBe(0);
    expectHistoryHolds(h.history, "dev", expected);
    const info = await client.info();
    expect(info).toMatchObject({ held: 0, acked: RECORDS, newest: RECORDS });
    expect(sim.device.errors).toEqual([]);
    return { kept, threw: true };
  } finally {
    await sim.close();
    h.done();
  }
}

describe("link loss at every packet boundary of a 300-record sync", () => {
  // payload 50: every boundary. payload 20 (329 packets): every boundary at a reply packet (INFO,
  // TIME_SET, each LOG_READ reply, LOG_ACK) and every second stream packet, to keep `npm test` short
  // (the full sweep passes too: FAULTS_FULL=1).
  const full = process.env.FAULTS_FULL === "1";
  for (const [mtu, streamStride] of [
    [53, 1],
    [23, full ? 1 : 2],
  ] as const) {
    it(`payload ${mtu - 3}: every cut keeps the history exact, and the next sync completes`, async () => {
      const kinds = await packetsOfOneSync(mtu);
      const n = kinds.length;
      expect(kinds.filter((x) => x).length).toBeGreaterThanOrEqual(Math.ceil((RECORDS * 20) / (mtu - 4)));
      const ks: number[] = [];
      for (let k = 0; k < n; k++) if (!kinds[k] || k % streamStride === 0 || k === n - 1) ks.push(k);
      const t = Date.now();
      const keptAt: number[] = [];
      for (const k of ks) keptAt.push((await cutAt(mtu, k)).kept);
      console.log(`payload ${mtu - 3}: ${n} packets, ${ks.length} cuts in ${Date.now() - t} ms`);
      // a cut before anything arrived keeps nothing; a cut of the LOG_ACK reply keeps everything
      expect(keptAt[0]).toBe(0);
      expect(keptAt[keptAt.length - 1]).toBe(RECORDS);
    }, 120_000);
  }
});
