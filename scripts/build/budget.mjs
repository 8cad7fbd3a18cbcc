// @ts-check
// The firmware bundle's flash budget, from the one place that sets it: BUNDLE_BUDGET in
// shared/limits.ts (which explains the number). This script is plain JavaScript and limits.ts is
// TypeScript, so esbuild (already the build's tool) bundles that file in memory to read it.

import * as esbuild from "esbuild";
import path from "node:path";

/**
 * BUNDLE_BUDGET (bytes) from `<root>/shared/limits.ts`; an Error saying what is wrong when it cannot be read.
 * @param {string} root
 * @returns {Promise<number>}
 */
export async function loadBundleBudget(root) {
  const file = path.join(root, "shared", "limits.ts");
  /** @type {unknown} */
  let value;
  try {
    const out = await esbuild.build({
      entryPoints: [file], bundle: true, write: false, format: "esm", platform: "neutral", target: "es2022", logLevel: "silent",
    });
    const mod = await import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString("base64")}`);
    value = mod.BUNDLE_BUDGET;
  } catch (e) {
    const err = /** @type {Error & { errors?: { text: string }[] }} */ (e);
    throw new Error(`the firmware's flash budget comes from ${file}, which did not load (${err.errors?.[0]?.text ?? err.message.split("\n")[0]})`);
  }
  if (typeof value !== "number" || !(value > 0))
    throw new Error(`${file} must export BUNDLE_BUDGET, the firmware bundle's flash budget in bytes (a positive number); it exports ${JSON.stringify(value)}`);
  return value;
}

/**
 * The size line the build prints: "dist/firmware.js  15997 bytes (15.6 KB of the 16 KB flash budget)".
 * @param {string} name @param {number} bytes @param {number} budget
 */
export function sizeLine(name, bytes, budget) {
  const kb = (bytes / 1024).toFixed(1);
  const budgetKb = Number.isInteger(budget / 1024) ? String(budget / 1024) : (budget / 1024).toFixed(1);
  return `${name}  ${bytes} bytes (${kb} KB of the ${budgetKb} KB flash budget)`;
}
