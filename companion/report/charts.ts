/* Small unicode charts for the terminal: sparklines and horizontal bars. Pure. */
const SPARKS = "▁▂▃▄▅▆▇█";

/** One character per value, scaled to max(values, floor); zero draws as "·" so gaps stand out. */
export function sparkline(values: number[], floor = 0): string {
  let max = floor;
  for (const v of values) if (v > max) max = v;
  let out = "";
  for (const v of values) {
    if (!(v > 0) || max <= 0) out += "·";
    else out += SPARKS[Math.min(SPARKS.length - 1, Math.max(0, Math.ceil((v / max) * SPARKS.length) - 1))];
  }
  return out;
}

/** A horizontal bar `width` cells long at most, in eighths of a cell. */
export function bar(value: number, max: number, width: number): string {
  if (!(value > 0) || !(max > 0)) return "";
  const eighths = Math.max(1, Math.round((value / max) * width * 8));
  const full = Math.floor(eighths / 8);
  const rest = eighths % 8;
  return "█".repeat(full) + (rest ? "▏▎▍▌▋▊▉"[rest - 1] : "");
}
