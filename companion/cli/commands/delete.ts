import { SLOT_BASE } from "../../../shared/codes";
import type { ParsedOptions } from "../commands";
import type { Context } from "../context";
import { parseSlot } from "../format";

export interface DeleteData {
  device: string;
  slot: number;
  name: string | null;
}

export async function run(o: ParsedOptions, ctx: Context): Promise<DeleteData> {
  const slot = parseSlot(o.args.slot);
  const s = await ctx.connect();
  const before = (await s.client.programs()).entries.find((e) => e.id === SLOT_BASE + slot);
  await s.client.deleteProgram(slot);
  return { device: s.name, slot, name: before?.name ?? null };
}

export function text(d: DeleteData): string {
  return `${d.device}: slot ${d.slot}${d.name ? ` ("${d.name}")` : ""} is empty now`;
}
