import type { Context } from "../context";
import type { ParsedOptions } from "../commands";
import { loadRows } from "../../report/load";
import { historyLines } from "../../report/history";
import { palette } from "../../report/colour";
import { type ExportRecord, toRecord } from "../../export/columns";

/**
 * `massager history`: one line per session (local date and time, program, minutes, minutes per
 * region, how it ended). --json gives the sessions as records with the export's stable columns.
 */
export async function run(parsed: ParsedOptions, ctx: Context): Promise<ExportRecord[]> {
  const o = parsed.options;
  let rows = loadRows(ctx.history({ readonly: true }), { device: ctx.device, from: o.from as string | undefined, to: o.to as string | undefined });
  const last = o.last as number | undefined;
  if (last !== undefined && last >= 0) rows = rows.slice(Math.max(0, rows.length - Math.floor(last)));
  return rows.map(toRecord);
}

export function text(records: ExportRecord[], ctx: Context): string {
  if (records.length === 0) return "No sessions in the history for that selection. Run `massager sync` to pull new ones.\n";
  return historyLines(records, palette(ctx.color)).join("\n") + "\n";
}
