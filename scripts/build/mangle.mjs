// @ts-check
// Short names for the bundle's own variables, the most written getting the shortest. terser's
// mangler names a scope's variables in the order they are declared: the first 54 get one letter,
// the rest two. Pretokenised code keeps every identifier's letters at every use (pretokenise.mjs),
// so the order matters: the bundle's scope holds about 160 variables, and a two-letter name on one
// written 15 times costs 15 bytes. So the variables are first declared once more, at the top of
// the bundle's IIFE, most written first; terser names them in that order, and the extra declaration
// is taken out again (121 bytes on the bundle of 2026-12).

import { ancestor } from "acorn-walk";
import { minify } from "terser";
import { iifeOf } from "./iife.mjs";

/** @param {any} pattern @param {Set<string>} into */
function names(pattern, into) {
  if (!pattern) return;
  if (pattern.type === "Identifier") into.add(pattern.name);
  else if (pattern.type === "AssignmentPattern") names(pattern.left, into);
  else if (pattern.type === "RestElement") names(pattern.argument, into);
  else if (pattern.type === "ArrayPattern") for (const e of pattern.elements) names(e, into);
  else if (pattern.type === "ObjectPattern") for (const p of pattern.properties) names(p.type === "Property" ? p.value : p, into);
}

/**
 * The names each scope node declares: a function its parameters and `var`s, a block its `let`/`const`.
 * @param {any} root
 * @returns {Map<any, Set<string>>}
 */
function declarations(root) {
  /** @type {Map<any, Set<string>>} */
  const scopes = new Map();
  const of = (/** @type {any} */ n) => /** @type {Set<string>} */ (scopes.get(n) ?? scopes.set(n, new Set()).get(n));
  ancestor(root, {
    Function(/** @type {any} */ n) {
      for (const p of n.params) names(p, of(n));
    },
    CatchClause(/** @type {any} */ n) {
      names(n.param, of(n));
    },
    VariableDeclaration(/** @type {any} */ n, /** @type {any} */ _s, /** @type {any[]} */ anc) {
      const up = anc.slice(0, -1).reverse();
      const owner = n.kind === "var"
        ? up.find((a) => a.type.includes("Function"))
        : up.find((a) => a.type.includes("Function") || a.type === "BlockStatement" || a.type.startsWith("For") || a.type === "SwitchStatement");
      if (owner) for (const d of n.declarations) names(d.id, of(owner));
    },
  });
  return scopes;
}

/**
 * The names an IIFE bundle declares in its own scope, the most written first: every occurrence in
 * the text (declaration, read, assignment) that resolves to the IIFE's binding counts.
 * @param {string} code
 * @returns {string[]}
 */
export function namesByUse(code) {
  const iife = iifeOf(code);
  if (!iife) return [];
  const scopes = declarations(iife);
  const top = scopes.get(iife) ?? new Set();
  /** @type {Map<string, number>} */
  const count = new Map();
  const seen = (/** @type {any} */ n, /** @type {any} */ _s, /** @type {any[]} */ anc) => {
    if (!top.has(n.name)) return;
    for (let i = anc.length - 2; i >= 0 && anc[i] !== iife; i--) if (scopes.get(anc[i])?.has(n.name)) return;
    count.set(n.name, (count.get(n.name) ?? 0) + 1);
  };
  // VariablePattern: a name being declared or assigned (acorn-walk's name for it)
  ancestor(iife.body, /** @type {any} */ ({ Identifier: seen, VariablePattern: seen }));
  return [...top].sort((a, b) => (count.get(b) ?? 0) - (count.get(a) ?? 0));
}


/**
 * terser's mangler over an IIFE bundle (nothing else changed), with names given by use.
 * @param {string} code
 * @param {import("terser").MinifyOptions} options terser's output options (`ecma`, `format`)
 * @returns {Promise<string>}
 */
export async function mangleByUse(code, options) {
  const iife = iifeOf(code);
  const order = namesByUse(code);
  const at = iife ? iife.body.start + 1 : 0;
  const ordered = order.length ? `${code.slice(0, at)}var ${order.join(",")};${code.slice(at)}` : code;
  const r = await minify(ordered, { ...options, compress: false, mangle: true });
  if (r.code === undefined) throw new Error("terser produced no output when mangling the firmware bundle");
  if (!order.length) return r.code;
  const first = /** @type {any} */ (iifeOf(r.code)).body.body[0];
  return r.code.slice(0, first.start) + r.code.slice(first.end);
}
