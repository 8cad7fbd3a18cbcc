// @ts-check
// Node-local rules: syntax the Espruino parser rejects, and constructs whose meaning differs there.
// Each visitor gets (node, ancestors, ctx); ancestors end with node itself.

import { isFunctionNode } from "./scope.mjs";

/**
 * @typedef {import("./scope.mjs").AnyNode} AnyNode
 * @typedef {{
 *   report: (rule: string, node: AnyNode, detail: string, fix?: string) => void,
 *   isGlobal: (node: AnyNode) => boolean,
 *   source: string,
 * }} RuleContext
 * @typedef {(node: AnyNode, ancestors: AnyNode[], ctx: RuleContext) => void} Visitor
 */

/** @param {AnyNode} n */
const nameOf = (n) => (n && n.type === "Identifier" ? n.name : null);

/** @param {AnyNode} key @param {boolean} computed */
function keyName(key, computed) {
  if (!computed && key.type === "Identifier") return key.name;
  if (key.type === "Literal" && typeof key.value === "string") return key.value;
  return null;
}

const PATTERN_TYPES = new Set(["ObjectPattern", "ArrayPattern"]);
const PATTERN_GLUE = new Set(["ObjectPattern", "ArrayPattern", "AssignmentPattern", "RestElement", "Property"]);

/** True when `raw` (source text of a literal) contains a `\u{` escape. @param {string} raw */
function hasCodePointEscape(raw) {
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] !== "\\") continue;
    if (raw[i + 1] === "u" && raw[i + 2] === "{") return true;
    i++; // skip the escaped character (handles `\\u{` as an escaped backslash)
  }
  return false;
}

/** @param {AnyNode} fn */
function describeFunction(fn) {
  if (fn.id && fn.id.name) return `function \`${fn.id.name}\``;
  return fn.type === "ArrowFunctionExpression" ? "an arrow function" : "a function";
}

