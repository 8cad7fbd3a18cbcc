import type { ParsedOptions } from "../commands";
import type { Context } from "../context";
import { idLabel, resolveProgram } from "../format";

export interface SelectData {
  device: string;
  device_name: string;
  selected: number;
  ref: string;
  name: string;
}

export async function run(o: ParsedOptions, ctx: Context): Promise<SelectData> {
  const s = await ctx.connect();
  const list = await s.client.programs();
  const id = resolveProgram(o.args.id, list.entries);
  await s.client.selectProgram(id);
  return { device: s.id, device_name: s.name, selected: id, ref: idLabel(id), name: list.entries.find((e) => e.id === id)!.name };
}

export function text(d: SelectData): string {
  return `${d.device_name}: "${d.name}" (${d.ref}) is selected; a short button press starts it`;
}
