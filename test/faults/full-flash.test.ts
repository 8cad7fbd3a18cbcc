/**
 * Full flash: the device's Storage filled by other files (Flash.fillTo), and the log's own segment
 * budget (LOG_SEGMENTS × LOG_SEGMENT_RECORDS). Records not yet acknowledged are never overwritten
 * (every one syncs byte for byte); sessions that cannot be logged are counted and INFO (and
 * `massager sync` / `massager info`) report them; after a sync and its acknowledgement the
 * acknowledged records are what is freed, and logging resumes.
 */
import { describe, expect, it } from "vitest";
import { sync } from "../../companion/device/sync";
import { LIMITS } from "../../shared/limits";
import { simNoble, type SimNoble } from "../helpers/sim-noble";
import { buttonSessions, expectHistoryHolds, recordsInFlash, seededRandom, tempHistory } from "../helpers/faults";

const SEG = LIMITS.logSegmentRecords;
const SEG_FILE = 32 + SEG * LIMITS.recordBytes;

async function withSim(fn: (sim: SimNoble, h: ReturnType<typeof tempHistory>) => Promise<void>): Promise<void> {
  const sim = await simNoble({ link: { mtu: 53 } });
  const h = tempHistory();
  try {
    sim.device.advance(0);
    await fn(sim, h);
    expect(sim.device.errors).toEqual([]);
  } finally {
    await sim.close();
    h.done();
  }
}

describe("full flash", () => {
  for (const [label, segmentsBefore] of [
    ["one full segment", 1],
    ["three segments", 3],
  ] as const) {
    it(`flash full of other files (${label}): nothing overwritten, unlogged counted, reclaimed after the ack, logging resumes`, async () => {
      await withSim(async (sim, h) => {
        const dev = sim.device;
        const rnd = seededRandom(31);
        const logged = segmentsBefore * SEG - 4;
        buttonSessions(dev, logged, rnd);
        // every other file the board might hold fills the rest: no new segment (672 bytes) fits,
        // not even a small cell file
        dev.flash.fillTo(120);
        const kept = recordsInFlash(dev.flash);
        expect(kept.size).toBe(logged);
        // 4 more fit into the newest segment, the next 7 cannot be logged
        buttonSessions(dev, 11, rnd);
        expect(dev.errors).toEqual([]);
        expect(dev.motor).toBe(0);
        const { client } = await sim.connect();
        let info = await client.info();
        expect(info).toMatchObject({ newest: logged + 4, held: logged + 4, unlogged: 7 });
        const before = recordsInFlash(dev.flash);
        for (const [seq, b] of kept) expect(Buffer.from(before.get(seq)!).equals(Buffer.from(b))).toBe(true);
        // the companion reports them, and stores every record once
        const cli = await sim.cli(["info", "--json"], { dataDir: h.dir });
        expect(JSON.parse(cli.stdout).sessions_unlogged).toBe(7);
        const s = await sync(client, h.history, { deviceId: "dev" });
        expect(s).toMatchObject({ stored: logged + 4, held: 0, unlogged: 7 });
        expectHistoryHolds(h.history, "dev", before);
        // acknowledged records are freed first: logging resumes, the count of unlogged stays
        buttonSessions(dev, 5, rnd);
        expect(dev.errors).toEqual([]);
        info = await client.info();
        expect(info).toMatchObject({ newest: logged + 9, held: 5, unlogged: 7, acked: logged + 4 });
        const s2 = await sync(client, h.history, { deviceId: "dev" });
        expect(s2).toMatchObject({ stored: 5, held: 0 });
        expect(h.history.count("dev")).toBe(logged + 9);
        // the filler (someone else's file) was never touched
        expect(dev.flash.list(/^~filler/)).toEqual(["~filler"]);
      });
    });
  }

  it("the log's own budget: 13 full segments, nothing overwritten, unlogged counted; the ack frees the oldest first", async () => {
    await withSim(async (sim, h) => {
      const dev = sim.device;
      const cap = LIMITS.logSegments * SEG;
      const rnd = seededRandom(32);
      buttonSessions(dev, cap + 3, rnd);
      expect(dev.flash.list(/^mlog/)).toHaveLength(LIMITS.logSegments);
      expect(dev.flash.getFree()).toBeGreaterThan(SEG_FILE); // it is the budget that stops it, not the flash
      const stored = recordsInFlash(dev.flash);
      expect([...stored.keys()]).toEqual(Array.from({ length: cap }, (_, i) => i + 1)); // the first ones kept
      const { client } = await sim.connect();
      expect(await client.info()).toMatchObject({ newest: cap, held: cap, unlogged: 3 });
      // a sync of part of it (the link drops after 150 records): nothing is acknowledged yet, so the
      // device still cannot log, and still keeps every record
      const s = await sync(client, h.history, { deviceId: "dev", maxPerRead: 50 });
      expect(s).toMatchObject({ stored: cap, held: 0, acked: cap, unlogged: 3 });
      expectHistoryHolds(h.history, "dev", stored);
      buttonSessions(dev, 2, rnd);
      expect(await client.info()).toMatchObject({ newest: cap + 2, held: 2, unlogged: 3 });
      expect(dev.flash.list(/^mlog/).length).toBeLessThanOrEqual(2);
    });
  });
});