/** @type {Record<string, Visitor>} */
export const syntaxVisitors = {
  Function(node, _a, ctx) {
    for (const p of node.params) {
      if (p.type === "AssignmentPattern") {
        const name = nameOf(p.left);
        ctx.report("default-param", p, `Default value for parameter${name ? ` \`${name}\`` : ""} of ${describeFunction(node)}.`);
      } else if (p.type === "RestElement") {
        const name = nameOf(p.argument);
        ctx.report("rest-param", p, `Rest parameter${name ? ` \`...${name}\`` : ""} in ${describeFunction(node)}.`);
      }
    }
    if (node.async) ctx.report("async", node, `${describeFunction(node)} is declared \`async\`.`.replace(/^./, (s) => s.toUpperCase()));
    if (node.generator) ctx.report("generator", node, `${describeFunction(node)} is a generator (\`function*\`).`.replace(/^./, (s) => s.toUpperCase()));
  },

  SpreadElement(node, ancestors, ctx) {
    const parent = ancestors[ancestors.length - 2];
    const where = {
      CallExpression: "a call", NewExpression: "a `new` expression", ArrayExpression: "an array literal", ObjectExpression: "an object literal",
    }[/** @type {string} */ (parent && parent.type)] || "an expression";
    ctx.report("spread", node, `Spread \`...\` in ${where}.`);
  },

  ObjectPattern(node, ancestors, ctx) { reportPattern(node, ancestors, ctx); },
  ArrayPattern(node, ancestors, ctx) { reportPattern(node, ancestors, ctx); },

  ChainExpression(node, _a, ctx) {
    ctx.report("optional-chain", node, "Optional chaining `?.`.");
  },

  BinaryExpression(node, _a, ctx) {
    if (node.operator === "**") ctx.report("exponent", node, "Exponent operator `**`.", "Use `Math.pow(a, b)`.");
    if (node.left.type === "PrivateIdentifier") ctx.report("private-field", node, `Private brand check \`#${node.left.name} in ...\`.`);
  },

  AssignmentExpression(node, _a, ctx) {
    if (node.operator === "**=") ctx.report("exponent", node, "Exponent assignment `**=`.", "Write `a = Math.pow(a, b);`.");
    if (node.operator === "??=" || node.operator === "||=" || node.operator === "&&=") {
      ctx.report("logical-assignment", node, `Logical assignment \`${node.operator}\`.`);
    }
    if (isLengthTarget(node.left)) ctx.report("length-assign", node, `Assignment \`${node.operator}\` to \`.length\`.`);
  },

  UpdateExpression(node, _a, ctx) {
    if (isLengthTarget(node.argument)) ctx.report("length-assign", node, `\`${node.operator}\` on \`.length\`.`);
  },

  Property(node, ancestors, ctx) {
    const parent = ancestors[ancestors.length - 2];
    if (node.computed && parent && parent.type === "ObjectExpression") {
      ctx.report("computed-key", node, "Computed key `[...]` in an object literal.");
    }
    if (!node.computed && node.key.type === "Literal" && typeof node.key.raw === "string" && hasCodePointEscape(node.key.raw)) {
      ctx.report("unicode-escape", node.key, "`\\u{...}` escape in a property name.");
    }
  },

  MethodDefinition(node, _a, ctx) {
    if (node.computed) ctx.report("computed-key", node, "Computed method name `[...]` in a class.");
    if (node.key.type === "PrivateIdentifier") ctx.report("private-field", node, `Private method \`#${node.key.name}\`.`);
  },

  PropertyDefinition(node, _a, ctx) {
    if (node.computed) ctx.report("computed-key", node, "Computed field name `[...]` in a class.");
    if (node.key.type === "PrivateIdentifier") ctx.report("private-field", node, `Private field \`#${node.key.name}\`.`);
    if (node.value && node.value.type === "ArrowFunctionExpression") {
      const name = keyName(node.key, node.computed);
      ctx.report("class-field-arrow", node, `Class field${name ? ` \`${name}\`` : ""} holds an arrow function.`);
    }
  },

  MemberExpression(node, _a, ctx) {
    if (node.property.type === "PrivateIdentifier") ctx.report("private-field", node, `Private member access \`.#${node.property.name}\`.`);
  },

  ForOfStatement(node, _a, ctx) {
    if (node.await) ctx.report("for-await", node, "`for await (...)` loop.");
  },

  AwaitExpression(node, ancestors, ctx) {
    // `await` inside an async function is reported with the function; a top-level one on its own.
    if (!ancestors.some((a) => isFunctionNode(a) && a.async)) ctx.report("async", node, "Top-level `await`.");
  },

  LabeledStatement(node, _a, ctx) {
    ctx.report("label", node, `Labelled statement \`${node.label.name}:\`.`);
  },

  TaggedTemplateExpression(node, _a, ctx) {
    const tag = node.tag;
    const isRaw = tag.type === "MemberExpression" && !tag.computed && nameOf(tag.object) === "String" && tag.property.name === "raw";
    ctx.report("tagged-template", node, isRaw ? "`String.raw` template." : "Tagged template literal.");
  },

  MetaProperty(node, _a, ctx) {
    if (node.meta.name === "new") ctx.report("new-target", node, "`new.target`.");
    else ctx.report("module-syntax", node, "`import.meta`.");
  },

  Literal(node, ancestors, ctx) {
    if (node.bigint !== undefined) ctx.report("bigint", node, `BigInt literal \`${node.raw}\`.`);
    else if (typeof node.value === "string" && node.raw && hasCodePointEscape(node.raw)) {
      const parent = ancestors[ancestors.length - 2];
      if (!(parent && (parent.type === "ImportDeclaration" || parent.type === "ExportAllDeclaration"))) {
        ctx.report("unicode-escape", node, "`\\u{...}` escape in a string literal.");
      }
    }
  },

  TemplateElement(node, _a, ctx) {
    if (hasCodePointEscape(node.value.raw)) ctx.report("unicode-escape", node, "`\\u{...}` escape in a template literal.");
  },

  ImportDeclaration(node, _a, ctx) { ctx.report("module-syntax", node, "`import` declaration."); },
  ImportExpression(node, _a, ctx) { ctx.report("module-syntax", node, "Dynamic `import()`."); },
  ExportNamedDeclaration(node, _a, ctx) { ctx.report("module-syntax", node, "`export` declaration."); },
  ExportDefaultDeclaration(node, _a, ctx) { ctx.report("module-syntax", node, "`export default`."); },
  ExportAllDeclaration(node, _a, ctx) { ctx.report("module-syntax", node, "`export * from`."); },
};

/** @param {AnyNode} target */
function isLengthTarget(target) {
  return target.type === "MemberExpression" && keyName(target.property, target.computed) === "length";
}

/** Report a destructuring pattern once, at its outermost pattern. @type {Visitor} */
function reportPattern(node, ancestors, ctx) {
  for (let i = ancestors.length - 2; i >= 0; i--) {
    const a = ancestors[i];
    if (PATTERN_TYPES.has(a.type)) return; // nested inside a pattern already reported
    if (!PATTERN_GLUE.has(a.type)) break;
  }
  const parent = ancestors[ancestors.length - 2];
  let where = "";
  if (parent) {
    if (isFunctionNode(parent)) where = " in a parameter list";
    else if (parent.type === "VariableDeclarator") where = " in a declaration";
    else if (parent.type === "AssignmentExpression") where = " in an assignment";
    else if (parent.type === "CatchClause") where = " in a catch clause";
    else if (parent.type === "ForOfStatement" || parent.type === "ForInStatement") where = " in a loop head";
    else if (parent.type === "AssignmentPattern" && isFunctionNode(ancestors[ancestors.length - 3])) where = " in a parameter list";
  }
  const kind = node.type === "ObjectPattern" ? "Object" : "Array";
  ctx.report("destructuring", node, `${kind} destructuring${where}.`);
}
