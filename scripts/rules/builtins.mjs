// @ts-check
// Rules about Espruino's built-in library: what is missing, what is empty, what cannot be subclassed,
// and what is silently ignored. A name only counts as the built-in when nothing local shadows it.

import { BUILTIN_FIXES } from "./catalog.mjs";

/**
 * @typedef {import("./scope.mjs").AnyNode} AnyNode
 * @typedef {import("./syntax.mjs").Visitor} Visitor
 */

/** Global names that do not exist on Espruino. */
const MISSING_GLOBALS = new Set([
  "Map", "Set", "WeakMap", "WeakSet", "WeakRef", "FinalizationRegistry", "Symbol", "Proxy", "Reflect",
  "TextEncoder", "TextDecoder", "RangeError", "AggregateError", "BigInt", "Intl", "queueMicrotask", "structuredClone",
]);

const TYPED_ARRAYS = new Set([
  "Uint8Array", "Uint8ClampedArray", "Int8Array", "Uint16Array", "Int16Array", "Uint32Array", "Int32Array",
  "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array",
]);

/** Static members that do not exist (`Object.member`). */
const MISSING_MEMBERS = new Set([
  "Array.from", "Array.of", "Number.isInteger", "Number.isNaN", "Number.EPSILON", "Math.imul", "Math.clz32",
  "Math.trunc", "Math.sign", "Math.log2", "Object.freeze", "Object.is", "Promise.race", "Promise.allSettled",
  "Date.UTC", "ArrayBuffer.isView",
]);

/** Instance methods that do not exist, caught at call sites `x.name(`. */
const MISSING_METHODS = new Set([
  "finally", "trimStart", "trimEnd", "localeCompare", "at", "flat", "flatMap", "findLast", "findLastIndex",
  "copyWithin", "lastIndexOf", "reduceRight",
]);

/** Constructors whose `.prototype` looks empty on Espruino. */
const PROTOTYPE_OWNERS = new Set([
  "Object", "Function", "Array", "String", "Number", "Boolean", "Date", "RegExp", "Error", "TypeError",
  "SyntaxError", "ReferenceError", "Promise", "ArrayBuffer", "DataView", "Map", "Set", "Symbol", ...TYPED_ARRAYS,
]);

/**
 * `Object.prototype` is itself an object, so Object's own instance methods resolve on it
 * (Espruino looks built-in methods up by the receiver's type; Object.prototype.toString resolves too
 * but prints the value instead of "[object Type]", so only hasOwnProperty is let through).
 * esbuild's object-spread helper reads
 * `Object.prototype.hasOwnProperty` (works) and aliases `Object.prototype.propertyIsEnumerable`
 * (undefined on Espruino, but only called after an `Object.getOwnPropertySymbols` guard that is false
 * there), so the alias is allowed as a plain `var` initializer.
 */
const ALLOWED_PROTOTYPE_READS = new Set(["Object.prototype.hasOwnProperty"]);
const ALIAS_ONLY_PROTOTYPE_READS = new Set(["Object.prototype.propertyIsEnumerable"]);

/** Built-ins that break when subclassed. */
const UNSUBCLASSABLE = new Set([
  "Error", "TypeError", "SyntaxError", "ReferenceError", "RangeError", "EvalError", "URIError", "InternalError",
  "AggregateError", "Array", "Map", "Set", "WeakMap", "WeakSet", "Promise", "ArrayBuffer", "DataView", "Date",
  "RegExp", "String", "Number", "Boolean", "Function", ...TYPED_ARRAYS,
]);

/** @param {AnyNode} member */
function propertyName(member) {
  if (!member.computed && member.property.type === "Identifier") return member.property.name;
  if (member.computed && member.property.type === "Literal" && typeof member.property.value === "string") {
    return member.property.value;
  }
  return null;
}

/** @param {AnyNode | undefined} parent @param {AnyNode} node */
const isTypeofOperand = (parent, node) =>
  !!parent && parent.type === "UnaryExpression" && parent.operator === "typeof" && parent.argument === node;

/** @param {AnyNode | undefined} arg */
function isNullish(arg) {
  if (!arg) return true;
  if (arg.type === "Literal" && arg.value === null) return true;
  if (arg.type === "Identifier" && arg.name === "undefined") return true;
  return arg.type === "UnaryExpression" && arg.operator === "void";
}

