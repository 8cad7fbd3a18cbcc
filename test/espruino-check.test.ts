import { describe, expect, it } from "vitest";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { assertEspruinoSafe, checkEspruino, RULES } from "../scripts/espruino-check.mjs";
import { buildFirmware } from "../scripts/build.mjs";
import { regexProblems } from "../scripts/rules/regex.mjs";
import { BUNDLE_BUDGET } from "../shared/limits";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const FIXTURES = path.join(ROOT, "test", "fixtures", "espruino");
const rulesOf = (src: string) => checkEspruino(src, { filename: "sample.js" }).map((v) => v.rule);

/** [rule id, sample]: each sample must be caught, and only by that rule. */
const CAUGHT: [string, string][] = [
  ["default-param", "function f(a = 1) { return a; }"],
  ["default-param", "var f = (a, b = 2) => a + b;"],
  ["rest-param", "function f(...args) { return args; }"],
  ["rest-param", "var f = (a, ...more) => more;"],
  ["spread", "var a = [1]; print(...a);"],
  ["spread", "var a = [1]; var b = [0, ...a];"],
  ["spread", "var a = {x: 1}; var b = {...a, y: 2};"],
  ["spread", "var a = [2020, 1]; var d = new Date(...a);"],
  ["destructuring", "var o = {a: 1}; var {a} = o;"],
  ["destructuring", "var [x, y] = [1, 2];"],
  ["destructuring", "function f({a, b}) { return a + b; }"],
  ["destructuring", "for (const [k, v] of [[1, 2]]) print(k, v);"],
  ["destructuring", "var a, b; [a, b] = [1, 2];"],
  ["destructuring", "var a; ({a} = {a: 1});"],
  ["destructuring", "try { f(); } catch ({message}) { print(message); }"],
  ["optional-chain", "var o = {}; print(o?.a);"],
  ["optional-chain", "var o = {}, k = 'a'; print(o?.[k]);"],
  ["optional-chain", "var f; f?.();"],
  ["exponent", "print(2 ** 8);"],
  ["exponent", "var x = 2; x **= 2;"],
  ["logical-assignment", "var o = {}; o.a ??= 1;"],
  ["logical-assignment", "var a = 0; a ||= 1;"],
  ["logical-assignment", "var a = 1; a &&= 2;"],
  ["computed-key", "var k = 'a'; var o = {[k]: 1};"],
  ["computed-key", "class A { ['m']() { return 1; } }"],
  ["computed-key", "var k = 'f'; class A { [k] = 1; }"],
  ["async", "async function f() { return 1; }"],
  ["async", "var f = async () => 1;"],
  ["async", "await Promise.resolve(1);"],
  ["generator", "function* g() { yield 1; }"],
  ["label", "outer: for (var i = 0; i < 3; i++) { for (var j = 0; j < 3; j++) { if (j) continue outer; } }"],
  ["tagged-template", "print(String.raw`a\\nb`);"],
  ["tagged-template", "function tag(s) { return s; } tag`x`;"],
  ["private-field", "class A { #x = 1; get() { return this.#x; } }"],
  ["private-field", "class A { #m() { return 1; } }"],
  ["new-target", "function F() { if (!new.target) throw new Error('use new'); }"],
  ["bigint", "var n = 10n;"],
  ["unicode-escape", "var s = '\\u{1F600}';"],
  ["unicode-escape", "var s = `smile \\u{1F600}`;"],
  ["module-syntax", "export var x = 1;"],
  ["module-syntax", "import x from './y'; print(x);"],
  ["no-hoisting", "start();\nfunction start() { print('go'); }"],
  ["no-hoisting", "setWatch(onPress, BTN);\nfunction onPress(e) { print(e); }"],
  ["no-hoisting", "function main() { helper(); function helper() {} }"],
  ["no-hoisting", "var go = function () { return later(); };\ngo();\nfunction later() { return 1; }"],
  ["no-hoisting", "(function () { later(); })();\nfunction later() { return 1; }"],
  ["no-hoisting", "var o = { n: later() };\nfunction later() { return 1; }"],
  ["loop-closure", "for (let i = 0; i < 3; i++) setTimeout(() => print(i), 10);"],
  ["loop-closure", "for (const v of [1, 2]) setTimeout(function () { print(v); }, 10);"],
  ["loop-closure", "var o = {a: 1}; for (const k in o) setWatch(() => print(k), BTN);"],
  ["loop-closure", "var fns = []; for (let i = 0; i < 3; i++) [1].forEach(() => fns.push(() => i));"],
  ["length-assign", "var a = [1, 2]; a.length = 0;"],
  ["length-assign", "var a = [1, 2]; a.length--;"],
  ["builtin-prototype", "var slice = Array.prototype.slice;"],
  ["builtin-prototype", "print(String.prototype.trim.call(' x '));"],
  ["builtin-prototype", "var s = Uint8Array.prototype['subarray'];"],
  ["builtin-prototype", "print(Object.prototype.toString.call([]));"],
  ["builtin-subclass", "class AppError extends Error { constructor(m) { super(m); } }"],
  ["builtin-subclass", "class List extends Array {}"],
  ["builtin-subclass", "var B = class extends Uint8Array {};"],
  ["class-field-arrow", "class A { n = 1; onTick = () => this.n; }"],
  ["missing-builtin", "var m = new Map();"],
  ["missing-builtin", "var s = new Set([1]);"],
  ["missing-builtin", "var w = new WeakMap();"],
  ["missing-builtin", "var k = Symbol('k');"],
  ["missing-builtin", "var p = new Proxy({}, {});"],
  ["missing-builtin", "print(Reflect.ownKeys({}));"],
  ["missing-builtin", "var b = new TextEncoder().encode('x');"],
  ["missing-builtin", "var t = new TextDecoder().decode(new Uint8Array(1));"],
  ["missing-builtin", "throw new RangeError('out of range');"],
  ["missing-builtin", "var a = Array.from('abc');"],
  ["missing-builtin", "var a = Array.of(1, 2);"],
  ["missing-builtin", "var u = Uint8Array.from([1, 2]);"],
  ["missing-builtin", "var u = Float32Array.of(1);"],
  ["missing-builtin", "print(Number.isInteger(1));"],
  ["missing-builtin", "print(Number.isNaN(1));"],
  ["missing-builtin", "print(1 + Number.EPSILON);"],
  ["missing-builtin", "print(Math.imul(3, 4));"],
  ["missing-builtin", "print(Math.clz32(1));"],
  ["missing-builtin", "print(Math.trunc(1.5));"],
  ["missing-builtin", "print(Math.sign(-2));"],
  ["missing-builtin", "print(Math.log2(8));"],
  ["missing-builtin", "var o = Object.freeze({});"],
  ["missing-builtin", "print(Object.is(1, 1));"],
  ["missing-builtin", "Promise.race([Promise.resolve(1)]);"],
  ["missing-builtin", "Promise.allSettled([]);"],
  ["missing-builtin", "print(Date.UTC(2024, 0, 1));"],
  ["missing-builtin", "print(ArrayBuffer.isView(new Uint8Array(1)));"],
  ["missing-builtin", "print(Uint16Array.BYTES_PER_ELEMENT);"],
  ["missing-builtin", "Promise.resolve(1).finally(() => print('done'));"],
  ["missing-builtin", "print('  x'.trimStart());"],
  ["missing-builtin", "print('a'.localeCompare('b'));"],
  ["missing-builtin", "print([1, 2].at(-1));"],
  ["missing-builtin", "print([[1], [2]].flat());"],
  ["missing-builtin", "print([1].flatMap((x) => [x, x]));"],
  ["missing-builtin", "print([1, 2].findLast((x) => x > 1));"],
  ["missing-builtin", "new Uint8Array(4).copyWithin(0, 2);"],
  ["missing-builtin", "print([1, 2, 1].lastIndexOf(1));"],
  ["missing-builtin", "print([1, 2].reduceRight((a, b) => a + b));"],
  ["missing-builtin", "var bytes = new Uint8Array(8); var b = bytes.buffer.slice(0, 4);"],
  ["json-replacer", "print(JSON.stringify({a: 1}, ['a']));"],
  ["json-replacer", "print(JSON.stringify({a: 1}, function (k, v) { return v; }));"],
  ["json-replacer", "print(JSON.parse('{}', function (k, v) { return v; }));"],
  ["regex", "print(/colou?r/.test('color'));"],
  ["regex", "print(/a{2,3}/.test('aa'));"],
  ["regex", "print(/a{2}/.test('aa'));"],
  ["regex", "print(/a+?/.exec('aa'));"],
  ["regex", "print(/(ab)+/.test('abab'));"],
  ["regex", "print(/\\bword/.test('a word'));"],
  ["regex", "print(/(?:ab)c/.test('abc'));"],
  ["regex", "print(/a(?=b)/.test('ab'));"],
  ["regex", "print(/a(?!b)/.test('ac'));"],
  ["regex", "print(/(?<=a)b/.test('ab'));"],
  ["regex", "print(/(a)\\1/.test('aa'));"],
  ["regex", "print(/(?<year>\\d+)/.exec('2024'));"],
  ["regex", "print(/a.b/s.test('a\\nb'));"],
  ["regex", "print(new RegExp('colou?r').test('color'));"],
];

