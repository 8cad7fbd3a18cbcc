/**
 * The project stands on its own: a person who clones it has every file it points to. No tracked file
 * names a path on a build machine (an absolute path under its work, home or root folder), and none
 * climbs out of the repository to a `shared/` folder beside it (a relative path to the project's own
 * shared/ from inside companion/ is fine). Only .ci/run may take the Espruino interpreter from beside
 * the clone, and package-lock.json records where packages came from. The samples below are built from
 * pieces, so that this file passes its own scan.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const ALLOWED = new Set([".ci/run", "package-lock.json"]);

/** The folders a build machine keeps work in (an absolute path under one is nobody else's). */
const MACHINE_FOLDERS = ["work", "home", "root"];
/** An absolute path on a machine, where a path starts (not inside a URL or a longer path). */
const MACHINE_PATH = new RegExp(`(?<![\\w.~/:-])/(?:${MACHINE_FOLDERS.join("|")})/[^\\s"'\`)\\]]*`, "g");
/** A relative path up to a folder named shared: fine only when it resolves inside the repository. */
const SHARED_PATH = /(?<![\w./-])(?:\.\.\/)+shared(?:\/[^\s"'`)\]]*)?/g;

function trackedFiles(): string[] {
  return execFileSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" }).split("\0").filter(Boolean);
}

/** "file:line reference" for every reference in `file` that leaves the repository. */
function outsideReferences(file: string, text: string): string[] {
  const found: string[] = [];
  const at = (index: number) => text.slice(0, index).split("\n").length;
  const ref = (m: RegExpMatchArray) => m[0].replace(/[.,;:]+$/, ""); // a sentence's full stop is not part of the path
  for (const m of text.matchAll(MACHINE_PATH)) found.push(`${file}:${at(m.index!)} ${ref(m)}`);
  for (const m of text.matchAll(SHARED_PATH)) {
    const target = path.relative(ROOT, path.resolve(ROOT, path.dirname(file), ref(m)));
    if (target.startsWith("..")) found.push(`${file}:${at(m.index!)} ${ref(m)}`);
  }
  return found;
}

describe("the repository stands on its own", () => {
  const hits = trackedFiles()
    .filter((f) => !ALLOWED.has(f))
    .flatMap((f) => {
      let text: string;
      try {
        text = readFileSync(path.join(ROOT, f), "utf8");
      } catch {
        return []; // listed by git but not in the working tree (deleted, not yet committed)
      }
      return text.includes("\0") ? [] : outsideReferences(f, text);
    });

  it("no tracked file names a build machine's path or a shared/ folder beside the repository", () => {
    expect(hits).toEqual([]);
  });

  it("the scan finds what it must and passes over what resolves inside", () => {
    const up = "..";
    const beside = `${up}/shared/notes.md`;
    const machine = (folder: string, rest: string) => `/${folder}/${rest}`;
    expect(outsideReferences("README.md", `the rules of \`${beside}\`\n`)).toEqual([`README.md:1 ${beside}`]);
    const text = `// per ${machine("work", "shared/notes.md")}.\nconst h = '${machine("home", "me/x")}';\n// ${machine("root", ".npm")}\n`;
    expect(outsideReferences("scripts/x.mjs", text)).toEqual([
      `scripts/x.mjs:1 ${machine("work", "shared/notes.md")}`,
      `scripts/x.mjs:2 ${machine("home", "me/x")}`,
      `scripts/x.mjs:3 ${machine("root", ".npm")}`,
    ]);
    expect(outsideReferences("companion/device/x.ts", `import { a } from "${up}/${up}/shared/limits";\n`)).toEqual([]);
    expect(outsideReferences("companion/tsconfig.json", `"include": ["${up}/shared/**/*.ts"]\n`)).toEqual([]);
    expect(outsideReferences("docs/x.md", "see https://example.org/home/page and ~/.local/share\n")).toEqual([]);
  });
});
