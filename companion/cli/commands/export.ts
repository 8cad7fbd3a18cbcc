import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Context } from "../context";
import type { ParsedOptions } from "../commands";
import { MassagerError, UsageError } from "../../errors";
import { loadRows } from "../../report/load";
import { type ExportRecord } from "../../export/columns";
import { toCsv } from "../../export/csv";
import { toJson, toJsonRecords } from "../../export/json";

/**
 * `massager export --csv|--json [--out FILE]`: every session with the stable columns of
 * export/columns.ts. Without --out the export goes to stdout (--json prints the records array);
 * with --out it is written to FILE and the command reports what it wrote.
 */
export type ExportData =
  | ExportRecord[]
  | { format: "csv"; csv: string; count: number }
  | { format: "csv" | "json"; file: string; count: number };

export async function run(parsed: ParsedOptions, ctx: Context): Promise<ExportData> {
  const o = parsed.options;
  const csv = o.csv === true;
  if (csv === ctx.json)
    throw new UsageError(
      csv ? "choose one format: --csv or --json, not both" : "choose a format: massager export --csv (or --json), e.g. massager export --csv --out sessions.csv",
    );
  const rows = loadRows(ctx.history({ readonly: true }), { device: ctx.device, from: o.from as string | undefined, to: o.to as string | undefined });
  if (o.out !== undefined) {
    const file = resolve(String(o.out));
    try {
      writeFileSync(file, csv ? toCsv(rows) : toJson(rows));
    } catch (err) {
      throw new MassagerError(`cannot write the export to ${file} (${(err as { code?: string }).code ?? "error"}); choose another --out path`);
    }
    return { format: csv ? "csv" : "json", file, count: rows.length };
  }
  return csv ? { format: "csv", csv: toCsv(rows), count: rows.length } : toJsonRecords(rows);
}

export function text(data: ExportData, _ctx: Context): string {
  if (Array.isArray(data)) return JSON.stringify(data, null, 2) + "\n"; // only with --json, which main prints itself
  if ("csv" in data) return data.csv;
  return `Wrote ${data.count} session${data.count === 1 ? "" : "s"} to ${data.file} (${data.format.toUpperCase()})\n`;
}
