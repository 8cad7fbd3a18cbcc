/*
 * Terminal colours. The CLI's Context decides (a TTY, NO_COLOR unset, TERM not dumb: ctx.color); the
 * renderers take a palette, so they stay pure and tests can ask for either.
 */
export interface Palette {
  good(s: string): string;
  warn(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
  accent(s: string): string;
}

const wrap = (open: number, close: number) => (s: string) => "\x1b[" + open + "m" + s + "\x1b[" + close + "m";

const COLOUR: Palette = {
  good: wrap(32, 39),
  warn: wrap(33, 39),
  dim: wrap(2, 22),
  bold: wrap(1, 22),
  accent: wrap(36, 39),
};

const same = (s: string) => s;
export const PLAIN: Palette = { good: same, warn: same, dim: same, bold: same, accent: same };

export function palette(colour: boolean): Palette {
  return colour ? COLOUR : PLAIN;
}
