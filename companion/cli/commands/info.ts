import { boardByCode } from "../../../shared/boards";
import { Cap } from "../../../shared/codes";
import {
  INFO_BOND_REQUIRED, INFO_CLOCK_SET, INFO_CONSOLE_LOCKED, INFO_CONSOLE_OPEN, INFO_SESSION,
} from "../../../shared/messages";
import type { ParsedOptions } from "../commands";
import type { Context } from "../context";
import { clock, idLabel, isoTime, programName, table } from "../format";

export interface InfoData {
  name: string;
  address: string;
  board: string;
  firmware: string;
  protocol: number;
  battery_percent: number | null;
  clock: string | null;
  uptime_s: number;
  boot: number;
  storage_free_bytes: number;
  sessions_held: number;
  newest_seq: number;
  acked_seq: number;
  sessions_unlogged: number;
  selected: number;
  selected_name: string;
  mtu: number;
  payload: number;
  session_active: boolean;
  bond_required: boolean;
  console_locked: boolean;
  console_open: boolean;
  capabilities: string[];
}

const CAPS: [number, string][] = [
  [Cap.Logs, "logs"], [Cap.Programs, "programs"], [Cap.Control, "control"], [Cap.Security, "security"], [Cap.ConsoleLock, "console-lock"],
];

export async function run(_o: ParsedOptions, ctx: Context): Promise<InfoData> {
  const s = await ctx.connect();
  const i = s.link.info ?? (await s.client.info());
  return {
    name: s.name,
    address: s.id,
    board: boardByCode(i.board)?.name ?? `board ${i.board}`,
    firmware: i.firmware,
    protocol: i.proto,
    battery_percent: i.battery === 255 ? null : i.battery,
    clock: i.flags & INFO_CLOCK_SET ? isoTime(i.time) : null,
    uptime_s: i.uptime,
    boot: i.boot,
    storage_free_bytes: i.storageFree,
    sessions_held: i.held,
    newest_seq: i.newest,
    acked_seq: i.acked,
    sessions_unlogged: i.unlogged,
    selected: i.selected,
    selected_name: programName(i.selected),
    mtu: s.link.mtu,
    payload: s.link.payload,
    session_active: !!(i.flags & INFO_SESSION),
    bond_required: !!(i.flags & INFO_BOND_REQUIRED),
    console_locked: !!(i.flags & INFO_CONSOLE_LOCKED),
    console_open: !!(i.flags & INFO_CONSOLE_OPEN),
    capabilities: CAPS.filter(([bit]) => i.caps & bit).map(([, n]) => n),
  };
}

export function text(d: InfoData): string {
  const h = Math.floor(d.uptime_s / 3600);
  return table([
    ["device", `${d.name} (${d.address})`],
    ["board", d.board],
    ["firmware", `${d.firmware} (protocol ${d.protocol})`],
    ["battery", d.battery_percent === null ? "unknown" : `${d.battery_percent}%`],
    ["clock", d.clock ?? "not set (run `massager time` or `massager sync`)"],
    ["up for", `${h} h ${clock(Math.floor((d.uptime_s % 3600)))} (boot ${d.boot})`],
    ["log", `${d.sessions_held} session(s) waiting for sync, newest #${d.newest_seq}, acknowledged up to #${d.acked_seq}` +
      (d.sessions_unlogged ? `; ${d.sessions_unlogged} not logged (flash was full)` : "")],
    ["storage", `${d.storage_free_bytes} bytes free`],
    ["selected", `${d.selected_name} (${idLabel(d.selected)})`],
    ["session", d.session_active ? "running or paused (`massager status`)" : "none"],
    ["link", `MTU ${d.mtu}, ${d.payload}-byte packets`],
    ["security", `${d.bond_required ? "bonding required" : "open"}; console ${d.console_locked ? (d.console_open ? "locked (window open)" : "locked") : "open"}`],
  ]);
}
