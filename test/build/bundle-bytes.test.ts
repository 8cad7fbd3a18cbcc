/**
 * The last steps of the firmware build: the built-ins read through aliases (aliases.mjs), names given
 * by use (mangle.mjs), the short forms of true, false and undefined spelled out (keywords.mjs), and
 * the pretokenised bytes (pretokenise.mjs). Each must leave the program as it was: the aliases only
 * where they name the same thing, and the bytes read back as the same tokens. (That espruino-tools makes
 * the same bytes: test/sim-server/sim-server.test.ts; that the interpreter runs them: test/interpreter.)
 */
import * as acorn from "acorn";
import { describe, expect, it } from "vitest";
import { aliasBuiltins } from "../../scripts/build/aliases.mjs";
import { mangleByUse, namesByUse } from "../../scripts/build/mangle.mjs";
import { spellKeywords } from "../../scripts/build/keywords.mjs";
import { detokenise, pretokenise } from "../../scripts/build/pretokenise.mjs";
import { firmwareBundle } from "../helpers/firmware";
import { buildFirmware } from "../../scripts/build.mjs";

const tokens = (code: string) => [...acorn.tokenizer(code, { ecmaVersion: 2022 })].map((t) => `${t.type.label}:${String((t as { value?: unknown }).value ?? "")}`);

describe("aliasBuiltins", () => {
  it("reads a static built-in used three times or more through one variable, declared where it is defined", () => {
    const out = aliasBuiltins('(()=>{var a=Math.max(1,2)+Math.max(3,4)+Math.max(5,6),b=Math.min(1,2),S=require("Storage"),w=()=>{S.write("a",1);S.write("b",2);S.write("c",3)};})();');
    expect(out).toMatch(/^\(\(\)=>\{var __alias\d=Math\.max;/);
    expect(out.match(/Math\.max/g)).toHaveLength(1);
    expect(out).toContain("Math.min(1,2)"); // used once: left as written
    expect(out).toMatch(/S=require\("Storage"\),__alias\d=S\.write,/); // after the variable it reads
    expect(out.match(/S\.write/g)).toHaveLength(1);
    // the same program: run both in a sandbox
    const run = (src: string) => new Function("require", `${src.replace(/^\(\(\)=>\{/, "").replace(/\}\)\(\);$/, "")}; return a;`)(() => ({ write: () => 0 }));
    expect(run(out)).toBe(run('(()=>{var a=Math.max(1,2)+Math.max(3,4)+Math.max(5,6);})();'));
  });

  it("leaves a name the bundle declares itself alone, and property names that only look alike", () => {
    const shadow = "(()=>{var Uint8Array=1,x=[Uint8Array,Uint8Array,Uint8Array];})();";
    expect(aliasBuiltins(shadow)).toBe(shadow);
    const props = "(()=>{var o={max:1},x=[o.max,o.max,o.max,E.toUint8Array];})();";
    expect(aliasBuiltins(props)).toBe(props);
  });
});

/** What a bundle passes to the global R (a name no mangler touches). */
const result = (bundle: string): unknown => {
  let v: unknown;
  new Function("R", bundle)((x: unknown) => (v = x));
  return v;
};

describe("mangleByUse", () => {
  // sixty variables, so that some names must have two letters; `hot` is declared last and used most
  const names = Array.from({ length: 60 }, (_, i) => `v${i}`);
  const bundle = `(()=>{var ${names.map((n, i) => `${n}=${i}`).join(",")},hot=1,f=(v0)=>v0+${names.join("+")},` +
    `a=[f(2),hot,hot,hot,hot,hot,hot,hot,hot,hot,hot];R(a)})();`;

  it("counts what each of the bundle's variables is written, not a parameter that shadows it", () => {
    const order = namesByUse(bundle);
    expect(order[0]).toBe("hot");
    expect(order).toHaveLength(63);
    expect(order.indexOf("v0")).toBeGreaterThan(order.indexOf("f")); // its use in f is f's parameter
  });

  it("gives the most written names one letter, and runs the same", async () => {
    const out = await mangleByUse(bundle, { ecma: 2015 });
    const hot = /=\[[\w$]+\(2\),([\w$]+),/.exec(out)?.[1];
    expect(hot).toHaveLength(1);
    expect(out).not.toMatch(/^\(\(\)=>\{var [\w$]+,/); // the extra declaration is gone
    expect(result(out)).toEqual(result(bundle));
  });
});

describe("spellKeywords", () => {
  it("writes !0, !1 and void 0 as the one-token words, spaced from a word they touch", () => {
    const src = "(()=>{var u,a=[!0,!1,void 0===u,typeof u,(()=>{if(u===void 0)return!0})(),!2,void 1];R(a)})();";
    const out = spellKeywords(src);
    expect(out).toContain("[true,false,undefined===u,");
    expect(out).toContain("return true");
    expect(out).toContain("!2,void 1"); // not one of the three
    expect(result(out)).toEqual(result(src));
    // a byte less each, and two for !1 (its 1 takes two bytes)
    expect(pretokenise(out).length).toBe(pretokenise(src).length - 6);
  });
});

describe("pretokenise", () => {
  it("the firmware bundle's bytes read back as its own tokens, in fewer bytes", async () => {
    const built = await buildFirmware({ outfile: null, version: "1.2.3" });
    expect(built.flashed).toBe(pretokenise(built.code));
    // atob("…") of a literal is stored as the decoded string
    const decoded = built.code.replace(/atob\("([A-Za-z0-9+/=]*)"\)/g, (_m, b64: string) => JSON.stringify(Buffer.from(b64, "base64").toString("latin1")));
    expect(tokens(detokenise(built.flashed))).toEqual(tokens(decoded));
    expect(built.flashed.length).toBeLessThan(built.code.length * 0.95);
    expect(await firmwareBundle()).toMatch(/[\x80-\xff]/); // the tests boot the tokenised form too
  });

  it("keeps strings, numbers and atob literals byte for byte", () => {
    const src = 'var s="a\\u00ff\\n",n=[0,5,-3,300,70000,1.5,0x10],b=atob("AAEC/w==");';
    const back = detokenise(pretokenise(src));
    const run = (code: string) => new Function(`${code}; return [s, n, b];`)();
    expect(run(back)).toEqual(run(src));
    expect(pretokenise(src)).not.toContain("AAEC"); // atob of a literal is stored decoded
  });
});
