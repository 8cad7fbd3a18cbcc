import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Context } from "../context";
import type { ParsedOptions } from "../commands";
import { MassagerError } from "../../errors";
import { loadRows, date } from "../../report/load";
import { computeReport, type Report } from "../../report/figures";
import { renderTerminal } from "../../report/terminal";
import { renderHtml } from "../../report/html";
import { palette } from "../../report/colour";
import { dayOf } from "../../report/days";

/**
 * `massager report`: the figures the studies measured, against each protocol (figures.ts defines
 * every one). One query, then linear passes. --json prints every figure; --html FILE also writes
 * the self-contained page with the charts; --today YYYY-MM-DD computes it for another day.
 */
export type ReportData = Report & { html_file?: string };

export async function run(parsed: ParsedOptions, ctx: Context): Promise<ReportData> {
  const o = parsed.options;
  const today = o.today !== undefined ? date("today", o.today as string) : dayOf(ctx.now());
  const report: ReportData = computeReport(loadRows(ctx.history({ readonly: true }), { device: ctx.device }), { today });
  if (o.html !== undefined) {
    const file = resolve(String(o.html));
    try {
      writeFileSync(file, renderHtml(report));
    } catch (err) {
      throw new MassagerError(`cannot write the report page to ${file} (${(err as { code?: string }).code ?? "error"}); choose another --html path`);
    }
    report.html_file = file;
  }
  return report;
}

export function text(data: ReportData, ctx: Context): string {
  return renderTerminal(data, palette(ctx.color)) + (data.html_file ? `\nWrote the report page with its charts to ${data.html_file}\n` : "");
}
