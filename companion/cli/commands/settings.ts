import { randomInt } from "node:crypto";
import { Setting } from "../../../shared/codes";
import { SETTINGS_HAS_PASSKEY } from "../../../shared/messages";
import type { ParsedOptions } from "../commands";
import type { Context } from "../context";
import { UsageError } from "../../errors";

export interface SettingsData {
  device: string;
  require_bond: boolean;
  lock_console: boolean;
  passkey_set: boolean;
  changed: boolean;
  /** Only when this command set a new passkey: the person needs it to pair. */
  new_passkey?: string;
}

function onOff(o: ParsedOptions, name: string): boolean | undefined {
  const v = o.options[name];
  if (v === undefined) return undefined;
  if (v === "on" || v === true) return true;
  if (v === "off") return false;
  throw new UsageError(`--${name} takes on or off, not ${JSON.stringify(v)}`);
}

export async function run(o: ParsedOptions, ctx: Context): Promise<SettingsData> {
  const bond = onOff(o, "require-bond");
  const lock = onOff(o, "lock-console");
  const passkey = o.options.passkey === undefined ? undefined : String(o.options.passkey);
  if (passkey !== undefined && !/^[0-9]{6}$/.test(passkey)) throw new UsageError("--passkey takes exactly 6 digits, e.g. --passkey 402817");
  const s = await ctx.connect();
  const now = await s.client.getSettings();
  let flags = now.flags & (Setting.RequireBond | Setting.LockConsole);
  const hadPasskey = (now.flags & SETTINGS_HAS_PASSKEY) !== 0;
  if (bond === undefined && lock === undefined && passkey === undefined) {
    return { device: s.name, require_bond: (flags & Setting.RequireBond) !== 0, lock_console: (flags & Setting.LockConsole) !== 0, passkey_set: hadPasskey, changed: false };
  }
  if (bond !== undefined) flags = bond ? flags | Setting.RequireBond : flags & ~Setting.RequireBond;
  if (lock !== undefined) flags = lock ? flags | Setting.LockConsole : flags & ~Setting.LockConsole;
  // Bonded-only changes need a passkey to pair with: make one when the person gave none and none is set.
  const newPasskey = passkey ?? (flags & Setting.RequireBond && !hadPasskey ? String(randomInt(0, 1000000)).padStart(6, "0") : undefined);
  await s.client.setSettings({ flags, passkey: newPasskey ?? "" });
  return {
    device: s.name, require_bond: (flags & Setting.RequireBond) !== 0, lock_console: (flags & Setting.LockConsole) !== 0,
    passkey_set: hadPasskey || newPasskey !== undefined, changed: true, new_passkey: newPasskey,
  };
}

export function text(d: SettingsData): string {
  const lines = [
    `${d.device}: changes ${d.require_bond ? "need a bonded, encrypted link" : "are allowed from any connected computer"}; ` +
      `the Bluetooth console is ${d.lock_console ? "locked (hold the button 5 s to open it for a minute)" : "open"}`,
  ];
  if (d.new_passkey) lines.push(`Pair with passkey ${d.new_passkey} before the next change (keep it: the device has no screen to show it).`);
  if (d.changed) lines.push("Bonded-only changes apply from now on; the console lock from the next connection.");
  return lines.join("\n");
}
