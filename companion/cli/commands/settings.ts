import { Setting } from "../../../shared/codes";
import type { ParsedOptions } from "../commands";
import type { Context } from "../context";
import { UsageError } from "../../errors";

/*
 * `massager settings`: the console lock (the Bluetooth console, which espruino-tools flashes
 * through, opens only in the trust window: the button held 5 s). Who may command the massager is
 * `massager pair` / `unpair`: a massager with an owner locks its console anyway.
 */
export interface SettingsData {
  device: string;
  device_name: string;
  lock_console: boolean;
  /** Owner slots paired (`massager pair`). */
  owners: number[];
  changed: boolean;
}

function onOff(o: ParsedOptions, name: string): boolean | undefined {
  const v = o.options[name];
  if (v === undefined) return undefined;
  if (v === "on" || v === true) return true;
  if (v === "off") return false;
  throw new UsageError(`--${name} takes on or off, not ${JSON.stringify(v)}`);
}

export async function run(o: ParsedOptions, ctx: Context): Promise<SettingsData> {
  if (o.options["require-bond"] !== undefined || o.options.passkey !== undefined)
    throw new UsageError("--require-bond and --passkey are gone: to let only your computers use the massager, hold its button 5 s and run `massager pair`");
  const lock = onOff(o, "lock-console");
  const s = await ctx.connect();
  const info = s.link.info!;
  let flags = info.settings & Setting.LockConsole;
  if (lock !== undefined) {
    flags = lock ? flags | Setting.LockConsole : flags & ~Setting.LockConsole;
    await s.client.setSettings(flags);
  }
  return { device: s.id, device_name: s.name, lock_console: (flags & Setting.LockConsole) !== 0, owners: [0, 1, 2, 3].filter((n) => info.owners & (1 << n)), changed: lock !== undefined };
}

export function text(d: SettingsData): string {
  const who = d.owners.length ? `only its owners (${d.owners.join(", ")}) can use it` : "any computer in range can use it (`massager pair` makes it yours)";
  const console_ = d.lock_console || d.owners.length ? "locked (hold the button 5 s to open it for a minute)" : "open";
  return `${d.device_name}: ${who}; the Bluetooth console is ${console_}` + (d.changed ? "\nThe console lock applies from the next connection." : "");
}
