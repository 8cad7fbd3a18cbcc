import { SLOT_BASE } from "../../../shared/codes";
import { PRESET_STUDIES } from "../../../shared/studies";
import type { ParsedOptions } from "../commands";
import type { Context } from "../context";
import { idLabel, minutes, table } from "../format";
import { plural } from "../../words";

export interface ProgramRow {
  id: number;
  ref: string;
  kind: "preset" | "custom";
  slot: number | null;
  name: string;
  steps: number;
  seconds: number;
  crc: string;
  selected: boolean;
  evidence: string | null;
}

export interface ProgramsData {
  device: string;
  device_name: string;
  selected: number;
  selected_ref: string;
  programs: ProgramRow[];
}

export async function run(_o: ParsedOptions, ctx: Context): Promise<ProgramsData> {
  const s = await ctx.connect();
  const list = await s.client.programs();
  return {
    device: s.id,
    device_name: s.name,
    selected: list.selected,
    selected_ref: idLabel(list.selected),
    programs: list.entries.map((e) => ({
      id: e.id,
      ref: idLabel(e.id),
      kind: e.id >= SLOT_BASE ? "custom" : "preset",
      slot: e.id >= SLOT_BASE ? e.id - SLOT_BASE : null,
      name: e.name,
      steps: e.steps,
      seconds: e.seconds,
      crc: e.crc.toString(16).padStart(8, "0"),
      selected: e.id === list.selected,
      evidence: e.id < SLOT_BASE ? PRESET_STUDIES[e.id] ?? null : null,
    })),
  };
}

export function text(d: ProgramsData): string {
  return table(
    d.programs.map((p) => [p.selected ? "*" : " ", p.ref, p.kind, p.name, minutes(p.seconds), plural(p.steps, "step")]),
    [" ", "ID", "KIND", "NAME", "LENGTH", "STEPS"],
  ) + "\n\n* selected: a short button press starts it. `massager show`, `select`, `start` and `delete` take an ID or a name.";
}
