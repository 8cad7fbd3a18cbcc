import type { History } from "../history/db";
import type { SessionRow } from "../history/store";
import { UsageError } from "../errors";
import { dayStartUnix, parseDate } from "./days";
import { oneEach } from "./one-each";

/*
 * The one query behind `history`, `report` and `export`: every session in start order, optionally
 * for one device (--device: its id or its name as synced) and for local dates from..to (both
 * included), each session once (oneEach). No per-day queries: the figures are linear passes.
 */
export interface LoadOptions {
  /** A device's id or its name as synced (--device). */
  device?: string;
  from?: string;
  to?: string;
}

export function loadRows(history: History, opts: LoadOptions = {}): SessionRow[] {
  let device: string | undefined;
  if (opts.device !== undefined) {
    const known = history.devices();
    const hit = known.find((d) => d.id === opts.device) ?? known.find((d) => d.name === opts.device);
    if (!hit)
      throw new UsageError(
        known.length
          ? `the history has no device "${opts.device}"; it has ${known.map((d) => (d.name ? `${d.name} (${d.id})` : d.id)).join(", ")}`
          : `the history has no devices yet; run \`massager sync\` first`,
      );
    device = hit.id;
  }
  return oneEach(
    history.sessions({
      device,
      from: opts.from !== undefined ? dayStartUnix(date("from", opts.from)) : undefined,
      to: opts.to !== undefined ? dayStartUnix(date("to", opts.to) + 1) : undefined,
      raw: true,
    }),
  );
}

/** A --today/--from/--to value as a day number, or a UsageError showing the format. */
export function date(option: string, text: string): number {
  const d = parseDate(String(text));
  if (d === null) throw new UsageError(`--${option}: "${text}" is not a date; write it as YYYY-MM-DD, e.g. --${option} 2026-11-25`);
  return d;
}
