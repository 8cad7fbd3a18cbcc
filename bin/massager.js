#!/usr/bin/env node
// The `massager` command: the companion is bundled to dist/massager.js by `npm run build`
// (run automatically by `npm install`). Only this entry point exits the process.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const bundle = new URL("../dist/massager.js", import.meta.url);
if (!existsSync(fileURLToPath(bundle))) {
  process.stderr.write("massager is not built yet; run `npm install` (or `npm run build`) in " +
    fileURLToPath(new URL("..", import.meta.url)) + "\n");
  process.exit(1);
}
const { main } = await import(bundle.href);
process.exit(await main(process.argv.slice(2)));
