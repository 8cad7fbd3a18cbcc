/**
 * Full flash: the device's Storage filled by other files (Flash.fillTo), and the log's own segment
 * budget (LOG_SEGMENTS × LOG_SEGMENT_RECORDS). Records not yet acknowledged are never overwritten
 * (every one syncs byte for byte); sessions that cannot be logged are counted — and the count
 * survives a restart, written into the journal's margin — and INFO (and `massager sync` /
 * `massager info`) report them; after a sync and its acknowledgement the acknowledged records are
 * what is freed, and logging resumes.
 */
import { describe, expect, it } from "vitest";
import { sync } from "../../companion/device/sync";
import { LOG_SEGMENTS, LOG_SEGMENT_RECORDS } from "../../shared/limits";
import { RECORD_BYTES } from "../../shared/record";
import { simNoble, type SimNoble } from "../helpers/sim-noble";
import { buttonSessions, expectHistoryHolds, recordsInFlash, seededRandom, tempHistory } from "../helpers/faults";

const SEG = LOG_SEGMENT_RECORDS;
const SEG_FILE = 32 + SEG * RECORD_BYTES;

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
  for (const [label, segmentsBefore, syncedBefore] of [
    ["one full segment, synced before", 1, true],
    ["three segments, synced before", 3, true],
    // never acknowledged: its ack cell has no file yet, and only the freed segments make room for it
    ["three segments, never synced", 3, false],
  ] as const) {
    it(`flash full of other files (${label}): nothing overwritten, unlogged counted, reclaimed after the ack, logging resumes`, async () => {
      await withSim(async (sim, h) => {
        const dev = sim.device;
        const rnd = seededRandom(31);
        const logged = segmentsBefore * SEG - 4;
        // a device in use: synced once before (its ack cell exists), then more sessions
        const early = syncedBefore ? 3 : 0;
        buttonSessions(dev, early, rnd);
        const { client } = await sim.connect();
        if (syncedBefore) expect(await sync(client, h.history, { deviceId: "dev" })).toMatchObject({ stored: 3, held: 0 });
        buttonSessions(dev, logged - early, rnd);
        // every other file the board might hold fills the rest: no new segment (672 bytes) fits,
        // not even a cell's next file (160 bytes)
        dev.flash.fillTo(120);
        const kept = recordsInFlash(dev.flash);
        // it still starts, however often it restarts (a boot writes nothing)
        await client.link.close();
        for (let i = 0; i < 20; i++) {
          dev.reboot();
          dev.advance(0);
        }
        expect(dev.errors).toEqual([]);
        // 4 more fit into the newest segment, the next 7 cannot be logged
        buttonSessions(dev, 11, rnd);
        expect(dev.errors).toEqual([]);
        expect(dev.motor).toBe(0);
        // the count of sessions it could not log is kept across a restart (the journal's margin)
        dev.reboot();
        dev.advance(0);
        const again = await sim.connect();
        const info0 = await again.client.info();
        expect(info0).toMatchObject({ newest: logged + 4, held: logged + 4 - early, unlogged: 7 });
        const before = recordsInFlash(dev.flash);
        for (const [seq, b] of kept) expect(Buffer.from(before.get(seq)!).equals(Buffer.from(b))).toBe(true);
        expect(before.size).toBe(kept.size + 4);
        // the companion reports them, and stores every record once
        await again.link.close();
        const cli = await sim.cli(["info", "--json"], { dataDir: h.dir });
        expect(JSON.parse(cli.stdout).sessions_unlogged).toBe(7);
        const third = await sim.connect();
        const s = await sync(third.client, h.history, { deviceId: "dev" });
        expect(s).toMatchObject({ stored: logged + 4 - early, held: 0, unlogged: 7 });
        expectHistoryHolds(h.history, "dev", before);
        // acknowledged records are freed first: logging resumes, the count of unlogged stays
        buttonSessions(dev, 5, rnd);
        expect(dev.errors).toEqual([]);
        const info = await third.client.info();
        expect(info).toMatchObject({ newest: logged + 9, held: 5, unlogged: 7, acked: logged + 4 });
        const s2 = await sync(third.client, h.history, { deviceId: "dev" });
        expect(s2).toMatchObject({ stored: 5, held: 0 });
        expect(h.history.count("dev")).toBe(logged + 9);
        // the filler (someone else's file) was never touched
        expect(dev.flash.list(/^~filler/)).toEqual(["~filler"]);
      });
    });
  }

  it("acknowledgements on a full flash: the journal's margin keeps them; one that finds no room is refused, and the stored one is kept", async () => {
    await withSim(async (sim, h) => {
      const dev = sim.device;
      const rnd = seededRandom(33);
      const { client } = await sim.connect();
      buttonSessions(dev, 1, rnd); // the log's segment exists (it has room for 32 records)
      expect(await sync(client, h.history, { deviceId: "dev" })).toMatchObject({ stored: 1, held: 0 });
      dev.flash.fillTo(120); // the journal cannot start a new file from here on
      let refused: unknown = null;
      let acked = 0;
      for (let i = 0; i < 40 && !refused; i++) {
        buttonSessions(dev, 1, rnd);
        refused = await sync(client, h.history, { deviceId: "dev" }).then(
          (s) => ((acked = s.acked), null),
          (e) => e,
        );
      }
      // sixteen and more acknowledgements fit in the margin before the file is full
      expect(acked).toBeGreaterThanOrEqual(17);
      expect(String(refused)).toMatch(/the device's flash is full/);
      expect(h.history.count("dev")).toBe(acked + 1); // stored all the same, never acknowledged
      expect(dev.errors).toEqual([]);
      // the last ack it stored survives a restart
      await client.link.close();
      dev.reboot();
      dev.advance(0);
      const again = await sim.connect();
      expect(await again.client.info()).toMatchObject({ acked, newest: acked + 1 });
    });
  });

  it("the log's own budget: 13 full segments, nothing overwritten, unlogged counted; the ack frees the oldest first", async () => {
    await withSim(async (sim, h) => {
      const dev = sim.device;
      const cap = LOG_SEGMENTS * SEG;
      const rnd = seededRandom(32);
      buttonSessions(dev, cap + 3, rnd);
      expect(dev.flash.list(/^mlog/)).toHaveLength(LOG_SEGMENTS);
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
