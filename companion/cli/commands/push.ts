import { push, chooseSlot } from "../../device/upload";
import type { ParsedOptions } from "../commands";
import type { Context } from "../context";
import { minutes, parseSlot } from "../format";
import { readProgramFile } from "../program-file";

export interface PushData {
  device: string;
  device_name: string;
  file: string;
  /** The program's id and the slot it went to (ref: "s1"). */
  id: number;
  slot: number;
  ref: string;
  name: string;
  bytes: number;
  /** CRC-32 of the program's bytes, 8 hex digits. */
  crc: string;
  seconds: number;
  /** The byte the upload resumed at (0: from the start). */
  resumed_from: number;
  chunks: number;
  selected: boolean;
}

export async function run(o: ParsedOptions, ctx: Context): Promise<PushData> {
  // validate first: a broken file never opens a connection
  const file = readProgramFile(o.args.file);
  const slot0 = o.options.slot === undefined ? undefined : parseSlot(o.options.slot as string);
  const s = await ctx.connect();
  const slot = slot0 ?? chooseSlot((await s.client.programs()).entries, file.program.name);
  const bar = ctx.progress("upload");
  try {
    const r = await push(s.client, file.program, { slot, onProgress: (p) => bar.update(p.sent, p.total, "bytes") });
    return {
      device: s.id, device_name: s.name, file: file.file, id: r.id, slot: r.slot, ref: `s${r.slot}`, name: r.name, bytes: r.bytes,
      crc: r.crc.toString(16).padStart(8, "0"), seconds: r.seconds, resumed_from: r.resumedFrom, chunks: r.chunks, selected: r.selected,
    };
  } finally {
    bar.done();
  }
}

export function text(d: PushData): string {
  return (
    `${d.device_name}: "${d.name}" (${minutes(d.seconds)}, ${d.bytes} bytes, CRC ${d.crc}) is in slot ${d.ref}` +
    (d.selected ? " and selected: a button press starts it" : "") +
    (d.resumed_from > 0 ? ` (resumed at byte ${d.resumed_from})` : "")
  );
}
