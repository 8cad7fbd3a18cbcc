import { Op, SLOT_BASE, Status } from "../../shared/codes";
import { crc32 } from "../../shared/crc";
import { MSG_OVERHEAD } from "../../shared/frame";
import { CHUNK_MAX_BYTES, SLOTS } from "../../shared/limits";
import { type Program, encodeProgram, totalSeconds } from "../../shared/program";
import { validateProgram } from "../../shared/validate";
import { DeviceStatusError, LinkError, LinkLostError, ProgramFileError } from "../errors";
import { statusError } from "./link";
import type { DeviceClient } from "./client";

/*
 * `massager push`: a chain of small steps, like Nordic's DFU (create → stream → checksum → execute):
 *
 *   PROG_BEGIN {slot, size, crc32} → offset to resume from (0 for a new upload; further when the
 *                                    device already holds part of this very image)
 *   PROG_WRITE {slot, offset, data} → next      … from that offset to the end; BadOffset → jump to
 *                                                 the device's offset
 *   PROG_COMMIT {slot}              → the device checks CRC and validation; active and selected
 *   PROG_LIST                       → confirm: the slot's entry has our CRC and is selected
 *
 * A dropped link is survived: the next request reconnects and PROG_BEGIN again says where to go on.
 */
export interface PushOptions {
  slot: number;
  onProgress?: (p: { sent: number; total: number }) => void;
  /** Reconnects after a lost link before giving up (default 3). */
  maxReconnects?: number;
}

export interface PushResult {
  id: number;
  slot: number;
  name: string;
  bytes: number;
  crc: number;
  seconds: number;
  /** Offset the device said to resume from at the first PROG_BEGIN. */
  resumedFrom: number;
  chunks: number;
  selected: boolean;
}

/**
 * Data bytes per PROG_WRITE: CHUNK_MAX_BYTES, but no more than seven packets' worth, so a chunk
 * lost to a dropped link costs little to send again. Each chunk waits for its reply (the device
 * writes it to flash first), so fewer, larger chunks mean fewer round trips.
 */
export function chunkSize(payload: number): number {
  const sevenPackets = 7 * (payload - 1) - MSG_OVERHEAD - 3;
  return Math.max(1, Math.min(CHUNK_MAX_BYTES, sevenPackets));
}

export async function push(client: DeviceClient, program: Program, opts: PushOptions): Promise<PushResult> {
  const errors = validateProgram(program);
  if (errors.length) throw new ProgramFileError(errors[0]);
  const slot = opts.slot;
  if (!(slot >= 0 && slot < SLOTS))
    throw new ProgramFileError(`--slot: ${slot} is not a slot; the device has slots 0 to ${SLOTS - 1}`);
  const image = encodeProgram(program);
  const crc = crc32(image, 0, image.length, 0);
  const total = image.length;
  let reconnects = 0;
  let chunks = 0;
  let resumedFrom = -1;

  // begin (again after a drop) and stream the chunks from where the device is
  for (;;) {
    try {
      let offset = await client.progBegin(slot, total, crc);
      if (resumedFrom < 0) resumedFrom = offset;
      opts.onProgress?.({ sent: offset, total });
      while (offset < total) {
        const size = chunkSize(client.link.payload);
        const data = image.subarray(offset, Math.min(total, offset + size));
        const { reply, next } = await client.progWriteStatus(slot, offset, data);
        chunks++;
        if (reply.status === Status.BadOffset) {
          // the device holds a different amount than we think: go on from its offset
          const at = next ?? (await client.progBegin(slot, total, crc));
          if (at === offset) throw statusError(Op.ProgWrite, reply);
          offset = at;
        } else if (reply.status !== Status.Ok) {
          throw statusError(Op.ProgWrite, reply);
        } else {
          offset = next ?? offset + data.length;
        }
        opts.onProgress?.({ sent: Math.min(offset, total), total });
      }
      await client.progCommit(slot);
      break;
    } catch (err) {
      if (err instanceof LinkLostError && reconnects < (opts.maxReconnects ?? 3)) {
        reconnects++;
        continue;
      }
      throw err;
    }
  }

  const id = SLOT_BASE + slot;
  const list = await client.programs();
  const entry = list.entries.find((e) => e.id === id);
  if (!entry || entry.crc !== crc)
    throw new LinkError(`the device accepted the upload but does not list it in slot ${slot} with the same CRC; run \`massager push\` again`);
  return {
    id,
    slot,
    name: program.name,
    bytes: total,
    crc,
    seconds: totalSeconds(program),
    resumedFrom: Math.max(0, resumedFrom),
    chunks,
    selected: list.selected === id,
  };
}

/**
 * The slot for a program when --slot is not given: the slot already holding a program of that name,
 * else the first empty one; DeviceStatusError(NoSpace) when all are taken.
 */
export function chooseSlot(entries: { id: number; name: string }[], name: string): number {
  const custom = entries.filter((e) => e.id >= SLOT_BASE && e.id < SLOT_BASE + SLOTS);
  const same = custom.find((e) => e.name === name);
  if (same) return same.id - SLOT_BASE;
  for (let s = 0; s < SLOTS; s++) if (!custom.some((e) => e.id === SLOT_BASE + s)) return s;
  throw new DeviceStatusError(
    "program-begin",
    Status.NoSpace,
    `every program slot is taken; free one with \`massager delete SLOT\` (see \`massager programs\`), or pass --slot N to replace one`,
  );
}
