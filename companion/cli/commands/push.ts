import { push, chooseSlot, type PushResult } from "../../device/upload";
import type { ParsedOptions } from "../commands";
import type { Context } from "../context";
import { minutes, parseSlot } from "../format";
import { readProgramFile } from "../program-file";

export type PushData = PushResult & { file: string; device: string };

export async function run(o: ParsedOptions, ctx: Context): Promise<PushData> {
  // validate first: a broken file never opens a connection
  const file = readProgramFile(o.args.file);
  const slotOpt = o.options.slot;
  const slot0 = slotOpt === undefined ? undefined : parseSlot(slotOpt as number);
  const s = await ctx.connect();
  const slot = slot0 ?? chooseSlot((await s.client.programs()).entries, file.program.name);
  const bar = ctx.progress("upload");
  try {
    const r = await push(s.client, file.program, { slot, onProgress: (p) => bar.update(p.sent, p.total, "bytes") });
    return { ...r, file: file.file, device: s.name };
  } finally {
    bar.done();
  }
}

export function text(d: PushData): string {
  return (
    `${d.device}: "${d.name}" (${minutes(d.seconds)}, ${d.bytes} bytes, CRC ${d.crc.toString(16).padStart(8, "0")}) is in slot ${d.slot}` +
    (d.selected ? " and selected: a button press starts it" : "") +
    (d.resumedFrom > 0 ? ` (resumed at byte ${d.resumedFrom})` : "")
  );
}
