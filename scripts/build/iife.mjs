// @ts-check
// The firmware bundle is one IIFE (esbuild's format "iife"); the build steps after esbuild work on
// that function's own scope.

import * as acorn from "acorn";

/**
 * The function a bundle calls at once (`(()=>{…})()`): code as text or as acorn parsed it; undefined
 * when it is no such bundle.
 * @param {string | any} code
 * @returns {any}
 */
export function iifeOf(code) {
  const ast = typeof code === "string" ? acorn.parse(code, { ecmaVersion: 2022 }) : code;
  const f = ast.body[0]?.expression?.callee;
  return f?.body?.type === "BlockStatement" ? f : undefined;
}