/** Constructs docs/ESPRUINO.md lists as working: none may be reported. */
const ALLOWED: [string, string][] = [
  ["arrow functions", "var add = (a, b) => a + b; var sq = x => { return x * x; }; print(add(1, sq(2)));"],
  ["let and const", "let a = 1; const b = 2; { let a = 3; print(a + b); } print(a);"],
  ["classes", "class A { constructor(n) { this.n = n; } get twice() { return this.n * 2; } set twice(v) { this.n = v / 2; } static make() { return new A(1); } m() { return this.n; } }\nclass B extends A { constructor() { super(2); } m() { return super.m() + 1; } }\nprint(new B().m(), A.make().twice);"],
  ["class fields", "class A { n = 1; static k = 2; label = 'x'; }\nprint(new A().n);"],
  ["template literals", "var n = 3; print(`n is ${n}`, `plain`);"],
  ["nullish coalescing", "var o = null; print(o ?? 'fallback');"],
  ["for-of over arrays, strings, typed arrays", "for (const x of [1, 2]) print(x);\nfor (const c of 'ab') print(c);\nfor (const b of new Uint8Array(2)) print(b);"],
  ["try/catch/finally and catch without binding", "try { JSON.parse('x'); } catch (e) { print(e); } finally { print('done'); }\ntry { JSON.parse('x'); } catch { print('bad'); }"],
  ["switch", "var m = 1; switch (m) { case 1: print('one'); break; default: print('other'); }"],
  ["promises", "Promise.all([Promise.resolve(1)]).then((r) => print(r)).catch((e) => print(e));\nnew Promise((resolve, reject) => resolve(1)).then(print);\nPromise.reject(new Error('x')).catch(print);"],
  ["numeric separators", "var big = 1_000_000; print(big);"],
  ["typed arrays and DataView", "var u = new Uint8Array(8); u.set([1, 2], 0); print(u.subarray(0, 2), u.slice(1, 3), u.fill(0));\nvar d = new DataView(u.buffer); d.setUint16(0, 513, true); print(d.getUint16(0, true));"],
  ["Object helpers that exist", "var o = Object.assign({}, {a: 1}); print(Object.keys(o), Object.entries(o), Object.values(o), Object.fromEntries([['a', 1]]));"],
  ["string helpers that exist", "print('7'.padStart(3, '0'), 'abc'.startsWith('a'), 'abc'.includes('b'), 'a-b'.replaceAll('-', '+'));"],
  ["array helpers that exist", "var a = [3, 1, 2]; print(Array.isArray(a), a.find((x) => x > 1), a.findIndex((x) => x > 1), a.includes(2), a.indexOf(3), a.map((x) => x).filter((x) => x).some((x) => x) && a.every((x) => x), a.reduce((s, x) => s + x, 0));"],
  ["reading .length", "var a = [1, 2]; print(a.length, 'ab'.length);"],
  ["JSON without replacer", "print(JSON.stringify({a: 1}), JSON.stringify({a: 1}, null, 2), JSON.stringify({a: 1}, undefined, 2), JSON.parse('{}'));"],
  ["Object.prototype.hasOwnProperty", "var o = {a: 1}; print(Object.prototype.hasOwnProperty.call(o, 'a'));"],
  ["installing a method on a prototype", "Array.prototype.last = function () { return this[this.length - 1]; };"],
  ["typeof feature tests", "print(typeof Symbol, typeof Map === 'undefined');"],
  ["shadowed names", "function f(Map, Set) { return new Map(Set); }\nvar Symbol = function (x) { return x; }; print(Symbol('a'));\nclass Error2 {} class X extends Error2 {}"],
  ["escaped backslash before u{", "var s = '\\\\u{1F600}'; var t = `\\\\u{1F600}`;"],
  ["simple regular expressions", "print(/^[a-z]+\\d*$/gi.test('ab1'), /a|b/.test('b'), /(ab)c/.exec('abc'), /x.*y/.test('xzy'), /[?{}]/.test('?'), new RegExp('ab+', 'g'));"],
  ["functions used after their declaration", "function a() { return b(); }\nfunction b() { return 1; }\nprint(a());"],
  ["later functions referenced from callbacks", "setTimeout(() => later(), 10);\nsetWatch(function (e) { handle(e); }, BTN);\nfunction later() {}\nfunction handle(e) { print(e); }"],
  ["class methods calling later functions", "class A { m() { return helper(); } }\nfunction helper() { return 1; }\nprint(new A().m());"],
  ["loop closures that run during the iteration", "for (let i = 0; i < 3; i++) { [1, 2].forEach((n) => print(n * i)); (() => print(i))(); }\nfor (const v of [1]) [v].map(function (x) { return x + v; });"],
  ["loop closures over a parameter", "function later(v) { setTimeout(() => print(v), 10); }\nfor (let i = 0; i < 3; i++) later(i);"],
  ["var loops (same in Node)", "for (var i = 0; i < 3; i++) setTimeout(function () { print(i); }, 10);"],
];

