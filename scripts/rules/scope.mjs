// @ts-check
// Scope analysis over an acorn AST, walked with acorn-walk's `recursive`.
//
// Produces every binding (var/let/const/function/class/param/catch/import) with the scope that owns
// it, and every identifier reference with the scope it appears in and its "execution level": the
// function (or Program, or class-field initializer) whose run evaluates it. The hoisting and
// loop-closure rules need both: a reference runs "now" only when it is at the same execution level
// as the code around it; inside a nested function it runs whenever that function is called.

import { base, recursive } from "acorn-walk";

/**
 * @typedef {import("acorn").Node & Record<string, any>} AnyNode
 * @typedef {"var"|"let"|"const"|"function"|"class"|"param"|"catch"|"import"|"fname"} BindingKind
 * @typedef {{
 *   name: string, kind: BindingKind, scope: Scope, id: AnyNode, node: AnyNode,
 *   fnNode: AnyNode | null, loop: AnyNode | null,
 * }} Binding
 *   `node`: the declaring node (FunctionDeclaration, VariableDeclaration, ...).
 *   `fnNode`: the function this binding names, when it is one (declaration or `const f = () => ...`).
 *   `loop`: the for-statement whose head declares it with let/const.
 * @typedef {{
 *   node: AnyNode, name: string, scope: Scope, level: AnyNode, levels: AnyNode[],
 *   write: boolean, binding: Binding | null,
 * }} Reference
 *   `level`: innermost execution level; `levels`: all of them, outermost (Program) first.
 */

export class Scope {
  /**
   * @param {AnyNode} node
   * @param {Scope | null} parent
   * @param {boolean} isFunction true for Program and functions (where `var` lands)
   * @param {AnyNode} level the execution level this scope's code runs at
   */
  constructor(node, parent, isFunction, level) {
    this.node = node;
    this.parent = parent;
    this.isFunction = isFunction;
    this.level = level;
    /** @type {Map<string, Binding>} */
    this.bindings = new Map();
  }

  /** @returns {Scope} */
  functionScope() {
    /** @type {Scope} */
    let s = this;
    while (!s.isFunction && s.parent) s = s.parent;
    return s;
  }

  /** @param {string} name @returns {Binding | null} */
  resolve(name) {
    for (let s = /** @type {Scope | null} */ (this); s; s = s.parent) {
      const b = s.bindings.get(name);
      if (b) return b;
    }
    return null;
  }
}

/** acorn-walk's default walkers, indexed by node type. */
const walkBase = /** @type {Record<string, (node: any, st: any, c: any) => void>} */ (base);

const FUNCTION_TYPES = new Set(["FunctionDeclaration", "FunctionExpression", "ArrowFunctionExpression"]);

/** @param {AnyNode | null | undefined} n */
export function isFunctionNode(n) {
  return !!n && FUNCTION_TYPES.has(n.type);
}

/**
 * @typedef {{
 *   scope: Scope, level: AnyNode, levels: AnyNode[],
 *   declaring: null | { kind: BindingKind, scope: Scope, node: AnyNode, fnNode: AnyNode | null, loop: AnyNode | null },
 *   loop: AnyNode | null,
 * }} State
 */

/**
 * @param {AnyNode} ast Program
 * @returns {{
 *   root: Scope, references: Reference[], refByNode: Map<AnyNode, Reference>, bindings: Binding[],
 *   functions: { node: AnyNode, level: AnyNode }[],
 * }}
 */
