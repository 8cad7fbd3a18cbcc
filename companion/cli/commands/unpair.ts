import { ANY_SLOT } from "../../../shared/codes";
import { OwnerKeys } from "../../owners/keys";
import { UsageError } from "../../errors";
import type { ParsedOptions } from "../commands";
import type { Context } from "../context";

/*
 * `massager unpair`: this computer stops being an owner (its key leaves the massager and the data
 * folder); with --all every owner goes, and the massager obeys anyone again. Only an owner can
 * unpair; a person without a key pairs first (hold the button 5 s, `massager pair`).
 */
export interface UnpairData {
  /** The massager's address; device_name its advertised name. */
  device: string;
  device_name: string;
  /** Owner slots still paired on the device. */
  owners: number[];
  protected: boolean;
}

export async function run(o: ParsedOptions, ctx: Context): Promise<UnpairData> {
  const s = await ctx.connect({ setClock: false });
  const keys = new OwnerKeys(ctx.dataDir);
  const mine = keys.get(s.id);
  if (!mine && s.link.info && s.link.info.owners)
    throw new UsageError(`this computer holds no key for ${s.name}; only an owner can unpair (to take over: hold its button 5 s, then \`massager pair\`)`);
  const left = mine || o.options.all ? await s.client.unpair(o.options.all ? ANY_SLOT : mine!.slot) : 0;
  keys.remove(s.id);
  return { device: s.id, device_name: s.name, owners: [0, 1, 2, 3].filter((n) => left & (1 << n)), protected: left !== 0 };
}

export function text(d: UnpairData): string {
  return d.protected
    ? `${d.device}: this computer is no longer an owner; owners left: ${d.owners.join(", ")}.`
    : `${d.device}: no owners left; the massager obeys any computer in range again (pair again to protect it).`;
}
