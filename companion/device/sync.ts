import { SLOT_BASE } from "../../shared/codes";
import { boardByCode } from "../../shared/boards";
import type { Info } from "../../shared/messages";
import type { DeviceFacts, InsertResult, SessionStore } from "../history/store";
import type { DeviceClient } from "./client";
import { type ReadOptions, type Reading, type Received, readLog } from "./log-read";
import { type RowContext, toRows } from "./rows";

/*
 * `massager sync`: pull every record after the last stored one, store them all in one transaction,
 * then acknowledge, so the device frees only what is durably stored.
 *
 *   INFO → TIME_SET(now) → {uptime, boot}: this boot began at now − uptime
 *   LOG_READ … until the device has no more and no gap is left (log-read.ts)
 *   what the rows need from the link and the history (custom programs' names, the session before)
 *   → the rows (rows.ts, pure) → one transaction: INSERT OR IGNORE every record → LOG_ACK(newest)
 *
 * A sync cut short stores the records before its first gap (never acknowledged), through the same
 * insert path, so a repeated or interrupted sync never loses or duplicates a record. The history is
 * any SessionStore (the SQLite file here); the device is any link the DeviceClient talks through.
 */
export interface SyncOptions extends ReadOptions {
  /** Unix seconds now (tests pass a fixed clock). */
  now?: () => number;
  /** The history's device id (default: the peripheral's address). */
  deviceId?: string;
}

export interface SyncSummary {
  device: string;
  /** Distinct records received from the device. */
  received: number;
  /** Records newly stored in the history. */
  stored: number;
  /** Records the history already had. */
  duplicates: number;
  /** Sequence number acknowledged to the device (0 when nothing was acknowledged). */
  acked: number;
  /** Records the device still holds after the acknowledgement. */
  held: number;
  /** Requests resent after a timeout, plus reconnects. */
  retries: number;
  /** Reads that came back with missing packets or damaged records (and were read again). */
  gaps: number;
  /** Unix time of the device's current boot, from the clock offset seen at sync. */
  bootUnix: number;
  /** The time the device's clock was set to. */
  clockSetTo: number;
  /** Sessions the device could not log (flash full). */
  unlogged: number;
}

export async function sync(client: DeviceClient, store: SessionStore, opts: SyncOptions = {}): Promise<SyncSummary> {
  const link = client.link;
  const now = opts.now ?? (() => Math.floor(Date.now() / 1000));
  const deviceId = opts.deviceId ?? link.peripheral.address ?? link.peripheral.id;
  const retriesBefore = link.stats.retries + link.stats.reconnects;

  const info = await client.info();
  const clockSetTo = now();
  const time = await client.setTime(clockSetTo);
  const boot = { unix: clockSetTo - time.uptime, nibble: time.boot & 15 };
  const device = facts(deviceId, link.name, info);
  const reading: Reading = { received: new Map(), after: await store.lastSeq(deviceId), newest: info.newest, gaps: 0 };

  /** The one insert path: what the rows need first (I/O), the rows (pure), one transaction. */
  const storeRecords = async (got: Received[]): Promise<InsertResult> => {
    const context = await rowContext(client, store, deviceId, got, boot);
    return store.insertRecords(deviceId, toRows(got, context), { device, now: now() });
  };

  try {
    await readLog(client, reading, opts);
  } catch (err) {
    // keep what arrived cleanly before the first gap: durable, not acknowledged, never re-lost
    const prefix = inSeqOrder(reading, reading.after);
    if (prefix.length) await storeRecords(prefix).catch(() => undefined); // the original error is the one to report
    throw err;
  }
  const { stored, duplicates } = await storeRecords(inSeqOrder(reading, Infinity));

  // only after the commit: the device may free what the history now holds
  let acked = 0;
  let held = info.held;
  // the reads reached the device's newest record with no gap left, so every whole record up to
  // `newest` is in the history now: acknowledging `newest` (not only the last stored seq) also frees
  // a record torn by a power cut, which no read can ever return (else the device holds it forever)
  const upTo = reading.newest;
  if (upTo > 0 && (upTo > info.acked || info.held > 0)) {
    const a = await client.ack(upTo);
    acked = a.acked;
    held = a.held;
  } else {
    acked = info.acked;
  }
  return {
    device: deviceId,
    received: reading.received.size,
    stored,
    duplicates,
    acked,
    held,
    retries: link.stats.retries + link.stats.reconnects - retriesBefore,
    gaps: reading.gaps,
    bootUnix: boot.unix,
    clockSetTo,
    unlogged: info.unlogged,
  };
}

/** The records received with seq up to `upTo`, in seq order. */
function inSeqOrder(reading: Reading, upTo: number): Received[] {
  return [...reading.received.values()].filter((g) => g.rec.seq <= upTo).sort((a, b) => a.rec.seq - b.rec.seq);
}

/**
 * What the rows need that only the device and the history know: the names of the custom programs
 * the records ran (PROG_LIST, only when a record ran one) and the session stored just before them.
 */
async function rowContext(client: DeviceClient, store: SessionStore, deviceId: string, got: Received[], boot: RowContext["boot"]): Promise<RowContext> {
  const customNames = new Map<number, string>();
  if (got.length === 0) return { customNames, previous: null, boot };
  if (got.some((g) => g.rec.program >= SLOT_BASE)) {
    try {
      for (const e of (await client.programs()).entries) customNames.set(e.id, e.name);
    } catch {
      // names are a nicety: a record is stored without one rather than not at all
    }
  }
  return { customNames, previous: await store.previousSession(deviceId, got[0].rec.seq), boot };
}

function facts(id: string, name: string, info: Info): DeviceFacts {
  return { id, name, board: boardByCode(info.board)?.id ?? `board-${info.board}`, firmware: info.firmware };
}
