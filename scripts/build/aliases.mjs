// @ts-check
// Built-ins the firmware names often, given one short name each. Pretokenised code keeps an
// identifier's letters at every use (only reserved words and operators become one byte), so
// `Math.min(` costs 9 bytes a call and `new Uint8Array(` 11; an alias in the bundle's own scope costs
// its declaration once and one mangled letter a use, for two variables of RAM. Only static native
// functions are aliased (Math's, E's, Storage's: none reads `this`), which Espruino calls the same
// through a variable; the interpreter suites run the aliased bundle.

import * as acorn from "acorn";
import { simple } from "acorn-walk";
import { iifeOf } from "./iife.mjs";

/** Aliased when used at least this often (fewer do not pay for the declaration). */
const MIN_USES = 3;
/** Static functions by object: `Storage` stands for the variable the bundle keeps require("Storage") in. */
const MEMBERS = {
  Math: ["max", "min", "round", "floor", "ceil", "abs"],
  E: ["CRC32", "toUint8Array", "hwRand"],
  Storage: ["write", "erase", "readArrayBuffer"],
};
const GLOBALS = ["Uint8Array", "setTimeout", "clearTimeout", "getTime"];

/**
 * The bundle with every `Math.max` (…) and `Uint8Array` used MIN_USES times or more read through a
 * variable declared at the top of the bundle's IIFE. Code that is not an IIFE bundle is returned as is.
 * @param {string} code
 * @returns {string}
 */
export function aliasBuiltins(code) {
  const ast = /** @type {any} */ (acorn.parse(code, { ecmaVersion: 2022 }));
  const iife = iifeOf(ast);
  if (!iife) return code;
  /** @type {Map<string, { start: number, end: number }[]>} */
  const uses = new Map();
  const add = (/** @type {string} */ what, /** @type {any} */ n) => {
    if (!uses.has(what)) uses.set(what, []);
    /** @type {{ start: number, end: number }[]} */ (uses.get(what)).push({ start: n.start, end: n.end });
  };
  /** Identifier nodes that are a member's property or an object key, not a reference. */
  const notRefs = new Set();
  /** The variable holding require("Storage"), if any, and where its declarator ends (its aliases follow it). */
  let storage = "";
  let storageEnd = -1;
  simple(ast, {
    VariableDeclarator(/** @type {any} */ n) {
      const i = n.init;
      if (n.id.type === "Identifier" && i && i.type === "CallExpression" && i.callee.name === "require" && i.arguments[0]?.value === "Storage") {
        storage = n.id.name;
        storageEnd = n.end;
      }
    },
  });
  /** @type {Record<string, string[]>} */
  const members = { Math: MEMBERS.Math, E: MEMBERS.E, ...(storage ? { [storage]: MEMBERS.Storage } : {}) };
  simple(ast, {
    MemberExpression(/** @type {any} */ n) {
      if (!n.computed) notRefs.add(n.property);
      const o = n.object;
      if (!n.computed && o.type === "Identifier" && members[o.name]?.includes(n.property.name)) {
        notRefs.add(o);
        add(`${o.name}.${n.property.name}`, n);
      }
    },
    Property(/** @type {any} */ n) {
      if (!n.computed) notRefs.add(n.key);
    },
  });
  /** Names the bundle declares: a global it shadows is left alone. */
  const declared = new Set();
  simple(ast, {
    VariableDeclarator(/** @type {any} */ n) {
      if (n.id.type === "Identifier") declared.add(n.id.name);
    },
    Function(/** @type {any} */ n) {
      for (const p of n.params) if (p.type === "Identifier") declared.add(p.name);
    },
    Identifier(/** @type {any} */ n) {
      if (GLOBALS.includes(n.name) && !notRefs.has(n)) add(n.name, n);
    },
  });
  /** @type {{ start: number, end: number, text: string }[]} */
  const edits = [];
  /** @type {string[]} */
  const decls = [];
  /** @type {string[]} */
  const storageDecls = [];
  let k = 0;
  for (const [what, at] of uses) {
    const object = what.split(".")[0];
    if (at.length < MIN_USES || (declared.has(object) && object !== storage)) continue;
    const name = `__alias${k++}`;
    (object === storage ? storageDecls : decls).push(`${name}=${what}`);
    for (const a of at) edits.push({ ...a, text: name });
  }
  // the globals' aliases open the IIFE; the Storage ones follow the variable's own declarator
  const open = iife.body.start + 1;
  if (decls.length) edits.push({ start: open, end: open, text: `var ${decls.join(",")};` });
  if (storageDecls.length) edits.push({ start: storageEnd, end: storageEnd, text: `,${storageDecls.join(",")}` });
  if (!edits.length) return code;
  // from the end backwards, so earlier offsets stay right (an insertion sorts after an edit at its place)
  edits.sort((a, b) => b.start - a.start || b.end - a.end);
  let out = code;
  for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}