describe("checkEspruino: every rule catches its construct", () => {
  it.each(CAUGHT)("%s: %s", (rule, src) => {
    expect(RULES[rule], `unknown rule ${rule}`).toBeDefined();
    const rules = rulesOf(src);
    expect(rules).toContain(rule);
    expect(new Set(rules)).toEqual(new Set([rule]));
  });

  it("covers every rule of the catalog", () => {
    const covered = new Set(CAUGHT.map(([rule]) => rule));
    const untested = Object.keys(RULES).filter((id) => !covered.has(id) && id !== "syntax-error" && id !== "for-await");
    expect(untested).toEqual([]);
  });

  it("for-await is reported (with the async function around it)", () => {
    expect(rulesOf("async function f(s) { for await (const x of s) print(x); }")).toEqual(expect.arrayContaining(["for-await", "async"]));
  });

  it("reports what does not parse", () => {
    expect(rulesOf("var = ;")).toEqual(["syntax-error"]);
  });
});

describe("checkEspruino: what Espruino runs is not reported", () => {
  it.each(ALLOWED)("%s", (_name, src) => {
    expect(checkEspruino(src)).toEqual([]);
  });
});

describe("regexProblems names exactly what the tiny engine lacks", () => {
  const cases: [string, string, string[]][] = [
    ["^[a-z]+\\d*$", "gi", []],
    ["[?{}()]|x.*y", "", []],
    ["a{,5}", "", []],
    ["colou?r", "", ["optional quantifier `?`"]],
    ["(?:ab)c", "", ["non-capturing group `(?:...)`"]],
    ["(?<y>\\d+)", "", ["named group `(?<name>...)`"]],
    ["(?<=a)b", "", ["lookbehind `(?<=...)`"]],
    ["(a)*?", "", ["quantified group `(...)*`", "lazy quantifier (`*?`, `+?`, `??`, `{n,m}?`)"]],
    ["a{2,3}", "m", ["counted repetition `{2,3}`", "flag `m` (ignored on the device)"]],
    ["\\bx\\1", "s", ["word boundary `\\b`", "backreference `\\1`", "flag `s` (a syntax error on the device)"]],
    // 2v29: /^a(b|c)/ does not match "ac"; alternatives at the start, or unanchored, work
    ["^mlog(1|2)$", "", ["alternatives in a group after the start of a `^`-anchored pattern (only the first is ever tried)"]],
    ["^(b|c)d", "", []],
    ["a(b|c)d$", "", []],
    ["^a|b", "", []],
  ];
  it.each(cases)("/%s/%s", (pattern, flags, expected) => {
    expect(regexProblems(pattern, flags)).toEqual(expected);
  });
});

