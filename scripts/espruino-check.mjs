// @ts-check
// The Espruino check: parses a script with acorn and reports every construct that breaks (or
// silently misbehaves) on the Espruino 2v29 interpreter: docs/ESPRUINO.md lists each fact with its rule id.
//
//   checkEspruino(source, {filename}) -> Violation[]
//   assertEspruinoSafe(source, filename)  throws an Error listing every violation
//
// Rules live in scripts/rules/: catalog.mjs (ids, problems, fixes), syntax.mjs, builtins.mjs,
// regex.mjs (node-local), scope.mjs + semantics.mjs (hoisting, loop closures).

import * as acorn from "acorn";
import { fullAncestor } from "acorn-walk";
import { RULES } from "./rules/catalog.mjs";
import { analyzeScopes } from "./rules/scope.mjs";
import { syntaxVisitors } from "./rules/syntax.mjs";
import { builtinVisitors } from "./rules/builtins.mjs";
import { regexVisitors } from "./rules/regex.mjs";
import { checkSemantics } from "./rules/semantics.mjs";

export { RULES };

/**
 * @typedef {{ rule: string, message: string, line: number, column: number, snippet: string }} Violation
 *   `line` and `column` are 1-based. `snippet` is the offending source line (a window of it when long).
 * @typedef {import("./rules/scope.mjs").AnyNode} AnyNode
 * @typedef {import("./rules/syntax.mjs").Visitor} Visitor
 */

/** All node-local visitors, merged per node type. @type {Map<string, Visitor[]>} */
const VISITORS = new Map();
for (const table of [syntaxVisitors, builtinVisitors, regexVisitors]) {
  for (const [type, fn] of Object.entries(table)) {
    const list = VISITORS.get(type) ?? [];
    list.push(fn);
    VISITORS.set(type, list);
  }
}

/** @param {string} source */
function parse(source) {
  /** @type {acorn.Options} */
  const options = { ecmaVersion: "latest", locations: true, allowHashBang: true, sourceType: "script" };
  try {
    return acorn.parse(source, options);
  } catch (scriptError) {
    // Module syntax is itself a violation; parse as a module to report it (and everything else).
    try {
      return acorn.parse(source, { ...options, sourceType: "module" });
    } catch {
      throw scriptError;
    }
  }
}

/**
 * @param {string} source
 * @param {number} line 1-based
 * @param {number} column 1-based
 */
function snippetAt(source, line, column) {
  let start = 0;
  for (let l = 1; l < line; l++) {
    const nl = source.indexOf("\n", start);
    if (nl < 0) break;
    start = nl + 1;
  }
  let end = source.indexOf("\n", start);
  if (end < 0) end = source.length;
  const text = source.slice(start, end).replace(/\r$/, "");
  if (text.length <= 100) return text.trim();
  const from = Math.max(0, column - 1 - 40);
  const to = Math.min(text.length, column - 1 + 60);
  return `${from > 0 ? "…" : ""}${text.slice(from, to)}${to < text.length ? "…" : ""}`;
}

/**
 * Check a script for constructs that break on Espruino.
 * @param {string} source JavaScript (the bundle, or any script)
 * @param {{ filename?: string }} [_options] `filename` names the script in assertEspruinoSafe's message;
 *   violations themselves carry only positions
 * @returns {Violation[]} sorted by position; empty when the script is safe
 */
export function checkEspruino(source, _options = {}) {
  /** @type {Violation[]} */
  const violations = [];
  /** @type {Set<string>} */
  const seen = new Set();

  /** @type {AnyNode} */
  let ast;
  try {
    ast = /** @type {AnyNode} */ (parse(source));
  } catch (e) {
    const err = /** @type {Error & { loc?: { line: number, column: number } }} */ (e);
    const line = err.loc ? err.loc.line : 1;
    const column = err.loc ? err.loc.column + 1 : 1;
    return [{
      rule: "syntax-error",
      message: `${err.message}. ${RULES["syntax-error"].problem} ${RULES["syntax-error"].fix}`,
      line, column, snippet: snippetAt(source, line, column),
    }];
  }

  /** @param {string} ruleId @param {AnyNode} node @param {string} detail @param {string} [fix] */
  function report(ruleId, node, detail, fix) {
    const rule = RULES[ruleId];
    if (!rule) throw new Error(`espruino-check: unknown rule id "${ruleId}"`);
    const line = node.loc ? node.loc.start.line : 1;
    const column = node.loc ? node.loc.start.column + 1 : node.start + 1;
    const key = `${ruleId}@${node.start}`;
    if (seen.has(key)) return;
    seen.add(key);
    violations.push({
      rule: ruleId,
      message: `${detail} ${rule.problem} ${fix ?? rule.fix}`,
      line, column, snippet: snippetAt(source, line, column),
    });
  }

  const analysis = analyzeScopes(ast);
  /** @param {AnyNode} node */
  const isGlobal = (node) => {
    const ref = analysis.refByNode.get(node);
    return !!ref && !ref.binding;
  };
  const ctx = { report, isGlobal, source };

  /** @type {Map<AnyNode, AnyNode>} */
  const parentOf = new Map();
  fullAncestor(ast, (node, _st, ancestors, type) => {
    const n = /** @type {AnyNode} */ (node);
    const anc = /** @type {AnyNode[]} */ (ancestors);
    if (anc.length > 1) parentOf.set(n, anc[anc.length - 2]);
    const byType = VISITORS.get(type);
    if (byType) for (const v of byType) v(n, anc, ctx);
    if (type !== n.type) {
      const byNodeType = VISITORS.get(n.type);
      if (byNodeType) for (const v of byNodeType) v(n, anc, ctx);
    }
  });

  checkSemantics(analysis, parentOf, source, report);

  violations.sort((a, b) => a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule));
  return violations;
}

/**
 * Human-readable list of violations, one block per violation. A violation that carries a `source`
 * (set by the build from the source map) names it too.
 * @param {(Violation & { source?: string, sourceName?: string })[]} violations
 * @param {string} [filename]
 */
export function formatViolations(violations, filename = "<script>") {
  const lines = violations.map((v, i) =>
    `  ${i + 1}. [${v.rule}] ${filename}:${v.line}:${v.column}` +
    `${v.source ? ` (from ${v.source}${v.sourceName ? `, \`${v.sourceName}\` there` : ""})` : ""}\n` +
    `     ${v.message}\n     > ${v.snippet}`);
  return lines.join("\n");
}

/**
 * Throw when the script uses anything that breaks on Espruino.
 * @param {string} source
 * @param {string} [filename]
 */
export function assertEspruinoSafe(source, filename = "<script>") {
  const violations = checkEspruino(source, { filename });
  if (violations.length === 0) return;
  const n = violations.length;
  const error = new Error(
    `${filename}: ${n} construct${n === 1 ? "" : "s"} that break${n === 1 ? "s" : ""} on the Espruino interpreter ` +
    `(see docs/ESPRUINO.md):\n${formatViolations(violations, filename)}`,
  );
  /** @type {any} */ (error).violations = violations;
  throw error;
}
