import { SLOT_BASE } from "../../../shared/codes";
import type { ParsedOptions } from "../commands";
import type { Context } from "../context";
import { resolveSlot } from "../format";

export interface DeleteData {
  device: string;
  device_name: string;
  slot: number;
  ref: string;
  name: string;
}

export async function run(o: ParsedOptions, ctx: Context): Promise<DeleteData> {
  const s = await ctx.connect();
  const entries = (await s.client.programs()).entries;
  const slot = resolveSlot(o.args.id, entries);
  const name = entries.find((e) => e.id === SLOT_BASE + slot)?.name ?? "";
  await s.client.deleteProgram(slot);
  return { device: s.id, device_name: s.name, slot, ref: `s${slot}`, name };
}

export function text(d: DeleteData): string {
  return `${d.device_name}: "${d.name}" is deleted; slot ${d.ref} is empty now`;
}