export function analyzeScopes(ast) {
  const root = new Scope(ast, null, true, ast);
  /** @type {Reference[]} */
  const references = [];
  /** @type {Binding[]} */
  const bindings = [];
  /** Every function with the execution level that creates it. @type {{ node: AnyNode, level: AnyNode }[]} */
  const functions = [];

  /**
   * @param {Scope} scope @param {AnyNode} id @param {BindingKind} kind @param {AnyNode} node
   * @param {AnyNode | null} [fnNode] @param {AnyNode | null} [loop]
   */
  function declare(scope, id, kind, node, fnNode = null, loop = null) {
    if (scope.bindings.has(id.name)) return; // redeclaration: keep the first
    /** @type {Binding} */
    const b = { name: id.name, kind, scope, id, node, fnNode, loop };
    scope.bindings.set(id.name, b);
    bindings.push(b);
  }

  /** @param {AnyNode} node @param {State} st @param {boolean} write */
  function reference(node, st, write) {
    references.push({
      node, name: node.name, scope: st.scope, level: st.level, levels: st.levels, write, binding: null,
    });
  }

  /** @param {State} st @param {Partial<State>} patch @returns {State} */
  const withState = (st, patch) => ({ ...st, ...patch });

  /** @type {Record<string, (node: any, st: State, c: (n: any, st: State, type?: string) => void) => void>} */
  const visitors = {
    Program(node, st, c) {
      for (const stmt of node.body) c(stmt, st, "Statement");
    },

    Function(node, st, c) {
      functions.push({ node, level: st.level });
      if (node.type === "FunctionDeclaration" && node.id) declare(st.scope, node.id, "function", node, node);
      const scope = new Scope(node, st.scope, true, node);
      if (node.type === "FunctionExpression" && node.id) declare(scope, node.id, "fname", node, node);
      const inner = withState(st, { scope, level: node, levels: [...st.levels, node], declaring: null, loop: null });
      for (const p of node.params) {
        c(p, withState(inner, { declaring: { kind: "param", scope, node, fnNode: null, loop: null } }), "Pattern");
      }
      if (node.expression) c(node.body, inner, "Expression");
      else for (const stmt of node.body.body) c(stmt, inner, "Statement");
    },

    Class(node, st, c) {
      let outer = st;
      if (node.id) {
        if (node.type === "ClassDeclaration") declare(st.scope, node.id, "class", node);
        else {
          const scope = new Scope(node, st.scope, false, st.level);
          declare(scope, node.id, "class", node);
          outer = withState(st, { scope });
        }
      }
      if (node.superClass) c(node.superClass, outer, "Expression");
      c(node.body, outer);
    },

    PropertyDefinition(node, st, c) {
      if (node.computed) c(node.key, st, "Expression");
      if (!node.value) return;
      if (node.static) c(node.value, st, "Expression");
      // An instance field initializer runs at construction time: its own execution level.
      else c(node.value, withState(st, { level: node, levels: [...st.levels, node] }), "Expression");
    },

    StaticBlock(node, st, c) {
      const scope = new Scope(node, st.scope, true, node);
      const inner = withState(st, { scope, level: node, levels: [...st.levels, node], loop: null });
      for (const stmt of node.body) c(stmt, inner, "Statement");
    },

    BlockStatement(node, st, c) {
      const inner = withState(st, { scope: new Scope(node, st.scope, false, st.level) });
      for (const stmt of node.body) c(stmt, inner, "Statement");
    },

    ForStatement(node, st, c) {
      walkBase.ForStatement(node, withState(st, { scope: new Scope(node, st.scope, false, st.level), loop: node }), c);
    },
    ForInStatement(node, st, c) {
      walkBase.ForInStatement(node, withState(st, { scope: new Scope(node, st.scope, false, st.level), loop: node }), c);
    },
    ForOfStatement(node, st, c) {
      walkBase.ForOfStatement(node, withState(st, { scope: new Scope(node, st.scope, false, st.level), loop: node }), c);
    },

    SwitchStatement(node, st, c) {
      c(node.discriminant, st, "Expression");
      const inner = withState(st, { scope: new Scope(node, st.scope, false, st.level) });
      for (const cs of node.cases) c(cs, inner);
    },

    CatchClause(node, st, c) {
      const scope = new Scope(node, st.scope, false, st.level);
      const inner = withState(st, { scope });
      if (node.param) {
        c(node.param, withState(inner, { declaring: { kind: "catch", scope, node, fnNode: null, loop: null } }), "Pattern");
      }
      c(node.body, inner, "Statement");
    },

    VariableDeclaration(node, st, c) {
      const kind = /** @type {BindingKind} */ (node.kind);
      const scope = kind === "var" ? st.scope.functionScope() : st.scope;
      const loop = kind !== "var" && st.loop && (st.loop.init === node || st.loop.left === node) ? st.loop : null;
      for (const decl of node.declarations) {
        const fnNode = isFunctionNode(decl.init) ? decl.init : null;
        c(decl.id, withState(st, { declaring: { kind, scope, node, fnNode, loop } }), "Pattern");
        if (decl.init) c(decl.init, withState(st, { declaring: null }), "Expression");
      }
    },

    AssignmentExpression(node, st, c) {
      const plain = withState(st, { declaring: null });
      c(node.left, plain, "Pattern");
      c(node.right, plain, "Expression");
    },

    ImportDeclaration(node, st, c) {
      for (const spec of node.specifiers) declare(root, spec.local, "import", node);
      c(node.source, st, "Expression");
    },

    VariablePattern(node, st) {
      const d = st.declaring;
      if (d) declare(d.scope, node, d.kind, d.node, d.fnNode, d.loop);
      else reference(node, st, true);
    },

    Identifier(node, st) {
      reference(node, st, false);
    },
  };

  /** @type {State} */
  const initial = { scope: root, level: ast, levels: [ast], declaring: null, loop: null };
  recursive(ast, initial, /** @type {any} */ (visitors), base);

  /** @type {Map<AnyNode, Reference>} */
  const refByNode = new Map();
  for (const ref of references) {
    ref.binding = ref.scope.resolve(ref.name);
    refByNode.set(ref.node, ref);
  }
  return { root, references, refByNode, bindings, functions };
}
