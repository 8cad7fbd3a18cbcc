/** Words every text view of the companion uses (the CLI's and the report's). */

/** "1 step", "3 steps", "2 retries". */
export function plural(n: number, one: string, many = one + "s"): string {
  return `${n} ${n === 1 ? one : many}`;
}
