import { ANY_SLOT, Status } from "../../../shared/codes";
import { INFO_PAIRING, INFO_PASSKEY } from "../../../shared/messages";
import { OwnerSession } from "../../device/owner";
import { OwnerKeys, newOwnerKey, nodeHmac } from "../../owners/keys";
import { DeviceStatusError, UsageError } from "../../errors";
import type { ParsedOptions } from "../commands";
import type { Context } from "../context";

/*
 * `massager pair`: this computer becomes one of the massager's owners. A new key is made here, given
 * to the massager (PAIR), kept in the data folder (owners.json, 0600), and proved at once (AUTH), so
 * a pairing that did not take says so now rather than at the next command. The massager takes a key
 * in its trust window (its button held 5 s while idle: it buzzes once), from an owner's link, or with
 * the passkey of the RequireBond setting of firmware before protocol 2.
 */
export interface PairData {
  /** The massager's address; device_name its advertised name. */
  device: string;
  device_name: string;
  slot: number;
  /** Owner slots paired on the device now (0..3). */
  owners: number[];
  keys_file: string;
}

export async function run(o: ParsedOptions, ctx: Context): Promise<PairData> {
  const replace = o.options.replace === undefined ? ANY_SLOT : Number(o.options.replace);
  if (replace !== ANY_SLOT && !(Number.isInteger(replace) && replace >= 0 && replace <= 3)) throw new UsageError("--replace takes an owner slot, 0 to 3 (`massager info` lists them)");
  const passkey = o.options.passkey === undefined ? "" : String(o.options.passkey);
  if (passkey && !/^[0-9]{6}$/.test(passkey)) throw new UsageError("--passkey takes the 6 digits the massager was set up with, e.g. --passkey 402817");
  const s = await ctx.connect({ setClock: false });
  const keys = new OwnerKeys(ctx.dataDir);
  const key = newOwnerKey();
  let slot: number;
  try {
    slot = await s.client.pair(key, replace, passkey);
  } catch (err) {
    if (err instanceof DeviceStatusError && err.status === Status.Denied) {
      const i = s.link.info;
      throw new DeviceStatusError(
        "pair",
        err.status,
        i && i.flags & INFO_PASSKEY && !passkey
          ? "the massager was protected with a passkey by older firmware: run `massager pair --passkey NNNNNN` with it, or hold its button 5 s (it buzzes) and run `massager pair` within a minute"
          : i && !(i.flags & INFO_PAIRING)
            ? "the massager takes a new owner only in its pairing window: hold its button for 5 seconds until it buzzes, then run `massager pair` within a minute"
            : "the massager refused the key; hold its button for 5 seconds until it buzzes and run `massager pair` again",
      );
    }
    if (err instanceof DeviceStatusError && err.status === Status.NoSpace)
      throw new DeviceStatusError("pair", err.status, "the massager already has 4 owners: run `massager pair --replace N` (N from `massager info`), or `massager unpair --all` from an owner's computer");
    throw err;
  }
  keys.set(s.id, { slot, key }, s.name, ctx.now());
  // prove it on a fresh connection, as every later command will
  s.link.owner = new OwnerSession({ slot, key }, nodeHmac);
  await s.link.hangUp();
  const info = await s.link.connect();
  if (s.link.ownerRefused) throw new DeviceStatusError("pair", Status.Denied, "the massager took the key but does not accept it; run `massager pair` again");
  return { device: s.id, device_name: s.name, slot, owners: [0, 1, 2, 3].filter((n) => info.owners & (1 << n)), keys_file: keys.path };
}

export function text(d: PairData): string {
  return [
    `${d.device}: this computer is owner ${d.slot} (owners now: ${d.owners.join(", ")}); only owners can start, sync, push or change it.`,
    `The key is in ${d.keys_file} (readable by you only). If the massager ever stops obeying, hold its button 5 s and run \`massager pair\` again.`,
  ].join("\n");
}
