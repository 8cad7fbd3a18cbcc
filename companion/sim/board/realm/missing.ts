/**
 * What Espruino 2v29 lacks, removed from the firmware's context (docs/ESPRUINO.md), so that a call to
 * a missing built-in fails in a test exactly as on the board. Only the context loses them: the
 * host keeps its own built-ins (every vm context has its own set).
 */
import vm from "node:vm";

/** Globals Espruino does not have (deleted from the context before the bundle runs). */
export const ESPRUINO_MISSING_GLOBALS = [
  "Map",
  "Set",
  "WeakMap",
  "WeakSet",
  "Symbol",
  "Proxy",
  "Reflect",
  "TextEncoder",
  "TextDecoder",
  "RangeError",
  "BigInt",
  // Not in docs/ESPRUINO.md's list but certainly absent on the board:
  "WeakRef",
  "FinalizationRegistry",
  "SharedArrayBuffer",
  "Atomics",
  "Intl",
  "WebAssembly",
  "AggregateError",
  "BigInt64Array",
  "BigUint64Array",
] as const;

/**
 * Static and prototype members Espruino does not have, as "Owner.member" paths
 * ("TypedArray" is the shared parent of Uint8Array & co).
 */
export const ESPRUINO_MISSING_MEMBERS = [
  "Array.from",
  "Array.of",
  "TypedArray.from",
  "TypedArray.of",
  "Number.isInteger",
  "Number.isNaN",
  "Number.EPSILON",
  "Math.imul",
  "Math.clz32",
  "Math.trunc",
  "Math.sign",
  "Math.log2",
  "Object.freeze",
  "Object.is",
  "Promise.race",
  "Promise.allSettled",
  "Promise.prototype.finally",
  "Date.UTC",
  "String.prototype.trimStart",
  "String.prototype.localeCompare",
  "Array.prototype.at",
  "Array.prototype.flat",
  "Array.prototype.flatMap",
  "Array.prototype.findLast",
  "Array.prototype.copyWithin",
  "Array.prototype.lastIndexOf",
  "Array.prototype.reduceRight",
  "ArrayBuffer.prototype.slice",
  "ArrayBuffer.isView",
  "TypedArray.BYTES_PER_ELEMENT",
] as const;

/**
 * Hides statics that V8 makes non-configurable (Number.EPSILON, X.BYTES_PER_ELEMENT): they
 * cannot be deleted, so the constructor is replaced by a proxy that does not show them.
 * Runs before STRIP, which removes Proxy and Reflect.
 */
const HIDE = String.raw`(function () {
  "use strict";
  var R = Reflect, ProxyCtor = Proxy;
  function hide(name, names) {
    var Real = globalThis[name];
    var target = (function () { "use strict"; return function () {}; })();
    var proxy = new ProxyCtor(target, {
      apply: function (t, self, args) { return R.apply(Real, self, args); },
      construct: function (t, args, nt) { return R.construct(Real, args, nt === proxy ? Real : nt); },
      get: function (t, k) { if (names.indexOf(k) >= 0) return undefined; return k === "prototype" ? Real.prototype : Real[k]; },
      has: function (t, k) { return names.indexOf(k) < 0 && (k in Real); }
    });
    globalThis[name] = proxy;
  }
  hide("Number", ["EPSILON", "isInteger", "isNaN"]);
  ["Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array",
   "Float32Array", "Float64Array"].forEach(function (n) { hide(n, ["BYTES_PER_ELEMENT", "from", "of"]); });
})`;

/** Deletes what Espruino lacks (runs last, after every prelude captured what it needs). */
const STRIP = String.raw`(function (globals, members) {
  var g = globalThis, TA = Object.getPrototypeOf(Int8Array.prototype).constructor;
  globals.forEach(function (n) { delete g[n]; });
  members.forEach(function (path) {
    var parts = path.split("."), owner = parts[0] === "TypedArray" ? TA : g[parts[0]];
    for (var i = 1; i < parts.length - 1 && owner; i++) owner = owner[parts[i]];
    if (owner) { try { delete owner[parts[parts.length - 1]]; } catch (e) {} }
  });
})`;

/** Hide, then delete, what Espruino lacks; `array` makes the name lists in the context's realm. */
export function removeWhatEspruinoLacks(context: vm.Context, array: (items: unknown[]) => unknown[]): void {
  vm.runInContext(HIDE, context)();
  vm.runInContext(STRIP, context)(array([...ESPRUINO_MISSING_GLOBALS]), array([...ESPRUINO_MISSING_MEMBERS]));
}
