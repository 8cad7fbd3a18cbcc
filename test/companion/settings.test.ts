import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../helpers/cli";

// `massager settings` against the virtual device (its flash persists in the data dir between runs).
const dir = mkdtempSync(join(tmpdir(), "massager-settings-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (...argv: string[]) => runCli([...argv, "--device", "sim", "--data-dir", dir]);

describe("massager settings", () => {
  it("shows the defaults: no owners, console open", async () => {
    const r = await run("settings", "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ lock_console: false, owners: [], changed: false });
    expect((await run("settings")).stdout).toMatch(/any computer in range can use it .*massager pair.*console is open/);
  });

  it("sends a person who asks for the old bonded-only setting to `massager pair`, before touching the device", async () => {
    for (const argv of [["--require-bond", "on"], ["--passkey", "402817"]]) {
      const r = await run("settings", ...argv);
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toBe("massager: --require-bond and --passkey are gone: to let only your computers use the massager, hold its button 5 s and run `massager pair`");
    }
  });

  it("locks the console, and says so from then on", async () => {
    const on = await run("settings", "--lock-console", "on");
    expect(on.code).toBe(0);
    expect(on.stdout).toContain("console is locked (hold the button 5 s to open it for a minute)");
    const shown = await run("settings", "--json");
    expect(JSON.parse(shown.stdout)).toMatchObject({ lock_console: true, changed: false });
    const info = await run("info", "--json");
    expect(JSON.parse(info.stdout)).toMatchObject({ console_locked: true, protected: false });
    expect((await run("settings", "--lock-console", "maybe")).stderr.trim()).toBe('massager: --lock-console takes on or off, not "maybe"');
  });
});
