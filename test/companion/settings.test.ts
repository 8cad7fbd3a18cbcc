import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../helpers/cli";
import { STATUS_TEXT, Status } from "../../shared/codes";

// `massager settings` against the virtual device (its flash persists in the data dir between runs).
const dir = mkdtempSync(join(tmpdir(), "massager-settings-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (...argv: string[]) => runCli([...argv, "--device", "sim", "--data-dir", dir]);

describe("massager settings", () => {
  it("shows the defaults: changes allowed, console open", async () => {
    const r = await run("settings", "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ require_bond: false, lock_console: false, passkey_set: false, changed: false });
  });

  it("refuses a passkey that is not 6 digits, before touching the device", async () => {
    const r = await run("settings", "--require-bond", "on", "--passkey", "12ab");
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe("massager: --passkey takes exactly 6 digits, e.g. --passkey 402817");
  });

  it("turns on bonded-only changes; then an unbonded computer is refused in one clear sentence", async () => {
    const on = await run("settings", "--require-bond", "on", "--passkey", "402817", "--lock-console", "on");
    expect(on.code).toBe(0);
    expect(on.stdout).toContain("need a bonded, encrypted link");
    expect(on.stdout).toContain("Pair with passkey 402817");

    const shown = await run("settings", "--json");
    expect(JSON.parse(shown.stdout)).toMatchObject({ require_bond: true, lock_console: true, passkey_set: true });

    const start = await run("start");
    expect(start.code).toBe(3);
    expect(start.stderr.split("\n").filter(Boolean)).toHaveLength(1);
    expect(start.stderr).toContain(STATUS_TEXT[Status.Denied]);
    expect(start.stderr).not.toMatch(/\n\s+at /);

    // reading is still allowed
    const info = await run("info", "--json");
    expect(info.code).toBe(0);
    expect(JSON.parse(info.stdout)).toMatchObject({ bond_required: true, console_locked: true });
  });
});
