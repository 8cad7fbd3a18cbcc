import { BATTERY_NAMES, END_NAMES, NO_END, SLOT_BASE, STATE_NAMES } from "../../shared/codes";
import { PRESET_COUNT, PRESET_NAMES } from "../../shared/presets";
import { REGIONS } from "../../shared/program";
import type { SessionStatus } from "../../shared/messages";
import type { ProgramEntry } from "../../shared/messages";
import { UsageError } from "../errors";
import { SLOTS } from "../../shared/limits";

/** Text helpers shared by the commands' text views. */
export function table(rows: string[][], head?: string[]): string {
  const all = head ? [head, ...rows] : rows;
  const widths = all[0]?.map((_, i) => Math.max(...all.map((r) => (r[i] ?? "").length))) ?? [];
  return all.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join("  ").trimEnd()).join("\n");
}

export function minutes(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60} min` : `${(seconds / 60).toFixed(1)} min`;
}

export function clock(seconds: number): string {
  const m = Math.floor(seconds / 60);
  return `${m}:${String(seconds % 60).padStart(2, "0")}`;
}

export function isoTime(unix: number): string {
  return new Date(unix * 1000).toISOString().replace(".000Z", "Z");
}

/** The ID a person types for a program id: "0".."2" (presets), "s0".."s3" (custom slots). */
export function idLabel(id: number): string {
  return id >= SLOT_BASE ? `s${id - SLOT_BASE}` : String(id);
}

export function programName(id: number, entries?: ProgramEntry[]): string {
  const e = entries?.find((x) => x.id === id);
  if (e) return e.name;
  if (id < PRESET_COUNT) return PRESET_NAMES[id];
  if (id >= SLOT_BASE) return `custom slot ${id - SLOT_BASE}`;
  return `program ${id}`;
}

/**
 * The one way to name a program, in every command that takes one (show, select, start, delete): its
 * ID as `massager programs` lists it ("0".."2" the presets, "s0".."s3" the custom slots; "slot 1"
 * too), or its name (any case). An ID wins over a program named like one.
 */
export function resolveProgram(ref: string, entries: ProgramEntry[]): number {
  const r = ref.trim().toLowerCase();
  const slot = /^s(?:lot)?[: ]?(\d+)$/.exec(r);
  const byId = entries.find((e) => idLabel(e.id) === (slot ? `s${Number(slot[1])}` : r));
  const hit = byId ?? entries.find((e) => e.name.toLowerCase() === r);
  if (hit) return hit.id;
  const empty = slot && Number(slot[1]) < SLOTS ? ` (slot s${Number(slot[1])} is empty)` : "";
  throw new UsageError(
    `there is no program "${ref}" on the device${empty}; it has ${entries.map((e) => `${idLabel(e.id)} "${e.name}"`).join(", ")} (\`massager programs\` lists them)`,
  );
}

/** A custom program named as resolveProgram takes it → its slot; a preset is refused (it is part of the firmware). */
export function resolveSlot(ref: string, entries: ProgramEntry[]): number {
  const id = resolveProgram(ref, entries);
  if (id < SLOT_BASE)
    throw new UsageError(`${idLabel(id)} "${programName(id, entries)}" is a preset, part of the firmware, and cannot be deleted; custom programs are s0 to s${SLOTS - 1}`);
  return id - SLOT_BASE;
}

/** A slot as `push --slot` takes it: "1" or "s1". */
export function parseSlot(ref: string | number): number {
  const m = /^s?(\d+)$/i.exec(String(ref).trim());
  const n = m ? Number(m[1]) : NaN;
  if (!(n >= 0 && n < SLOTS)) throw new UsageError(`"${ref}" is not a slot; custom programs live in slots s0 to s${SLOTS - 1} (see \`massager programs\`)`);
  return n;
}

export interface StatusView {
  state: string;
  program: number;
  program_name: string;
  step: number;
  region: string;
  elapsed_s: number;
  planned_s: number;
  level_percent: number;
  selected: number;
  selected_name: string;
  battery_percent: number | null;
  /** "ok", "low" or "critical" */
  battery_state: string;
  /** How the last session ended (END_NAMES), or null when none has since the device started. */
  last_end: string | null;
}

export function statusView(s: SessionStatus, entries?: ProgramEntry[]): StatusView {
  return {
    state: STATE_NAMES[s.state] ?? `state-${s.state}`,
    program: s.program,
    program_name: programName(s.program, entries),
    step: s.step,
    region: REGIONS[s.region] ?? `region-${s.region}`,
    elapsed_s: s.elapsed,
    planned_s: s.planned,
    level_percent: s.level,
    selected: s.selected,
    selected_name: programName(s.selected, entries),
    battery_percent: s.battery === 255 ? null : s.battery,
    battery_state: BATTERY_NAMES[s.batteryState] ?? `state-${s.batteryState}`,
    last_end: s.lastEnd === NO_END ? null : END_NAMES[s.lastEnd] ?? `end-${s.lastEnd}`,
  };
}

export function statusText(v: StatusView): string {
  const battery = v.battery_state === "ok" ? "" : `; battery ${v.battery_percent ?? "?"}%, ${v.battery_state}${v.battery_state === "critical" ? " (charge it: no session starts)" : " (charge it soon)"}`;
  if (v.state === "idle") return `idle; a button press starts ${v.selected_name} (${idLabel(v.selected)})${battery}`;
  if (v.state === "finished" || v.state === "stopped")
    return `${v.state}: ${v.program_name}, ${clock(v.elapsed_s)} of ${clock(v.planned_s)}${v.last_end === "battery" ? ", ended because the battery ran low" : ""}${battery}`;
  return `${v.state}: ${v.program_name}, step ${v.step + 1}, ${v.region}, ${clock(v.elapsed_s)} of ${clock(v.planned_s)}, motor at ${v.level_percent}%${battery}`;
}
