import * as esbuild from "esbuild";
import { ESPRUINO_SUPPORTED, FIRMWARE_MANGLE_PROPS } from "./scripts/build.mjs";
const r = await esbuild.build({
  entryPoints: ["firmware/main.ts"], bundle: true, write: false, format: "iife", platform: "neutral", target: "es2015",
  supported: ESPRUINO_SUPPORTED, mangleProps: FIRMWARE_MANGLE_PROPS, minify: true, legalComments: "none", charset: "ascii", tsconfig: "firmware/tsconfig.json",
  define: { __FW_VERSION__: '"0.1.0"', __BUILD_BOARD__: '""', require: "__ESPRUINO_REQUIRE__" }, metafile: true, logLevel: "silent", outfile: "x.js",
});
const out = Object.values(r.metafile.outputs)[0];
const rows = Object.entries(out.inputs).map(([k, v]) => [k, v.bytesInOutput]).sort((a, b) => b[1] - a[1]);
let tot = 0; for (const [k, b] of rows) { tot += b; console.log(String(b).padStart(6), k); }
console.log(String(tot).padStart(6), "sum of inputs;", r.outputFiles[0].contents.length - (r.outputFiles[0].text.split("__ESPRUINO_REQUIRE__").length-1)*13, "bundle bytes");
if (process.argv[2]) (await import("node:fs")).writeFileSync(process.argv[2], r.outputFiles[0].text);
