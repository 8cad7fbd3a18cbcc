/**
 * A log that starts over never loses a session (issue 12). The device's log carries a random id
 * that changes whenever its numbering starts over; the history keys records by device, log id and
 * number, and the companion acknowledges only numbers it stored under the same log id. Each case
 * ends with every session the device logged stored exactly once, byte for byte, and the device's
 * acknowledged point never past what the history holds of that log: all of Storage erased between
 * syncs, only the log files erased, another board under the same address, a sync cut while the
 * log changes, a log that changes in the middle of a sync. (The CLI cases, the simulator's flash
 * file deleted and `massager flash`: test/sim-server/log-restart.test.ts.)
 */
import { afterEach, describe, expect, it } from "vitest";
import { sync, type SyncSummary } from "../../companion/device/sync";
import { DeviceStatusError, MassagerError } from "../../companion/errors";
import type { History } from "../../companion/history/db";
import { Status } from "../../shared/codes";
import { buttonSessions, eraseLogAndReboot, cutAfterPackets, recordsInFlash, seededRandom, tempHistory } from "../helpers/faults";
import { firmwareBundle } from "../helpers/firmware";
import { type SimNoble, simNoble } from "../helpers/sim-noble";

const T0 = Date.parse("2026-11-20T07:00:00Z") / 1000;
const ADDRESS = "c4:11:22:33:44:55";
const DEVICE = ADDRESS; // the history's device id: the peripheral's address

const open: SimNoble[] = [];
const histories: ReturnType<typeof tempHistory>[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  for (const h of histories.splice(0)) h.done();
});

async function board(seed: number): Promise<SimNoble> {
  const s = await simNoble({ device: { seed, address: ADDRESS }, link: { mtu: 23 } });
  open.push(s);
  return s;
}

function history(): History {
  const h = tempHistory("massager-log-restart-");
  histories.push(h);
  return h.history;
}

/** What a person did: every record each log ever held, keyed "logId:seq", with its bytes. */
class Logged {
  readonly all = new Map<string, string>();
  /** Takes the records the device's flash holds now, under the log id its INFO gives. */
  async note(s: SimNoble): Promise<void> {
    const { client, link } = await s.connect();
    const logId = (await client.info()).logId;
    await link.close();
    for (const [seq, raw] of recordsInFlash(s.device.flash)) this.all.set(`${logId}:${seq}`, Buffer.from(raw).toString("hex"));
  }
}

/** The history's rows as "logId:seq" → bytes; every key once. */
function rows(h: History): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of h.sessions({ device: DEVICE, raw: true })) {
    const k = `${r.log_id}:${r.seq}`;
    expect(out.has(k), `${k} stored twice`).toBe(false);
    out.set(k, Buffer.from(r.raw!).toString("hex"));
  }
  return out;
}

/** One sync; afterwards the device's acknowledged point is one the history holds under its log. */
async function syncOnce(s: SimNoble, h: History, opts: { maxReconnects?: number } = {}): Promise<SyncSummary> {
  const { client, link } = await s.connect();
  try {
    return await sync(client, h, { deviceId: DEVICE, now: () => T0 + Math.floor(s.device.clock.now() / 1000), ...opts });
  } finally {
    await expectAckedStored(s, h);
    await link.close();
  }
}

/** The device never holds an acknowledgement past what the history stored of its current log. */
async function expectAckedStored(s: SimNoble, h: History): Promise<void> {
  const { client, link } = await s.connect();
  const info = await client.info();
  expect(info.acked, `acked #${info.acked} of log ${info.logId.toString(16)}`).toBeLessThanOrEqual(h.lastSeq(DEVICE, info.logId));
  await link.close();
}

