import { Setting, Status } from "../shared/codes";
import { Cell } from "./cell";

/*
 * Settings (codes.ts Setting flags) and the passkey, in one cell: flags | (passkey + 1) << 8
 * (0 = no passkey). With RequireBond on, every request that changes the device needs a bonded,
 * encrypted link (handler.ts asks `allowed`).
 */
let cell: Cell;

export function settingsInit(): void {
  cell = new Cell("mset", 0);
  secure();
}

export function settingsFlags(): number {
  return cell.v & 0xff;
}

export function hasPasskey(): boolean {
  return cell.v >= 256;
}

function secure(): void {
  const k = cell.v >>> 8;
  if (settingsFlags() & Setting.RequireBond) {
    NRF.setSecurity({ passkey: ("" + (k - 1)).padStart(6, "0"), mitm: 1, display: 1 });
  }
}

/** SETTINGS_SET: flags and an optional 6-digit passkey (RequireBond needs one). Returns a Status. */
export function settingsSet(flags: number, passkey: string): number {
  let k = cell.v >>> 8;
  if (passkey.length) {
    if (passkey.length !== 6) return Status.BadRequest;
    for (let i = 0; i < 6; i++) if (passkey.charCodeAt(i) < 48 || passkey.charCodeAt(i) > 57) return Status.BadRequest;
    k = parseInt(passkey, 10) + 1;
  }
  if (flags & Setting.RequireBond && !k) return Status.BadRequest;
  const was = settingsFlags() & Setting.RequireBond;
  cell.set(k * 256 + (flags & (Setting.RequireBond | Setting.LockConsole)));
  if (was && !(flags & Setting.RequireBond)) NRF.setSecurity({});
  secure();
  return Status.Ok;
}

/** Whether a request that changes the device may run on this link. */
export function allowed(): boolean {
  if (!(settingsFlags() & Setting.RequireBond)) return true;
  const s = NRF.getSecurityStatus();
  return !!(s && s.bonded && s.encrypted);
}