/** @type {Record<string, Visitor>} */
export const builtinVisitors = {
  Identifier(node, ancestors, ctx) {
    if (!MISSING_GLOBALS.has(node.name) || !ctx.isGlobal(node)) return;
    if (isTypeofOperand(ancestors[ancestors.length - 2], node)) return; // feature test
    ctx.report("missing-builtin", node, `\`${node.name}\` is used.`, BUILTIN_FIXES[/** @type {keyof typeof BUILTIN_FIXES} */ (node.name)]);
  },

  MemberExpression(node, ancestors, ctx) {
    const parent = ancestors[ancestors.length - 2];
    const prop = propertyName(node);
    const obj = node.object;

    // Static members of built-ins: Array.from, Number.isInteger, Uint8Array.from, ...
    if (prop && obj.type === "Identifier" && ctx.isGlobal(obj) && !isTypeofOperand(parent, node)) {
      const full = `${obj.name}.${prop}`;
      if (MISSING_MEMBERS.has(full)) {
        ctx.report("missing-builtin", node, `\`${full}\` is used.`, BUILTIN_FIXES[/** @type {keyof typeof BUILTIN_FIXES} */ (full)]);
      } else if (TYPED_ARRAYS.has(obj.name) && (prop === "from" || prop === "of")) {
        ctx.report("missing-builtin", node, `\`${full}\` is used.`, BUILTIN_FIXES[prop === "from" ? "TypedArray.from" : "TypedArray.of"]);
      }
    }

    if (prop === "BYTES_PER_ELEMENT") {
      ctx.report("missing-builtin", node, "`.BYTES_PER_ELEMENT` is used.", BUILTIN_FIXES.BYTES_PER_ELEMENT);
    }

    // Method calls that do not exist: x.finally(...), x.at(...), x.buffer.slice(...)
    if (prop && parent && parent.type === "CallExpression" && parent.callee === node) {
      if (MISSING_METHODS.has(prop)) {
        ctx.report("missing-builtin", node,
          `\`.${prop}()\` is called (if this is a method of your own, rename it: the check cannot see types).`,
          BUILTIN_FIXES[/** @type {keyof typeof BUILTIN_FIXES} */ (prop)]);
      } else if (prop === "slice" && obj.type === "MemberExpression" && propertyName(obj) === "buffer") {
        ctx.report("missing-builtin", node, "`.buffer.slice()` is called (ArrayBuffer.prototype.slice).", BUILTIN_FIXES["buffer.slice"]);
      }
    }

    // Built-in prototype reads: Array.prototype.slice, ...
    if (obj.type === "MemberExpression" && !obj.computed && obj.property.type === "Identifier" &&
        obj.property.name === "prototype" && obj.object.type === "Identifier" &&
        PROTOTYPE_OWNERS.has(obj.object.name) && ctx.isGlobal(obj.object)) {
      const isWrite = parent && ((parent.type === "AssignmentExpression" && parent.left === node) ||
        (parent.type === "UpdateExpression" && parent.argument === node));
      if (isWrite) return; // installing a method on a prototype works
      const full = `${obj.object.name}.prototype.${prop ?? "[...]"}`;
      if (ALLOWED_PROTOTYPE_READS.has(full)) return;
      if (ALIAS_ONLY_PROTOTYPE_READS.has(full) && parent && parent.type === "VariableDeclarator" && parent.init === node) return;
      ctx.report("builtin-prototype", node, `\`${full}\` is read.`);
    }
  },

  Class(node, _a, ctx) {
    const sup = node.superClass;
    if (sup && sup.type === "Identifier" && UNSUBCLASSABLE.has(sup.name) && ctx.isGlobal(sup)) {
      const name = node.id ? ` \`${node.id.name}\`` : "";
      ctx.report("builtin-subclass", node, `Class${name} extends the built-in \`${sup.name}\`.`);
    }
  },

  CallExpression(node, _a, ctx) {
    const callee = node.callee;
    if (callee.type !== "MemberExpression" || callee.object.type !== "Identifier" || callee.object.name !== "JSON") return;
    if (!ctx.isGlobal(callee.object)) return;
    const method = propertyName(callee);
    if ((method === "stringify" || method === "parse") && !isNullish(node.arguments[1])) {
      ctx.report("json-replacer", node, method === "stringify"
        ? "`JSON.stringify` is given a replacer (second argument)."
        : "`JSON.parse` is given a reviver (second argument).");
    }
  },
};
