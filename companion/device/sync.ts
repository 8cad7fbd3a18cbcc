import { End, SLOT_BASE, STATUS_TEXT, Status } from "../../shared/codes";
import { INFO_OWNER, INFO_PROTECTED } from "../../shared/messages";
import { DeviceStatusError, SyncError } from "../errors";
import { boardByCode } from "../../shared/boards";
import type { Info } from "../../shared/messages";
import type { DeviceFacts, InsertResult, SessionStore } from "../history/store";
import type { DeviceClient } from "./client";
import { type ReadOptions, type Reading, type Received, readLog } from "./log-read";
import { type RowContext, toRows } from "./rows";

/*
 * `massager sync`: pull every record of the device's log after the last one stored under that log,
 * store them all in one transaction, then acknowledge, so the device frees only what is durably
 * stored under the same log.
 *
 *   INFO → {logId, newest, acked} → TIME_SET(now) → {uptime, bootSeq}: this boot began at now − uptime
 *   LOG_READ(logId) … until the device has no more and no gap is left (log-read.ts)
 *   what the rows need from the link and the history (custom programs' names, the session before)
 *   → the rows (rows.ts, pure) → one transaction: INSERT OR IGNORE every record → LOG_ACK(newest, logId)
 *
 * The log id keeps a log that started over (the flash erased, another board under the same address)
 * from being taken for the one stored: its numbers are new records. Anything that does not add up
 * (the device's newest below what is stored for its log) stops the sync with a sentence before a
 * record is read; a log that changes during the sync is refused by the device (Stale): what arrived
 * before is stored, nothing is acknowledged. Records stored by a companion from before log ids
 * (LEGACY_LOG) join the device's log on the first sync that shows the numbers agree.
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
  /** The device's log the records came from. */
  logId: number;
  /** Records stored before log ids that this sync found to belong to the device's log. */
  adopted: number;
  /** Sessions among those received that ended because the battery ran low. */
  endedForBattery: number;
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
  const logId = info.logId;
  if (!logId && info.flags & INFO_PROTECTED && !(info.flags & INFO_OWNER)) throw new DeviceStatusError("sync", Status.Denied, STATUS_TEXT[Status.Denied]);
  if (!logId) throw new SyncError(`${link.name} did not say which log it keeps (firmware before protocol 2?); update it with \`massager flash\``);
  const clockSetTo = now();
  const time = await client.setTime(clockSetTo);
  const boot = { unix: clockSetTo - time.uptime, firstSeq: time.bootSeq };
  const device = facts(deviceId, link.name, info);
  const stored = await store.lastSeq(deviceId, logId);
  if (stored > info.newest)
    throw new SyncError(
      `${link.name} says its log #${logId.toString(16)} ends at #${info.newest}, but the history already holds #${stored} of it: ` +
        `something does not add up, so nothing was read or acknowledged; run \`massager sync\` again, and if it persists, export the history (\`massager export\`) and report it`,
    );
  // records stored before log ids: read them again from the device's acknowledged point, to see whether they are this log's
  const legacy = stored === 0 ? await store.legacyRecords(deviceId) : [];
  const reading: Reading = {
    received: new Map(), after: legacy.length ? Math.min(info.acked, legacy[legacy.length - 1].seq) : stored, newest: info.newest, gaps: 0, logId,
  };
  let adopt: boolean | null = legacy.length ? null : false;

  /** The one insert path: what the rows need first (I/O), the rows (pure), one transaction. */
  const storeRecords = async (got: Received[]): Promise<InsertResult> => {
    if (adopt === null) adopt = legacyAgrees(legacy, got, info.newest);
    const context = await rowContext(client, store, deviceId, logId, got, boot);
    return store.insertRecords(deviceId, logId, toRows(got, context), { device, now: now(), adoptLegacy: adopt });
  };

  try {
    await readLog(client, reading, opts);
  } catch (err) {
    // keep what arrived cleanly before the first gap: durable, not acknowledged, never re-lost
    const prefix = inSeqOrder(reading, reading.after);
    if (prefix.length) await storeRecords(prefix).catch(() => undefined); // the original error is the one to report
    throw err;
  }
  const all = inSeqOrder(reading, Infinity);
  const result = await storeRecords(all);

  // only after the commit: the device may free what the history now holds
  let acked = 0;
  let held = info.held;
  // the reads reached the device's newest record with no gap left, so every whole record up to
  // `newest` is in the history now: acknowledging `newest` (not only the last stored seq) also frees
  // a record torn by a power cut, which no read can ever return (else the device holds it forever)
  const upTo = reading.newest;
  if (upTo > 0 && (upTo > info.acked || info.held > 0)) {
    const a = await client.ack(upTo, logId);
    acked = a.acked;
    held = a.held;
  } else {
    acked = info.acked;
  }
  return {
    device: deviceId,
    received: reading.received.size,
    stored: result.stored,
    duplicates: result.duplicates,
    acked,
    logId,
    adopted: adopt ? legacy.length : 0,
    endedForBattery: all.filter((g) => g.rec.end === End.Battery).length,
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
async function rowContext(
  client: DeviceClient, store: SessionStore, deviceId: string, logId: number, got: Received[], boot: RowContext["boot"],
): Promise<RowContext> {
  const customNames = new Map<number, string>();
  if (got.length === 0) return { customNames, previous: null, boot };
  if (got.some((g) => g.rec.program >= SLOT_BASE)) {
    try {
      for (const e of (await client.programs()).entries) customNames.set(e.id, e.name);
    } catch {
      // names are a nicety: a record is stored without one rather than not at all
    }
  }
  return { customNames, previous: await store.previousSession(deviceId, logId, got[0].rec.seq), boot };
}

/**
 * Whether the records a companion stored before log ids are the device's log's: the device's log
 * reaches at least as far, and every record read again that the history holds has the same bytes.
 */
function legacyAgrees(legacy: { seq: number; raw: Uint8Array }[], got: Received[], newest: number): boolean {
  if (!legacy.length || legacy[legacy.length - 1].seq > newest) return false;
  const bySeq = new Map(legacy.map((l) => [l.seq, l.raw]));
  return got.every((g) => {
    const raw = bySeq.get(g.rec.seq);
    return !raw || (raw.length === g.raw.length && raw.every((b, i) => b === g.raw[i]));
  });
}

function facts(id: string, name: string, info: Info): DeviceFacts {
  return { id, name, board: boardByCode(info.board)?.id ?? `board-${info.board}`, firmware: info.firmware };
}
