import { describe, expect, it } from "vitest";
import { EspruinoRepl, bracketDepth, replValue } from "../../companion/sim/service/console";

/** A REPL over a plain evaluator; deferred prompts run when `idle()` is called (the device's idle loop). */
function repl(evaluate: (code: string) => unknown = (c) => (0, eval)(c)) {
  let out = "";
  const queue: (() => void)[] = [];
  const lines: string[] = [];
  const r = new EspruinoRepl({
    target: { evaluate: (code) => (lines.push(code), evaluate(code)) },
    write: (t) => (out += t),
    defer: (fn) => queue.push(fn),
  });
  return {
    r,
    lines,
    type(s: string): string {
      out = "";
      r.input(s);
      while (queue.length) queue.shift()!();
      return out;
    },
  };
}

describe("the Espruino console REPL", () => {
  it("echoes, runs a line when its brackets balance and prints =value then the prompt", () => {
    const t = repl();
    expect(t.type("\n")).toBe("\r\n=undefined\r\n>"); // what espruino-tools waits for after a newline
    expect(t.type("1+2\r\n")).toBe("1+2\r\n=3\r\n>");
    expect(t.type("[1,2].map(function (x) {\n")).toBe("[1,2].map(function (x) {\r\n:");
    expect(t.type("return x * 2; })\n")).toBe("return x * 2; })\r\n=[2,4]\r\n>");
    expect(t.lines.at(-1)).toBe("[1,2].map(function (x) {\nreturn x * 2; })");
  });

  it("runs DLE lines without echo or result, and gives the prompt back only when the line printed", () => {
    const t = repl(() => 42);
    expect(t.type("\x10var a = 1;\n")).toBe(""); // espruino-tools' silent lines
    expect(t.lines.at(-1)).toBe("var a = 1;");
    // a silent line that prints: the output appears, then the prompt returns
    let out = "";
    const r: EspruinoRepl = new EspruinoRepl({ target: { evaluate: () => r.output("< << 7 >> >\r\n") }, write: (s) => (out += s), defer: (fn) => fn() });
    r.input("\x10print('x')\n");
    expect(out).toBe("< << 7 >> >\r\n>");
  });

  it("treats \\r\\n as one newline, Alt-Enter as a newline that does not run, and swallows ESC sequences", () => {
    const t = repl();
    t.type("\x10var s = 1\x1b\n+ 2;\r\n");
    expect(t.lines.at(-1)).toBe("var s = 1\n+ 2;");
    expect(t.type("\x1b[12d3*3\n")).toBe("3*3\r\n=9\r\n>");
    expect(t.lines.filter((l) => l === "").length).toBe(0);
  });

  it("reports errors as Espruino does, and Ctrl-C clears the line", () => {
    const t = repl((c) => {
      throw new ReferenceError(`${c} is not defined`);
    });
    expect(t.type("nope\n")).toBe("nope\r\nUncaught ReferenceError: nope is not defined\r\n>");
    const out = t.type("abc\x03");
    expect(out.startsWith("abc")).toBe(true);
    expect(out.endsWith(">")).toBe(true);
    expect(t.lines).toEqual(["nope"]);
  });

  it("counts brackets outside strings, templates and comments", () => {
    expect(bracketDepth('require("Storage").write(".bootcde","f(){[(",0,10);')).toBe(0);
    expect(bracketDepth("x = '}' + `${a({})}` // {")).toBe(0);
    expect(bracketDepth("function a() {")).toBe(1);
    expect(bracketDepth("/* ( */ f(")).toBe(1);
    expect(replValue("a\"b")).toBe('"a\\"b"');
    expect(replValue(undefined)).toBe("undefined");
  });
});
