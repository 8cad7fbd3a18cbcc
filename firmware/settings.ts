import { Setting, Status } from "../shared/codes";
import { Cell } from "./cell";

/*
 * Settings (codes.ts Setting flags) and the passkey, in one cell: flags + (passkey + 1) × 256
 * (0 = no passkey). With RequireBond on, every request that changes the device needs a bonded,
 * encrypted link (handler.ts asks `allowed`), and the passkey is set with NRF.setSecurity.
 */
let cell: Cell;

export const settingsFlags = (): number => {
  return cell.v & 0xff;
};

export const hasPasskey = (): boolean => {
  return cell.v > 255;
};

const secure = (): void => {
  if (settingsFlags() & Setting.RequireBond)
    NRF.setSecurity({ passkey: ("" + ((cell.v >> 8) - 1)).padStart(6, "0"), mitm: 1, display: 1 });
};

export const settingsInit = (): void => {
  cell = new Cell("mset", 0);
  secure();
};

/** SETTINGS_SET: flags and an optional 6-digit passkey (RequireBond needs one). Returns a Status. */
export const settingsSet = (flags: number, passkey: string): number => {
  let k = cell.v >> 8;
  if (passkey) {
    k = parseInt(passkey, 10) + 1;
    if (!/^[0-9]+$/.test(passkey) || passkey.length !== 6) return Status.BadRequest;
  }
  if (flags & Setting.RequireBond && !k) return Status.BadRequest;
  if (settingsFlags() & ~flags & Setting.RequireBond) NRF.setSecurity({});
  cell.set(k * 256 + (flags & (Setting.RequireBond | Setting.LockConsole)));
  secure();
  return Status.Ok;
};

/** Whether a request that changes the device may run on this link. */
export const allowed = (): boolean => {
  const s = NRF.getSecurityStatus();
  return !(settingsFlags() & Setting.RequireBond) || !!(s && s.bonded && s.encrypted);
};
