/**
 * The CLI's history and the browser's meet: sessions `massager sync` stored (and the massager has
 * freed) come into the page with a `massager export --json` file; the page's next sync of the same
 * massager keeps them under the same device and log, reads only what is new, and the page's export
 * then holds every session once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rowsFromJsonExport } from "../../companion/export/read";
import { runCli } from "../helpers/cli";
import { buttonSessions } from "../helpers/faults";
import { type OpenPage, type World, act, downloadOf, textOf, webWorld } from "../helpers/web-page";

let world: World;
let tab: OpenPage;
const dir = mkdtempSync(join(tmpdir(), "massager-web-meet-"));

beforeAll(async () => {
  world = await webWorld(31);
  tab = await world.open();
}, 60_000);

afterAll(async () => {
  await world?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** `massager …` in this process, reaching the same virtual massager (`--device sim`). */
const cli = (argv: string[]) =>
  runCli([...argv, "--data-dir", dir], { simBackend: async () => world.backend.share(), linkOptions: { requestTimeoutMs: 500, connectTimeoutMs: 2000 } });

describe("the CLI's history and the browser's", () => {
  it("meet: an export of the CLI's sessions, then the page's sync of the same massager, each session once", async () => {
    buttonSessions(world.dev, 10);
    const synced = await cli(["sync", "--device", "sim"]);
    expect(synced.code, synced.stderr).toBe(0);
    expect(synced.stdout).toMatch(/10 new sessions stored; acknowledged up to #10, the device holds 0/);
    const file = join(dir, "cli.json");
    expect((await cli(["export", "--json", "--out", file])).code).toBe(0);
    buttonSessions(world.dev, 4); // sessions only the page will sync

    const { page } = tab;
    await page.setInputFiles("#import-file", file);
    expect(await textOf(page, "#data-out", /imported/)).toBe("cli.json: 10 sessions imported.");
    await page.click("#connect");
    await textOf(page, "#link-state", /connected to/);
    const r = await act(page, "#sync-button", "#sync-out");
    expect(r.ok, r.text).toBe(true);
    expect(r.text).toMatch(/: 4 new sessions stored; acknowledged up to #14, the massager holds 0\./);

    const rows = rowsFromJsonExport((await downloadOf(page, "#export-json")).text, "page.json");
    const cliRows = rowsFromJsonExport((await cli(["export", "--json"])).stdout, "cli.json");
    expect(rows.map((x) => x.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    // one device, one log: the CLI's id for it (its address), the page's sessions joined them
    expect(new Set(rows.map((x) => `${x.device_id} ${x.log_id}`))).toEqual(new Set([`${cliRows[0].device_id} ${cliRows[0].log_id}`]));
    expect(cliRows[0].device_id).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    expect(tab.problems).toEqual([]);
  });
});