describe("violations", () => {
  it("carry the rule, 1-based position, a message with what breaks and the fix, and the snippet", () => {
    const [v] = checkEspruino("var a = 1;\nvar f = function (x = 2) { return x; };\n", { filename: "fw.js" });
    expect(v.rule).toBe("default-param");
    expect(v.line).toBe(2);
    expect(v.column).toBe(19);
    expect(v.message).toContain("Got '=' expected ','");
    expect(v.message).toContain("x === undefined");
    expect(v.snippet).toBe("var f = function (x = 2) { return x; };");
  });

  it("show a window of long minified lines", () => {
    const src = `var a=${"1+".repeat(200)}1;print(2**3);`;
    const [v] = checkEspruino(src);
    expect(v.rule).toBe("exponent");
    expect(v.snippet).toContain("2**3");
    expect(v.snippet.length).toBeLessThan(110);
  });

  it("assertEspruinoSafe throws one error listing every violation", () => {
    expect(() => assertEspruinoSafe("print(1);", "ok.js")).not.toThrow();
    let message = "";
    try {
      assertEspruinoSafe("f();\nfunction f(...a) { return new Map(); }\n", "fw.js");
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^fw\.js: 3 constructs/);
    expect(message).toContain("[no-hoisting] fw.js:1:1");
    expect(message).toContain("[rest-param] fw.js:2:12");
    expect(message).toContain("[missing-builtin] fw.js:2:31");
  });
});

