// @ts-check
// Regular expressions: Espruino's engine handles literal characters, `.`, classes `[...]`, `*`, `+`,
// `^`, `$`, `|` and plain groups, with flags g and i. Everything else is reported, and so is one bug of
// 2v29's: in a pattern anchored with `^`, a group of alternatives after the first atom only ever
// tries its first alternative (`/^a(b|c)/` does not match "ac"; `/^(b|c)d/` and `/a(b|c)/` work).

/**
 * @typedef {import("./scope.mjs").AnyNode} AnyNode
 * @typedef {import("./syntax.mjs").Visitor} Visitor
 */

const COUNTED = /^\{\d+(,\d*)?\}/;

/**
 * The features of a regular expression that Espruino lacks, as short descriptions.
 * @param {string} pattern the source between the slashes
 * @param {string} flags
 * @returns {string[]}
 */
export function regexProblems(pattern, flags) {
  /** @type {Set<string>} */
  const problems = new Set();
  /** What precedes the current position: nothing quantifiable, an atom, a group, or a quantifier. */
  let prev = /** @type {"none"|"atom"|"group"|"quantifier"} */ ("none");
  let i = 0;
  /** Per open group: whether it opened after the first atom of a `^`-anchored pattern. */
  const groups = /** @type {boolean[]} */ ([]);
  const anchored = pattern[0] === "^";
  while (i < pattern.length) {
    const ch = pattern[i];
    if (ch === "\\") {
      const next = pattern[i + 1] ?? "";
      if (next === "b" || next === "B") problems.add(`word boundary \`\\${next}\``);
      else if (/[1-9]/.test(next)) problems.add(`backreference \`\\${next}\``);
      else if (next === "k" && pattern[i + 2] === "<") problems.add("named backreference `\\k<...>`");
      else if (next === "u" && pattern[i + 2] === "{") problems.add("code-point escape `\\u{...}`");
      else if ((next === "p" || next === "P") && pattern[i + 2] === "{") problems.add(`Unicode property escape \`\\${next}{...}\``);
      i += 2;
      prev = next === "b" || next === "B" ? "none" : "atom";
      continue;
    }
    if (ch === "[") {
      i++;
      if (pattern[i] === "^") i++;
      if (pattern[i] === "]") i++; // `[]]`-style leading bracket is taken literally by some engines
      while (i < pattern.length && pattern[i] !== "]") i += pattern[i] === "\\" ? 2 : 1;
      i++;
      prev = "atom";
      continue;
    }
    if (ch === "(") {
      let skip = 1;
      if (pattern[i + 1] === "?") {
        const kind = pattern[i + 2];
        skip = 3;
        if (kind === ":") problems.add("non-capturing group `(?:...)`");
        else if (kind === "=" || kind === "!") problems.add(`lookahead \`(?${kind}...)\``);
        else if (kind === "<" && (pattern[i + 3] === "=" || pattern[i + 3] === "!")) {
          problems.add(`lookbehind \`(?<${pattern[i + 3]}...)\``);
          skip = 4;
        } else if (kind === "<") {
          problems.add("named group `(?<name>...)`");
          const close = pattern.indexOf(">", i);
          skip = close < 0 ? 3 : close - i + 1;
        } else {
          problems.add("group modifier `(?...)`");
          skip = 2;
        }
      }
      groups.push(anchored && i > 1);
      i += skip;
      prev = "none";
      continue;
    }
    if (ch === ")") {
      groups.pop();
      i++;
      prev = "group";
      continue;
    }
    const counted = ch === "{" ? COUNTED.exec(pattern.slice(i)) : null;
    if (ch === "*" || ch === "+" || ch === "?" || counted) {
      if (prev === "quantifier" && ch === "?") {
        problems.add("lazy quantifier (`*?`, `+?`, `??`, `{n,m}?`)");
        i++;
        prev = "none";
        continue;
      }
      if (prev === "group") problems.add(`quantified group \`(...)${counted ? "{n,m}" : ch}\``);
      if (ch === "?") problems.add("optional quantifier `?`");
      if (counted) problems.add(`counted repetition \`${counted[0]}\``);
      i += counted ? counted[0].length : 1;
      prev = "quantifier";
      continue;
    }
    if (ch === "|" && groups.length && groups[groups.length - 1])
      problems.add("alternatives in a group after the start of a `^`-anchored pattern (only the first is ever tried)");
    prev = ch === "|" || ch === "^" || ch === "$" ? "none" : "atom";
    i++;
  }
  for (const f of flags) {
    if (f === "g" || f === "i") continue;
    problems.add(f === "s" ? "flag `s` (a syntax error on the device)" : `flag \`${f}\` (ignored on the device)`);
  }
  return [...problems];
}

/** @param {AnyNode} node */
const isStringLiteral = (node) => !!node && node.type === "Literal" && typeof node.value === "string";

/** @type {Visitor} */
function checkRegExpConstructor(node, _a, ctx) {
  const callee = node.callee;
  if (callee.type !== "Identifier" || callee.name !== "RegExp" || !ctx.isGlobal(callee)) return;
  const [source, flags] = node.arguments;
  if (!isStringLiteral(source)) return;
  if (flags && !isStringLiteral(flags)) return;
  const problems = regexProblems(source.value, flags ? flags.value : "");
  if (problems.length) {
    ctx.report("regex", node, `\`RegExp(${JSON.stringify(source.value)})\` uses ${problems.join(", ")}.`);
  }
}

/** @type {Record<string, Visitor>} */
export const regexVisitors = {
  Literal(node, _a, ctx) {
    if (!node.regex) return;
    const problems = regexProblems(node.regex.pattern, node.regex.flags);
    if (problems.length) ctx.report("regex", node, `Regular expression \`${node.raw}\` uses ${problems.join(", ")}.`);
  },
  NewExpression: checkRegExpConstructor,
  CallExpression: checkRegExpConstructor,
};
