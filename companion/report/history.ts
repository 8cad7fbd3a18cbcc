import { PRESET_NAMES } from "../../shared/presets";
import { SLOT_BASE } from "../../shared/codes";
import type { ExportRecord } from "../export/columns";
import { localDateTime } from "./days";
import { Palette, PLAIN } from "./colour";

/*
 * `massager history` lines: one per session, in local time.
 *   2026-11-20 07:31  Daily 4 min      4.0 min  front 1.3 · crown 1.3 · back 1.3  finished
 * Minutes are actual minutes (pauses excluded), to 0.1. A session whose start the companion could only
 * estimate says "(time estimated)". With more than one device, the line starts with the device id.
 */
const min = (s: number) => (Math.round(s / 6) / 10).toFixed(1);

/** The program's name as synced, else the preset's name, else "custom slot N". */
function programLabel(r: Pick<ExportRecord, "program" | "program_name">): string {
  if (r.program_name) return r.program_name;
  if (r.program >= 0 && r.program < PRESET_NAMES.length) return PRESET_NAMES[r.program];
  if (r.program >= SLOT_BASE) return `custom slot ${r.program - SLOT_BASE}`;
  return `program ${r.program}`;
}

function historyLine(r: ExportRecord, c: Palette = PLAIN, showDevice = false): string {
  const ended = r.end_reason === "finished" ? c.good(r.end_reason) : c.warn(r.end_reason);
  return (
    (showDevice ? r.device + "  " : "") +
    localDateTime(r.start_unix) +
    "  " +
    programLabel(r).padEnd(24) +
    " " +
    (min(r.actual_s) + " min").padStart(9) +
    "  " +
    c.dim(`front ${min(r.front_s)} · crown ${min(r.crown_s)} · back ${min(r.back_s)}`) +
    "  " +
    ended +
    (r.time_source === "estimated" ? c.dim(" (time estimated)") : "")
  );
}

export function historyLines(rows: ExportRecord[], c: Palette = PLAIN): string[] {
  const devices = new Set(rows.map((r) => r.device));
  return rows.map((r) => historyLine(r, c, devices.size > 1));
}
