import { describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { checkBoundaries, scanImports } from "../scripts/rules/boundaries.mjs";

// The import boundaries (scripts/rules/boundaries.mjs), over the real tree: one test per rule so a failure names the rule.
const violations = checkBoundaries();
const byRule = (rule: string) => violations.filter((v) => v.rule === rule).map((v) => v.message);

describe("import boundaries of the project", () => {
  it("shared/ imports nothing outside shared/ (no packages, no node: modules)", () => {
    expect(byRule("shared")).toEqual([]);
  });
  it("firmware/ imports only firmware/, shared/ and Espruino's built-in modules", () => {
    expect(byRule("firmware")).toEqual([]);
  });
  it("companion/ never imports firmware/ sources", () => {
    expect(byRule("companion")).toEqual([]);
  });
  it("inside companion/ the layers point one way: cli → the rest; service → link → board; ble/ never reaches sim/; device/ sees links and stores only through their interfaces", () => {
    expect(byRule("layers")).toEqual([]);
  });
  it("nothing outside test/ imports test/", () => {
    expect(byRule("tests")).toEqual([]);
  });
});

describe("the boundary scanner", () => {
  it("finds imports, re-exports, import() and require(), and ignores comments and strings", () => {
    const src = [
      '// import "./commented";',
      "/* require('./also-commented') */",
      'import a from "./a";',
      'import type { T } from "./types";',
      'export * from "../b";',
      'const S = require("Storage");',
      'const c = await import("./c");',
      'const s = "import q from \\"./in-a-string\\"";',
    ].join("\n");
    expect(scanImports(src)).toEqual([
      { specifier: "./a", line: 3 },
      { specifier: "./types", line: 4 },
      { specifier: "../b", line: 5 },
      { specifier: "Storage", line: 6 },
      { specifier: "./c", line: 7 },
    ]);
  });

  it("reports every kind of crossing in a tree that has them", () => {
    const root = mkdtempSync(path.join(tmpdir(), "boundaries-"));
    try {
      const write = (file: string, text: string) => {
        mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        writeFileSync(path.join(root, file), text);
      };
      write("shared/a.ts", 'import { x } from "./b";\nimport { readFileSync } from "node:fs";\nimport { y } from "../firmware/y";\n');
      write("shared/b.ts", "export const x = 1;\n");
      write("firmware/main.ts", 'import { x } from "../shared/b";\nconst S = require("Storage");\nimport { z } from "../companion/z";\nimport lodash from "lodash";\n');
      write("companion/cli.ts", 'import { x } from "../shared/b";\nimport { m } from "../firmware/main";\n');
      write("scripts/tool.mjs", 'import { h } from "../test/helpers/h.js";\n');
      write("companion/cli/main.ts", 'import { e } from "./errors";\nimport { d } from "../device/d";\n');
      write("companion/device/d.ts", 'import { e } from "../cli/errors";\nimport { f } from "../errors";\nimport { l } from "../ble/link";\nimport { h } from "../history/db";\nimport type { r } from "../history/store";\n');
      write("companion/ble/link.ts", 'import { b } from "../sim/link/backend";\n');
      write("companion/sim/board/device.ts", 'import { c } from "./clock";\nimport { l } from "../link/local-backend";\nimport { e } from "../../errors";\n');
      write("companion/sim/link/open.ts", 'import { d } from "../board/device";\nimport { s } from "../service/server";\nimport { n } from "../../ble/link";\n');
      write("companion/sim/service/server.ts", 'import { o } from "../link/open";\nimport { d } from "../board/device";\n');
      write("companion/web/main.ts", 'import { s } from "../device/sync";\nimport { h } from "../history/db";\nimport type { r } from "../history/store";\nimport { l } from "../ble/link";\nimport { fs } from "node:fs";\nimport { k } from "../owners/keys";\n');
      write("test/h.ts", 'import { x } from "../shared/b";\n');
      const found = checkBoundaries(root).map((v) => `${v.rule} ${v.file}:${v.line} ${v.specifier}`);
      expect(found.sort()).toEqual([
        "companion companion/cli.ts:2 ../firmware/main",
        "firmware firmware/main.ts:3 ../companion/z",
        "firmware firmware/main.ts:4 lodash",
        "layers companion/ble/link.ts:1 ../sim/link/backend",
        "layers companion/device/d.ts:1 ../cli/errors",
        "layers companion/device/d.ts:3 ../ble/link",
        "layers companion/device/d.ts:4 ../history/db",
        "layers companion/sim/board/device.ts:2 ../link/local-backend",
        "layers companion/sim/board/device.ts:3 ../../errors",
        "layers companion/sim/link/open.ts:2 ../service/server",
        "layers companion/web/main.ts:2 ../history/db",
        "layers companion/web/main.ts:4 ../ble/link",
        "layers companion/web/main.ts:5 node:fs",
        "layers companion/web/main.ts:6 ../owners/keys",
        "shared shared/a.ts:2 node:fs",
        "shared shared/a.ts:3 ../firmware/y",
        "tests scripts/tool.mjs:1 ../test/helpers/h.js",
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
