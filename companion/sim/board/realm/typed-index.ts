/**
 * Typed-array indices as Espruino 2v29 treats them: an index that is not a whole number ≥ 0
 * (-1, 1.5, NaN, "-1") throws `Field or method "-1" does not already exist, and can't create it on
 * Int16Array`, on read and on write; Node returns undefined (or ignores the write). A whole index
 * past the end is undefined on both. So every computed member access in code the firmware's realm
 * runs, `o[k]`, is rewritten to `__sim$tp(o)[__sim$tk(k)]`: the first remembers the object, the
 * second checks the key against it and returns the key unchanged, so evaluation order, `this` in
 * `o[k](…)` and assignment all stay as written. When `o` is a plain name (or `this`), reading it
 * twice changes nothing and costs less: `o[__sim$ti(o, k)]`. Literal keys (`p[0]`, `o["x"]`) are
 * left alone.
 */
import vm from "node:vm";
import * as acorn from "acorn";
import { fullAncestor } from "acorn-walk";

const TP = "__sim$tp";
const TK = "__sim$tk";
const TI = "__sim$ti";

/** The two helpers, made in the context's realm (its Error, its typed arrays). */
const HELPERS = String.raw`(function (g) {
  var stack = [], isView = ArrayBuffer.isView, DV = DataView, str = Object.prototype.toString, Err = Error;
  function bad(k) {
    if (typeof k === "number") return !(k >= 0 && k % 1 === 0);
    if (typeof k !== "string") return false;
    var n = +k;
    return String(n) === k && !(n >= 0 && n % 1 === 0);
  }
  Object.defineProperty(g, "${TP}", { value: function (o) { if (stack.length > 1000) stack.length = 0; stack.push(o); return o; } });
  function check(o, k) {
    if (isView(o) && !(o instanceof DV) && bad(k))
      throw new Err('Field or method "' + String(k) + '" does not already exist, and can\'t create it on ' + str.call(o).slice(8, -1));
    return k;
  }
  Object.defineProperty(g, "${TK}", { value: function (k) { return check(stack.pop(), k); } });
  Object.defineProperty(g, "${TI}", { value: check });
})`;

/** Defines the helpers on the context's global object (before the firmware runs). */
export function installTypedIndexGuard(context: vm.Context, global: object): void {
  (vm.runInContext(HELPERS, context) as (g: object) => void)(global);
}

const cache = new Map<string, string>();

/** `source` with every computed member access guarded (unchanged if it does not parse: V8 then says why). */
export function guardTypedIndex(source: string): string {
  const hit = cache.get(source);
  if (hit !== undefined) return hit;
  let ast: acorn.Node;
  try {
    ast = acorn.parse(source, { ecmaVersion: "latest", sourceType: "script", allowReturnOutsideFunction: true });
  } catch {
    return source;
  }
  const edits: Array<{ at: number; text: string; depth: number; open: boolean }> = [];
  const wrap = (n: acorn.Node, fn: string, depth: number) => {
    const seq = n.type === "SequenceExpression";
    edits.push({ at: n.start, text: seq ? `${fn}((` : `${fn}(`, depth, open: true });
    edits.push({ at: n.end, text: seq ? "))" : ")", depth, open: false });
  };
  fullAncestor(ast, (node, _state, ancestors) => {
    if (node.type !== "MemberExpression") return;
    const m = node as acorn.MemberExpression;
    if (!m.computed || m.optional || m.object.type === "Super") return;
    const k = m.property;
    if (k.type === "Literal" && (typeof k.value === "string" || (typeof k.value === "number" && k.value >= 0 && k.value % 1 === 0))) return;
    const o = m.object;
    if (o.type === "Identifier" || o.type === "ThisExpression") {
      const seq = k.type === "SequenceExpression";
      edits.push({ at: k.start, text: `${TI}(${source.slice(o.start, o.end)}, ${seq ? "(" : ""}`, depth: ancestors.length, open: true });
      edits.push({ at: k.end, text: seq ? "))" : ")", depth: ancestors.length, open: false });
      return;
    }
    wrap(o, TP, ancestors.length);
    wrap(k, TK, ancestors.length);
  });
  // at one position: closings first (innermost first), then openings (outermost first)
  edits.sort((a, b) => a.at - b.at || (a.open === b.open ? (a.open ? a.depth - b.depth : b.depth - a.depth) : a.open ? 1 : -1));
  let out = "";
  let last = 0;
  for (const e of edits) {
    out += source.slice(last, e.at) + e.text;
    last = e.at;
  }
  out += source.slice(last);
  if (cache.size > 500) cache.clear();
  cache.set(source, out);
  return out;
}
