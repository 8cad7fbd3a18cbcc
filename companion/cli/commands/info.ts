import { boardByCode } from "../../../shared/boards";
import { BATTERY_NAMES, Cap } from "../../../shared/codes";
import {
  INFO_CLOCK_SET, INFO_CONSOLE_LOCKED, INFO_CONSOLE_OPEN, INFO_OWNER, INFO_PAIRING, INFO_PROTECTED, INFO_SESSION,
} from "../../../shared/messages";
import type { ParsedOptions } from "../commands";
import type { Context } from "../context";
import { clock, idLabel, isoTime, programName, table } from "../format";
import { plural } from "../../words";

export interface InfoData {
  /** Its address (the history's id), and the name it advertises. */
  device: string;
  device_name: string;
  board: string;
  firmware: string;
  protocol: number;
  battery_percent: number | null;
  /** "ok", "low" (a distinct cue at each start) or "critical" (no session starts). */
  battery_state: string;
  /** Only owners may use it (`massager pair`). */
  protected: boolean;
  /** This computer is one of its owners (its key passed on this connection). */
  owner: boolean;
  /** Owner slots paired. */
  owners: number[];
  /** The Bluetooth console (flashing) is locked: by the setting, or because the massager has owners. */
  console_locked: boolean;
  /** The console takes code now: not locked, or locked with the trust window open. */
  console_open: boolean;
  /** The trust window (button held 5 s) is open: pairing, and the console. */
  trust_window_open: boolean;
  capabilities: string[];
  mtu: number;
  payload: number;
  /** What only an owner learns from a protected massager (null otherwise). */
  clock: string | null;
  uptime_s: number | null;
  storage_free_bytes: number | null;
  log_id: string | null;
  sessions_held: number | null;
  newest_seq: number | null;
  acked_seq: number | null;
  sessions_unlogged: number | null;
  selected: number | null;
  selected_ref: string | null;
  selected_name: string | null;
  session_active: boolean | null;
}

const CAPS: [number, string][] = [
  [Cap.Logs, "logs"], [Cap.Programs, "programs"], [Cap.Control, "control"], [Cap.Owners, "owners"], [Cap.ConsoleLock, "console-lock"],
  [Cap.Battery, "battery"], [Cap.LogId, "log-id"],
];

export async function run(_o: ParsedOptions, ctx: Context): Promise<InfoData> {
  const s = await ctx.connect();
  const i = await s.client.info(); // again: the connection's INFO came before the clock was set
  const open = !(i.flags & INFO_PROTECTED) || !!(i.flags & INFO_OWNER);
  const mine = <T>(v: T): T | null => (open ? v : null);
  return {
    device: s.id,
    device_name: s.name,
    board: boardByCode(i.board)?.name ?? `board ${i.board}`,
    firmware: i.firmware,
    protocol: i.proto,
    battery_percent: i.battery === 255 ? null : i.battery,
    battery_state: BATTERY_NAMES[i.batteryState] ?? `state ${i.batteryState}`,
    protected: !!(i.flags & INFO_PROTECTED),
    owner: !!(i.flags & INFO_OWNER),
    owners: [0, 1, 2, 3].filter((n) => i.owners & (1 << n)),
    console_locked: !!(i.flags & INFO_CONSOLE_LOCKED),
    console_open: !(i.flags & INFO_CONSOLE_LOCKED) || !!(i.flags & INFO_CONSOLE_OPEN),
    trust_window_open: !!(i.flags & (INFO_CONSOLE_OPEN | INFO_PAIRING)),
    capabilities: CAPS.filter(([bit]) => i.caps & bit).map(([, n]) => n),
    mtu: s.link.mtu,
    payload: s.link.payload,
    clock: open && i.flags & INFO_CLOCK_SET ? isoTime(i.time) : null,
    uptime_s: mine(i.uptime),
    storage_free_bytes: mine(i.storageFree),
    log_id: mine(i.logId.toString(16).padStart(8, "0")),
    sessions_held: mine(i.held),
    newest_seq: mine(i.newest),
    acked_seq: mine(i.acked),
    sessions_unlogged: mine(i.unlogged),
    selected: mine(i.selected),
    selected_ref: mine(idLabel(i.selected)),
    selected_name: mine(programName(i.selected)),
    session_active: mine(!!(i.flags & INFO_SESSION)),
  };
}

export function text(d: InfoData): string {
  const battery = d.battery_percent === null ? "unknown" : `${d.battery_percent}%`;
  const rows: [string, string][] = [
    ["device", `${d.device_name} (${d.device})`],
    ["board", d.board],
    ["firmware", `${d.firmware} (protocol ${d.protocol})`],
    ["battery", d.battery_state === "ok" ? battery : `${battery}, ${d.battery_state}${d.battery_state === "critical" ? ": charge it, no session starts" : ": charge it soon"}`],
    ["owners", d.protected ? `${d.owners.join(", ") || "none yet"}${d.owner ? " (this computer is one)" : ""}` : "none: any computer in range can use it (`massager pair`)"],
    ["console", d.trust_window_open ? "open for pairing and flashing (trust window)" : d.console_open ? "open" : "locked (hold the button 5 s to open it for a minute)"],
  ];
  if (d.protected && !d.owner) {
    rows.push(["", "this massager only obeys its owners: hold its button 5 s until it buzzes, then run `massager pair`"]);
    return table(rows);
  }
  const h = Math.floor((d.uptime_s ?? 0) / 3600);
  rows.push(
    ["clock", d.clock ?? "not set (run `massager time` or `massager sync`)"],
    ["up for", `${h} h ${clock(Math.floor((d.uptime_s ?? 0) % 3600))}`],
    ["log", `${plural(d.sessions_held ?? 0, "session")} waiting for sync, newest #${d.newest_seq}, acknowledged up to #${d.acked_seq} (log ${d.log_id})` +
      (d.sessions_unlogged ? `; ${d.sessions_unlogged} not logged (flash was full)` : "")],
    ["storage", `${d.storage_free_bytes} bytes free`],
    ["selected", `${d.selected_name} (${d.selected_ref})`],
    ["session", d.session_active ? "running or paused (`massager status`)" : "none"],
    ["link", `MTU ${d.mtu}, ${d.payload}-byte packets`],
  );
  return table(rows);
}