describe("a log that starts over", () => {
  it("all of Storage erased between syncs (the bundle flashed back): the new log's sessions are new, none lost", async () => {
    const s = await board(11);
    const h = history();
    const logged = new Logged();
    buttonSessions(s.device, 2, seededRandom(1));
    const first = await syncOnce(s, h);
    expect(first).toMatchObject({ received: 2, stored: 2, acked: 2 });
    await logged.note(s);

    s.device.flash.eraseAll();
    s.device.install(await firmwareBundle());
    buttonSessions(s.device, 2, seededRandom(2));
    const second = await syncOnce(s, h);
    expect(second).toMatchObject({ received: 2, stored: 2, duplicates: 0, acked: 2, held: 0 });
    expect(second.logId).not.toBe(first.logId);
    await logged.note(s);
    expect(rows(h)).toEqual(logged.all);
    expect(logged.all.size).toBe(4);
    expect(s.device.errors).toEqual([]);
  });

  it("only the log files erased: a new id, numbering from 1, both logs kept", async () => {
    const s = await board(12);
    const h = history();
    const logged = new Logged();
    buttonSessions(s.device, 3, seededRandom(1));
    const first = await syncOnce(s, h);
    await logged.note(s);
    eraseLogAndReboot(s.device);
    buttonSessions(s.device, 2, seededRandom(2));
    const second = await syncOnce(s, h);
    expect(second).toMatchObject({ stored: 2, duplicates: 0, held: 0 });
    expect(second.logId).not.toBe(first.logId);
    await logged.note(s);
    expect(rows(h)).toEqual(logged.all);
    expect([...rows(h).keys()].filter((k) => k.endsWith(":1"))).toHaveLength(2); // #1 of each log
  });

  it("another board answering under the same address: its log is its own; the first board's sessions still come in", async () => {
    const h = history();
    const logged = new Logged();
    const a = await board(21);
    buttonSessions(a.device, 3, seededRandom(1));
    await syncOnce(a, h);
    buttonSessions(a.device, 2, seededRandom(3)); // two more, not synced yet
    await logged.note(a);
    const b = await board(22);
    buttonSessions(b.device, 4, seededRandom(2));
    const fromB = await syncOnce(b, h);
    expect(fromB).toMatchObject({ received: 4, stored: 4, duplicates: 0, acked: 4 });
    await logged.note(b);
    const fromA = await syncOnce(a, h);
    expect(fromA).toMatchObject({ received: 2, stored: 2, acked: 5 });
    expect(rows(h)).toEqual(logged.all);
    expect(h.devices()).toHaveLength(1);
  });

  it("a sync cut, then another board under the address, then the first again: every session once, nothing acknowledged unstored", async () => {
    const h = history();
    const logged = new Logged();
    const a = await board(31);
    buttonSessions(a.device, 40, seededRandom(1));
    await logged.note(a);
    {
      const { client, link } = await a.connect();
      const cut = cutAfterPackets(a.device, 10, { streamOnly: true });
      await expect(sync(client, h, { deviceId: DEVICE, now: () => T0, maxReconnects: 0 })).rejects.toBeInstanceOf(MassagerError);
      cut.off();
      await link.close();
    }
    const kept = rows(h).size;
    expect(kept).toBeLessThan(40);
    await expectAckedStored(a, h);
    const b = await board(32);
    buttonSessions(b.device, 3, seededRandom(2));
    expect(await syncOnce(b, h)).toMatchObject({ stored: 3, acked: 3 });
    await logged.note(b);
    const again = await syncOnce(a, h);
    expect(again).toMatchObject({ stored: 40 - kept, duplicates: 0, acked: 40, held: 0 });
    expect(rows(h)).toEqual(logged.all);
  });

  it("a log that changes in the middle of a sync (the flash erased, the board rebooted): Stale, with a sentence; what arrived is kept, nothing acknowledged", async () => {
    const s = await board(41);
    const h = history();
    buttonSessions(s.device, 40, seededRandom(1));
    const before = recordsInFlash(s.device.flash);
    let streamed = 0;
    const onNotify = (_svc: string, _c: string, d: Uint8Array) => {
      if (d[0] & 0x80 && ++streamed === 12)
        setImmediate(() => {
          eraseLogAndReboot(s.device);
          buttonSessions(s.device, 2, seededRandom(2));
        });
    };
    s.device.nrf.on("notify", onNotify);
    const { client, link } = await s.connect();
    const err = await sync(client, h, { deviceId: DEVICE, now: () => T0 }).catch((e: unknown) => e);
    s.device.nrf.off("notify", onNotify);
    await link.close();
    expect(err).toBeInstanceOf(DeviceStatusError);
    expect((err as DeviceStatusError).status).toBe(Status.Stale);
    expect((err as Error).message).toMatch(/log started over.*run `massager sync` again/);
    // what arrived before is the old log's, byte for byte; none of it acknowledged on the new log
    const kept = h.sessions({ device: DEVICE, raw: true });
    expect(kept.length).toBeGreaterThan(0);
    for (const r of kept) expect(Buffer.from(r.raw!).equals(Buffer.from(before.get(r.seq)!))).toBe(true);
    await expectAckedStored(s, h);
    // the next sync takes the new log whole
    const next = await syncOnce(s, h);
    expect(next).toMatchObject({ received: 2, stored: 2, duplicates: 0, acked: 2, held: 0 });
    expect(new Set(h.sessions({ device: DEVICE }).map((r) => r.log_id)).size).toBe(2);
    expect(s.device.errors).toEqual([]);
  });
});
