import { writeFileSync } from "node:fs";
import { decodeProgram } from "../../../shared/program";
import { programToJson, type StepJson } from "../../../shared/program-json";
import { crc32 } from "../../../shared/crc";
import type { ParsedOptions } from "../commands";
import type { Context } from "../context";
import { LinkError, UsageError } from "../../errors";
import { idLabel, resolveProgram } from "../format";

export interface ShowData {
  device: string;
  device_name: string;
  id: number;
  ref: string;
  bytes: number;
  crc: string;
  /** The program in the JSON form `massager push` takes. */
  program: { name: string; steps: StepJson[] };
  out?: string;
}

/** Reads a program back from the device (PROG_READ) as the JSON a person writes and pushes. */
export async function run(o: ParsedOptions, ctx: Context): Promise<ShowData> {
  const s = await ctx.connect();
  const list = await s.client.programs();
  const id = resolveProgram(o.args.id, list.entries);
  const image = await s.client.readProgram(id);
  const entry = list.entries.find((e) => e.id === id);
  const crc = crc32(image, 0, image.length, 0) >>> 0;
  if (entry && entry.crc && entry.crc !== crc)
    throw new LinkError(`program ${idLabel(id)} read back with CRC ${hex(crc)}, but the device lists ${hex(entry.crc)}; run \`massager show ${idLabel(id)}\` again`);
  const p = decodeProgram(image);
  if (typeof p === "string") throw new LinkError(`program ${idLabel(id)} on the device cannot be read (${p}); push it again`);
  const program = programToJson(p);
  const out = o.options.out === undefined ? undefined : String(o.options.out);
  if (out === "") throw new UsageError("--out needs a file name");
  if (out) writeFileSync(out, JSON.stringify(program, null, 2) + "\n");
  return { device: s.id, device_name: s.name, id, ref: idLabel(id), bytes: image.length, crc: hex(crc), program, out };
}

function hex(n: number): string {
  return n.toString(16).padStart(8, "0");
}

export function text(d: ShowData): string {
  if (d.out) return `${d.device_name}: "${d.program.name}" (${d.ref}, ${d.bytes} bytes, CRC ${d.crc}) written to ${d.out}; edit it and \`massager push ${d.out}\``;
  return JSON.stringify(d.program, null, 2);
}
