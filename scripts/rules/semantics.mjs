// @ts-check
// Rules that need scopes and execution order: function hoisting and per-iteration loop bindings.

/**
 * @typedef {import("./scope.mjs").AnyNode} AnyNode
 * @typedef {import("./scope.mjs").Binding} Binding
 * @typedef {import("./scope.mjs").Reference} Reference
 * @typedef {ReturnType<typeof import("./scope.mjs").analyzeScopes>} Analysis
 * @typedef {(rule: string, node: AnyNode, detail: string, fix?: string) => void} Report
 */

/** Array methods that call their callback before returning, so a closure passed to them runs "now". */
const SYNC_CALLBACK_METHODS = new Set([
  "forEach", "map", "filter", "some", "every", "find", "findIndex", "reduce", "sort",
]);

/** @param {AnyNode} node @param {string} source */
function lineOf(node, source) {
  if (node.loc) return node.loc.start.line;
  let line = 1;
  for (let i = 0; i < node.start; i++) if (source.charCodeAt(i) === 10) line++;
  return line;
}

/** @param {AnyNode} n @param {AnyNode} outer */
const within = (n, outer) => n.start >= outer.start && n.end <= outer.end;

/**
 * @param {Analysis} analysis
 * @param {Map<AnyNode, AnyNode>} parentOf
 * @param {string} source
 * @param {Report} report
 */
export function checkSemantics(analysis, parentOf, source, report) {
  checkHoisting(analysis, parentOf, source, report);
  checkLoopClosures(analysis, parentOf, report);
}

/** @param {AnyNode} node @param {Map<AnyNode, AnyNode>} parentOf */
function isCallee(node, parentOf) {
  const p = parentOf.get(node);
  return !!p && (p.type === "CallExpression" || p.type === "NewExpression") && p.callee === node;
}

/** @param {AnyNode} d @param {string} source */
const declaredAt = (d, source) => (d.loc ? `${d.loc.start.line}:${d.loc.start.column + 1}` : `line ${lineOf(d, source)}`);

/**
 * A reference to a function declaration counts when it runs at the same execution level as the
 * declaration and sits before it. Calls also count for what they run: calling `g()` (or an IIFE)
 * before `function f` is declared fails when `g`'s own top-level code uses `f`.
 * @param {Analysis} analysis @param {Map<AnyNode, AnyNode>} parentOf @param {string} source @param {Report} report
 */
function checkHoisting(analysis, parentOf, source, report) {
  /** References grouped by the execution level that evaluates them. @type {Map<AnyNode, Reference[]>} */
  const byLevel = new Map();
  for (const ref of analysis.references) {
    if (!ref.binding) continue;
    let list = byLevel.get(ref.level);
    if (!list) byLevel.set(ref.level, (list = []));
    list.push(ref);
  }
  /** Immediately invoked functions, grouped by the level that invokes them. @type {Map<AnyNode, AnyNode[]>} */
  const iifesByLevel = new Map();
  for (const { node, level } of analysis.functions) {
    if (!isCallee(node, parentOf)) continue;
    let list = iifesByLevel.get(level);
    if (!list) iifesByLevel.set(level, (list = []));
    list.push(node);
  }

  // 1. Direct uses before the declaration.
  for (const ref of analysis.references) {
    const b = ref.binding;
    if (!b || b.kind !== "function") continue;
    if (ref.level === b.scope.level && ref.node.start < b.node.start) {
      report("no-hoisting", ref.node, `\`${b.name}\` is used before \`function ${b.name}\` is declared (at ${declaredAt(b.node, source)}).`);
    }
  }

  // 2. Calls that run a function declaration before it is declared.
  /** Function declarations a function uses while it runs (transitively through calls). @type {Map<AnyNode, Set<Binding>>} */
  const memo = new Map();
  /** @param {AnyNode} fn @returns {Set<Binding>} */
  function touched(fn) {
    const known = memo.get(fn);
    if (known) return known;
    /** @type {Set<Binding>} */
    const out = new Set();
    memo.set(fn, out); // cycles: a function in progress contributes what is known so far
    for (const ref of byLevel.get(fn) ?? []) {
      const b = /** @type {Binding} */ (ref.binding);
      if (b.kind === "function") out.add(b);
      if (b.fnNode && b.fnNode !== fn && isCallee(ref.node, parentOf)) for (const d of touched(b.fnNode)) out.add(d);
    }
    for (const iife of iifesByLevel.get(fn) ?? []) for (const d of touched(iife)) out.add(d);
    return out;
  }

  /** @type {Set<string>} */
  const seen = new Set();
  /** @param {AnyNode} site @param {AnyNode} level @param {AnyNode} fn @param {string} what */
  function checkCall(site, level, fn, what) {
    for (const d of touched(fn)) {
      if (d.scope.level !== level || d.node.start <= site.start || d.node === fn) continue;
      const key = `${site.start}:${d.node.start}`;
      if (seen.has(key)) continue;
      seen.add(key);
      report("no-hoisting", site,
        `${what} runs code that uses \`${d.name}\` before \`function ${d.name}\` is declared (at ${declaredAt(d.node, source)}).`);
    }
  }
  for (const ref of analysis.references) {
    const b = ref.binding;
    if (!b || !b.fnNode || !isCallee(ref.node, parentOf)) continue;
    checkCall(ref.node, ref.level, b.fnNode, `Calling \`${b.name}\` here`);
  }
  for (const [level, iifes] of iifesByLevel) {
    for (const fn of iifes) checkCall(/** @type {AnyNode} */ (parentOf.get(fn)), level, fn, "This immediately invoked function");
  }
}

/**
 * A closure created inside `for (let/const ...)` that captures the loop variable, unless it runs
 * during the iteration (an IIFE, or a callback of forEach/map/filter/...).
 * @param {Analysis} analysis @param {Map<AnyNode, AnyNode>} parentOf @param {Report} report
 */
function checkLoopClosures(analysis, parentOf, report) {
  /** @param {AnyNode} fn */
  function runsImmediately(fn) {
    const p = parentOf.get(fn);
    if (!p) return false;
    if ((p.type === "CallExpression" || p.type === "NewExpression") && p.callee === fn) return true;
    if (p.type === "CallExpression" && p.arguments[0] === fn && p.callee.type === "MemberExpression" &&
        !p.callee.computed && SYNC_CALLBACK_METHODS.has(p.callee.property.name)) return true;
    return false;
  }
  /** @type {Set<string>} */
  const seen = new Set();
  for (const ref of analysis.references) {
    const b = ref.binding;
    if (!b || !b.loop) continue;
    const loop = b.loop;
    for (const level of ref.levels) {
      if (level.type === "Program" || !within(level, loop) || runsImmediately(level)) continue;
      const key = `${level.start}:${b.name}`;
      if (!seen.has(key)) {
        seen.add(key);
        const what = level.type === "PropertyDefinition" ? "A class field initializer" :
          level.type === "ArrowFunctionExpression" ? "An arrow function" : "A function";
        const head = loop.type === "ForStatement" ? `${b.kind} ${b.name} = ...; ...` :
          `${b.kind} ${b.name} ${loop.type === "ForOfStatement" ? "of" : "in"} ...`;
        report("loop-closure", level, `${what} created inside \`for (${head})\` captures the loop variable \`${b.name}\`.`);
      }
      break;
    }
  }
}
