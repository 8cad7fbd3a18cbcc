/**
 * A one-line progress bar on stderr: `sync  [##########··········]  50%  30/60 records`.
 * Disabled (every call a no-op) when not watched by a person: not a TTY, or --json.
 */
export interface Progress {
  update(done: number, total: number, unit?: string): void;
  /** Ends the line (leaves the final state visible). */
  done(): void;
  /** Takes the bar off its line (for a line of output; the next update draws it again). */
  clear(): void;
}

const WIDTH = 24;

export function progressBar(
  out: { write(s: string): unknown },
  label: string,
  opts: { enabled: boolean; color?: boolean },
): Progress {
  if (!opts.enabled) return { update() {}, done() {}, clear() {} };
  let drawn = false;
  let last = "";
  return {
    update(done, total, unit = "") {
      const frac = total > 0 ? Math.min(1, done / total) : 0;
      const fill = Math.round(frac * WIDTH);
      const bar = "#".repeat(fill) + "·".repeat(WIDTH - fill);
      const pct = `${Math.round(frac * 100)}%`.padStart(4);
      const line = `${label}  [${opts.color ? `\x1b[36m${bar}\x1b[0m` : bar}] ${pct}  ${done}/${total}${unit ? " " + unit : ""}`;
      if (line === last) return;
      last = line;
      out.write(`\r\x1b[2K${line}`);
      drawn = true;
    },
    done() {
      if (drawn) out.write("\n");
      drawn = false;
    },
    clear() {
      if (drawn) out.write("\r\x1b[2K");
      drawn = false;
      last = "";
    },
  };
}
