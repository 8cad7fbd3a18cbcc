/**
 * Console input (Nordic UART or a TCP console) cut into lines as a minimal Espruino REPL does:
 * a line runs when its brackets balance; Ctrl-C (\x03) clears the line; a line starting with
 * \x10 runs without printing its result (what espruino-tools sends).
 */
export class ReplInput {
  private buffer = "";
  private quiet = false;

  /** Take console text; `runLine` gets each complete line. */
  feed(text: string, runLine: (line: string, quiet: boolean) => void): void {
    for (const ch of text) {
      if (ch === "\x03") {
        this.clear();
        continue;
      }
      if (ch === "\x10") {
        this.quiet = true;
        continue;
      }
      if (ch === "\r" || ch === "\n") {
        if (this.buffer.trim() === "") continue;
        if (!balanced(this.buffer)) {
          this.buffer += "\n";
          continue;
        }
        const line = this.buffer;
        const quiet = this.quiet;
        this.clear();
        runLine(line, quiet);
        continue;
      }
      this.buffer += ch;
    }
  }

  /** Forget a half-typed line. */
  clear(): void {
    this.buffer = "";
    this.quiet = false;
  }
}

/** Whether brackets balance outside strings and comments (when to run a console line). */
function balanced(src: string): boolean {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === "/" && src[i + 1] === "/") {
      const nl = src.indexOf("\n", i);
      if (nl < 0) break;
      i = nl;
    } else if (c === "/" && src[i + 1] === "*") {
      const end = src.indexOf("*/", i + 2);
      if (end < 0) return false;
      i = end + 1;
    } else if (c === '"' || c === "'" || c === "`") quote = c;
    else if (c === "(" || c === "{" || c === "[") depth++;
    else if (c === ")" || c === "}" || c === "]") depth--;
  }
  return depth <= 0 && quote === undefined;
}
