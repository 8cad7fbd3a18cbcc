/**
 * `massager sim` as a person starts it (bin/massager.js, a separate process) and `massager flash
 * --dry-run`: the simulator announces its ports, takes button presses on stdin, serves --device sim,
 * and on quit saves its flash and removes sim.json.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { spawnCli } from "../helpers/cli";
import { massager } from "../helpers/sim-server";
import { readSimLock } from "../../companion/sim/link/lock";

const root = fileURLToPath(new URL("../..", import.meta.url));
const built = () => {
  const b = join(root, "dist", "massager.js");
  return existsSync(b) && readFileSync(b, "utf8").includes("massager sim");
};

async function until<T>(fn: () => T | undefined | false, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("massager sim (the command)", () => {
  it("runs until quit: prints its ports, presses the button from stdin, serves --device sim, saves its flash", async () => {
    if (!built()) {
      console.warn("skipped: dist/massager.js is not built with `massager sim` yet (npm test builds it first)");
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), "massager-simcmd-"));
    const sim = spawnCli([join(root, "bin", "massager.js"), "sim", "--data-dir", dir, "--console-port", "0", "--speed", "50"], { cwd: root, stdin: true });
    const { child, exited } = sim;
    try {
      const lock = await until(() => readSimLock(dir) ?? undefined, 10000);
      expect(lock.pid).toBe(child.pid);
      await until(() => sim.output().includes("Espruino console: tcp://127.0.0.1:"), 5000);
      expect(sim.output()).toContain(`--device sim (control port ${lock.port}`);
      expect(sim.output()).toContain(`tcp://127.0.0.1:${lock.consolePort}`);

      child.stdin!.write("short\n"); // the 4-minute preset: 4.8 s at 50×
      await until(() => sim.output().includes("button: short press"), 5000);
      const status = await massager(["status", "--device", "sim", "--json", "--data-dir", dir]);
      expect(status.code, status.stderr).toBe(0);
      expect(JSON.parse(status.stdout).state).toBe("running");

      child.stdin!.write("q\n");
      expect(await exited).toBe(0);
      expect(sim.output()).toMatch(/Stopped the virtual massager after \d+:\d\d:\d\d of virtual time/);
      expect(existsSync(join(dir, "sim.json"))).toBe(false);
      expect(existsSync(join(dir, "sim-flash.bin"))).toBe(true);
    } finally {
      if (child.exitCode === null && child.pid !== undefined) child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("flash --dry-run builds the bundle and lets espruino-tools write what it would send, without connecting", async () => {
    const out = mkdtempSync(join(tmpdir(), "massager-dry-run-"));
    const r = await massager(["flash", "--dry-run", "--board", "puck", "--out", out, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(d).toMatchObject({ board: "PUCKJS", dry_run: true, verified: null });
    // exactly what espruino-tools typed: reset, the bundle in 1 KB Storage.write chunks into .bootcde, load
    const sent = readFileSync(d.upload_script, "latin1");
    expect(sent.startsWith(`\n\x10reset();\n\x10print()\n\x10require("Storage").write(".bootcde",`)).toBe(true);
    expect(sent).toContain(`,0,${d.bytes});`);
    expect(sent.endsWith("\x10load()\n\n")).toBe(true);
    expect(d.chunks).toBe(Math.ceil(d.bytes / 1024));
    expect(d.command).toMatch(/espruino-cli\.js -v --board \S+PUCKJS\.json --no-ble --config MODULE_URL= --config BOARD_JSON_URL= --config COMPILATION=false/);
    rmSync(out, { recursive: true, force: true });
  });

  it("explains in one sentence what to do when no simulator runs, or no target is given", async () => {
    const dir = mkdtempSync(join(tmpdir(), "massager-nosim-"));
    try {
      const none = await massager(["flash", "--device", "sim", "--data-dir", dir]);
      expect(none.code).toBe(3);
      expect(none.stderr).toMatch(/no virtual massager is running for .*; start it with `massager sim`/);
      const noTarget = await massager(["flash", "--data-dir", dir]);
      expect(noTarget.code).toBe(2);
      expect(noTarget.stderr).toMatch(/say which massager to flash: --device NAME\|ADDRESS\|sim/);
      const badBoard = await massager(["flash", "--dry-run", "--board", "arduino"]);
      expect(badBoard.code).toBe(2);
      expect(badBoard.stderr).toMatch(/unknown board "arduino"; use one of MDBT42Q, PUCKJS, BANGLEJS2/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
