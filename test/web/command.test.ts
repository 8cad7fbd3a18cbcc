/**
 * `massager web` as a person runs it: it serves the built page on localhost until it is stopped —
 * GET and HEAD only, nothing outside the page, every answer with a policy that lets the page reach
 * nothing but its own origin — and --out writes the same files to a folder.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildCompanion, buildWeb } from "../../scripts/build.mjs";
import { runCli, spawnCli } from "../helpers/cli";

const root = fileURLToPath(new URL("../..", import.meta.url));
/** The companion bundled for this test (inside the project, so it finds dist/web as the installed one does). */
const bundle = join(root, "dist", "test-web", "massager.js");
const dir = mkdtempSync(join(tmpdir(), "massager-web-command-"));

beforeAll(async () => {
  // what `npm run build` makes: the page in dist/web, the companion
  await Promise.all([buildWeb(), buildCompanion({ outfile: bundle })]);
}, 60_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(join(root, "dist", "test-web"), { recursive: true, force: true });
});

describe("massager web", () => {
  it("--out writes the page's files to a folder", async () => {
    const out = join(dir, "site");
    const r = await runCli(["web", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["app.js", "index.html", "style.css"]);
    for (const f of readdirSync(out)) expect(readFileSync(join(out, f)).equals(readFileSync(join(root, "dist", "web", f)))).toBe(true);
    expect(r.stdout).toMatch(new RegExp(`^Wrote the page \\(app\\.js, index\\.html, style\\.css; \\d+ bytes\\) to ${out}; serve that folder over https`));
    expect((await runCli(["web", "--port", "70000"])).stderr).toBe("massager: --port 70000: give a port number, 1 to 65535 (0: any free one)\n");
  });

  it("serves the page on localhost until it is stopped, and nothing else", async () => {
    const web = spawnCli(["--input-type=module", "-e", "const { main } = await import(process.argv[1]); process.exitCode = await main(process.argv.slice(2));", bundle, "web", "--port", "0"], { cwd: root });
    const { child, exited } = web;
    try {
      for (let i = 0; !/http:\/\/localhost:\d+\//.test(web.output()); i++) {
        if (i > 200) throw new Error(`massager web said: ${web.output()}`);
        await new Promise((r) => setTimeout(r, 25));
      }
      const url = /http:\/\/localhost:\d+\//.exec(web.output())![0];
      expect(web.output()).toContain("Open it in Chrome or Edge");
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(page.headers.get("content-security-policy")).toMatch(/^default-src 'self'; script-src 'self';.* connect-src 'self'/);
      expect(await page.text()).toBe(readFileSync(join(root, "dist", "web", "index.html"), "utf8"));
      const script = await fetch(url + "app.js");
      expect(script.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
      expect((await script.arrayBuffer()).byteLength).toBe(readFileSync(join(root, "dist", "web", "app.js")).length);
      expect((await fetch(url + "%2e%2e/package.json")).status).toBe(404); // only the page's own files, by name
      expect((await fetch(url + "nothing.js")).status).toBe(404);
      expect((await fetch(url, { method: "POST", body: "x" })).status).toBe(405);
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(web.output()).toMatch(/Stopped serving the page \(5 requests\)\.\n$/);
    } finally {
      child.kill("SIGKILL");
    }
  });
});