describe("the build's esbuild settings", () => {
  it("lower ?., **, logical assignment, object spread, class fields and \\u{} into code the check accepts and Node runs the same", async () => {
    const r = await buildFirmware({ entry: path.join(FIXTURES, "lowered.ts"), outfile: null });
    expect(r.violations).toEqual([]);
    expect(r.code).not.toMatch(/\?\.|\*\*|\?\?=|\|\|=|&&=|\.\.\./);
    const printed: string[] = [];
    new Function("print", r.code)((s: string) => printed.push(s));
    expect(printed).toEqual([
      JSON.stringify([3, -2, 64, 6, "anon", "daily", 3, 2, 1, "c", 1, 2]),
      JSON.stringify([-1, -2, 64, 6, "anon", "daily", 3, 2, 1, "c", 2, 2]),
    ]);
  });

  it("produce nothing the check reports for ordinary code, and keep require(\"Storage\") as is", async () => {
    const r = await buildFirmware({ entry: path.join(FIXTURES, "ordinary.ts"), outfile: null });
    expect(r.violations).toEqual([]);
    expect(r.code).toContain('require("Storage")');
    expect(r.code).not.toContain("Proxy");
    expect(r.code).not.toContain("__require");
  });

  it("define __FW_VERSION__ and __BUILD_BOARD__", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "espruino-build-"));
    try {
      const entry = path.join(dir, "main.ts");
      writeFileSync(entry, "print(__FW_VERSION__, __BUILD_BOARD__);\n");
      const r = await buildFirmware({ entry, outfile: null, version: "9.8.7", board: "PUCKJS" });
      expect(r.code).toContain('print("9.8.7","PUCKJS")');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("catch a use before declaration made by an import cycle, and map it back to the TypeScript source", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "espruino-build-"));
    try {
      // Node hoists `later` across the cycle; the bundle calls it before its declaration.
      writeFileSync(path.join(dir, "main.ts"), 'import { b } from "./b";\nexport function later() { return 1; }\nprint(b, require("Storage"));\n');
      writeFileSync(path.join(dir, "b.ts"), 'import { later } from "./main";\nconst S = require("Storage");\nexport const b = later() + new Map().size;\n');
      const r = await buildFirmware({ entry: path.join(dir, "main.ts"), outfile: null });
      expect(r.violations.map((v) => [v.rule, v.source?.replace(/^.*\//, ""), v.sourceName])).toEqual([
        ["no-hoisting", "b.ts:3:18", "later"],
        ["missing-builtin", "b.ts:3:32", undefined],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const REFUSED: [string, string, RegExp][] = [
    ["default parameters", "export function f(a = 1) { return a; }", /default arguments/],
    ["rest parameters", "export function f(...a: number[]) { return a; }", /rest arguments/],
    ["spread in calls", "export function f(a: number[]) { return Math.max(...a); }", /rest arguments/],
    ["array spread", "export function f(a: number[]) { return [...a, 1]; }", /array spread/],
    ["object destructuring", "export function f(o: { a: number }) { const { a } = o; return a; }", /destructuring/],
    ["parameter destructuring", "export function f({ a }: { a: number }) { return a; }", /destructuring/],
    ["for-of destructuring", "export function f(o: [number, number][]) { for (const [a] of o) print(a); }", /destructuring/],
    ["async functions", "export async function f() { return 1; }", /async functions/],
    ["generators", "export function* f() { yield 1; }", /generator functions/],
    ["new.target", "export function F() { return new.target; }", /new\.target/],
  ];

  it.each(REFUSED)("make %s a build error with Espruino advice", async (_name, src, esbuildText) => {
    const dir = mkdtempSync(path.join(tmpdir(), "espruino-build-"));
    try {
      const entry = path.join(dir, "main.ts");
      writeFileSync(entry, `${src}\nprint(f);\n`);
      const build = buildFirmware({ entry, outfile: null });
      await expect(build).rejects.toThrow(esbuildText);
      await expect(build).rejects.toThrow(/-> Espruino/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("real bundles", () => {
  const sharedIndex = path.join(ROOT, "shared", "index.ts");
  it.skipIf(!existsSync(sharedIndex))("shared/ bundles into Espruino-safe code", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "espruino-build-"));
    try {
      const entry = path.join(dir, "main.ts");
      writeFileSync(entry, `import * as shared from ${JSON.stringify(sharedIndex.replace(/\.ts$/, ""))};\nprint(shared);\n`);
      const r = await buildFirmware({ entry, outfile: null });
      expect(r.violations).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const hasFirmware = existsSync(path.join(ROOT, "firmware", "main.ts"));
  it.skipIf(!hasFirmware)("the firmware bundle passes the Espruino check", async () => {
    const r = await buildFirmware({ outfile: null });
    expect(r.violations).toEqual([]);
  });

  it("the build's flash budget is shared/limits.ts's BUNDLE_BUDGET, and a tree without it is an error that says so", async () => {
    expect((await buildFirmware({ entry: path.join(FIXTURES, "ordinary.ts"), outfile: null })).budget).toBe(BUNDLE_BUDGET);
    const dir = mkdtempSync(path.join(tmpdir(), "espruino-build-"));
    try {
      writeFileSync(path.join(dir, "main.ts"), "print(1);\n");
      await expect(buildFirmware({ entry: "main.ts", outfile: null, root: dir })).rejects.toThrow(/flash budget comes from .*shared.limits\.ts, which did not load/);
      mkdirSync(path.join(dir, "shared"));
      writeFileSync(path.join(dir, "shared", "limits.ts"), "export const OTHER = 1;\n");
      await expect(buildFirmware({ entry: "main.ts", outfile: null, root: dir })).rejects.toThrow(/must export BUNDLE_BUDGET/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!hasFirmware)("the firmware bundle fits the flash budget", async () => {
    const r = await buildFirmware({ outfile: null });
    expect(r.bytes, `${r.bytes} bytes against a budget of ${r.budget}`).toBeLessThanOrEqual(r.budget);
  });
});
