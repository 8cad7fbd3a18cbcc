/**
 * The massager page (`massager web`) in headless Chromium against the virtual massager running the
 * real firmware bundle, through a Web Bluetooth shim the page cannot tell from Chrome's: a person's
 * journeys, one after the other on one massager — connect; sync 150 sessions through lost links
 * (every record once, byte for byte, acknowledged only once stored, the next sync going on where the
 * last stopped); the report, figure for figure as `massager report` computes it from the same rows;
 * CSV and JSON exports byte for byte as `massager export` writes them; a program from the editor, a
 * broken field first (the sentence `massager validate` says), pushed through a lost link; start,
 * pause, resume, stop; a CLI export imported; the page at desktop and phone widths. The page asks
 * nothing of any origin but its own. The browser's write queue refuses every 9th write as busy all
 * along (the page tries it again).
 */
process.env.TZ = "UTC";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Op } from "../../shared/codes";
import { rowsFromJsonExport } from "../../companion/export/read";
import { LocalSimBackend } from "../../companion/sim/link/local-backend";
import type { VirtualDevice } from "../../companion/sim/board/device";
import { runCli } from "../helpers/cli";
import { buttonSessions, cutAfterPackets, recordsInFlash } from "../helpers/faults";
import { type OpenPage, type World, act, downloadOf, storedSessions, textOf, webWorld } from "../helpers/web-page";
import { history30 } from "../report/history30";
import { writeHistory } from "../report/sqlite";

/** Where the screenshots go (MASSAGER_SCREENSHOTS names another folder). */
const SHOTS = process.env.MASSAGER_SCREENSHOTS ?? join(tmpdir(), "massager-web-screenshots");

const RECORDS = 150;
let world: World;
let dev: VirtualDevice;
let backend: LocalSimBackend;
let expected: Map<number, Uint8Array>;
let tab: OpenPage;
const dir = mkdtempSync(join(tmpdir(), "massager-web-journeys-"));

/** The first packet of a request message: its op, and its body's first bytes. */
const opOf = (p: Uint8Array) => (p[0] & 0x40 && !(p[0] & 0x80) ? p[1] : -1);
const u32At = (p: Uint8Array, o: number) => (p[o] | (p[o + 1] << 8) | (p[o + 2] << 16) | (p[o + 3] << 24)) >>> 0;

beforeAll(async () => {
  world = await webWorld(14);
  ({ dev, backend } = world);
  buttonSessions(dev, RECORDS);
  expected = recordsInFlash(dev.flash);
  expect(expected.size).toBe(RECORDS);
  tab = await world.open();
  tab.radio.busyEvery = 9;
}, 60_000);

afterEach(() => {
  // what a test did to the radio ends with it
  tab.radio.beforeWrite = null;
  tab.radio.outOfRange = false;
});

afterAll(async () => {
  await world?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Every session the page stored is one of the massager's records, byte for byte, each once. */
async function storedExactly(): Promise<number[]> {
  const rows = await storedSessions(tab.page);
  const seqs = rows.map((r) => r.seq).sort((a, b) => a - b);
  expect(new Set(seqs).size).toBe(seqs.length);
  for (const r of rows) expect(Buffer.from(r.raw!).equals(Buffer.from(expected.get(r.seq)!)), `record #${r.seq}`).toBe(true);
  return seqs;
}

describe("the massager page, a person's journeys", () => {
  it("connects: the chooser, then name, firmware, battery and the sessions waiting", async () => {
    const { page } = tab;
    expect(await textOf(page, "#device-facts", /Connect to see/)).toBeTruthy();
    await page.click("#connect");
    const name = dev.nrf.advertising.options.name as string;
    await textOf(page, "#link-state", new RegExp(`connected to ${name}`));
    expect(await page.locator('[data-fact="name"]').textContent()).toBe(name);
    expect(await page.locator('[data-fact="firmware"]').textContent()).toMatch(/^9\.9\.9-test \(protocol 2\) on MDBT42Q/);
    expect(await page.locator('[data-fact="battery"]').textContent()).toMatch(/^\d+%/);
    expect(await page.locator('[data-fact="held"]').textContent()).toMatch(new RegExp(`^${RECORDS} to sync`));
    // the page set the massager's clock, as every connection of the CLI does
    expect(await page.locator('[data-fact="clock"]').textContent()).not.toMatch(/not set/);
    expect(await page.locator('[data-fact="link"]').textContent()).toBe("20-byte packets");
  });

  it(`syncs ${RECORDS} sessions through lost links: each once, acknowledged only once stored, going on where it stopped`, async () => {
    const { page, radio } = tab;
    const reads: number[] = [];
    const storedAtAck: number[] = [];
    radio.beforeWrite = async (p) => {
      if (opOf(p) === Op.LogRead) reads.push(u32At(p, 4));
      if (opOf(p) === Op.LogAck) storedAtAck.push((await storedSessions(page)).length);
    };

    // the link drops in the second read (the first, 120 records at 20-byte packets, came whole) and
    // the massager stays out of reach: the sync gives up in a sentence, keeping what came whole
    let cut = cutAfterPackets(dev, 140, { streamOnly: true });
    radio.outOfRange = true;
    const first = await act(page, "#sync-button", "#sync-out");
    cut.off();
    expect(first.ok).toBe(false);
    expect(first.text).toMatch(/could not connect to Massager .* wake it with a button press and try again/);
    const kept = await storedExactly();
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(RECORDS);
    expect(kept).toEqual(kept.map((_, i) => i + 1)); // the whole records before the drop, none after a gap
    expect(storedAtAck).toEqual([]); // nothing acknowledged: the massager still holds everything
    expect(await textOf(page, "#link-state", /link lost/)).toBeTruthy();

    // back in range, and the link drops once more in the middle: this sync reconnects and goes on
    radio.outOfRange = false;
    reads.length = 0;
    cut = cutAfterPackets(dev, 15, { streamOnly: true });
    const second = await act(page, "#sync-button", "#sync-out");
    cut.off();
    expect(second.ok, second.text).toBe(true);
    expect(second.text).toMatch(new RegExp(`${RECORDS - kept.length} new sessions stored; acknowledged up to #${RECORDS}, the massager holds 0\\.`));
    expect(second.text).toMatch(/The link needed [1-9]\d* retr/);
    expect(cut.cut()).toBe(true);
    // it read on after what the first sync stored, and after the drop again from there, never from the start
    expect(reads[0]).toBe(kept.length);
    expect(reads.length).toBeGreaterThan(1);
    expect(reads.every((after) => after >= kept.length)).toBe(true);
    expect(await storedExactly()).toEqual([...expected.keys()].sort((a, b) => a - b));
    // the one acknowledgement went out with every record already in IndexedDB
    expect(storedAtAck).toEqual([RECORDS]);
    expect(await page.locator('[data-fact="held"]').textContent()).toMatch(/^0 to sync/);
    expect(await textOf(page, "#history-count", new RegExp(`^${RECORDS} sessions`))).toBeTruthy();
    expect(radio.busyRefusals).toBeGreaterThan(0);
  });

  it("shows the report `massager report` computes from the same rows, and exports the same CSV and JSON as `massager export`", async () => {
    const { page } = tab;
    const json = await downloadOf(page, "#export-json");
    const csv = await downloadOf(page, "#export-csv");
    expect(json.name).toMatch(/^massager-sessions-\d{4}-\d{2}-\d{2}\.json$/);
    expect(csv.name).toMatch(/^massager-sessions-\d{4}-\d{2}-\d{2}\.csv$/);
    const rows = rowsFromJsonExport(json.text, json.name);
    expect(rows).toHaveLength(RECORDS);

    // the same rows in the CLI's SQLite history
    const data = join(dir, "same-rows");
    writeHistory(join(data, "history.sqlite"), rows);
    const today = (await page.getAttribute("#report-day", "data-today"))!;
    const report = await runCli(["report", "--json", "--today", today, "--data-dir", data]);
    expect(report.code, report.stderr).toBe(0);
    const figures = JSON.parse(report.stdout);
    const shown = await page.locator("[data-figure]").evaluateAll((els) => els.map((e) => [e.getAttribute("data-figure")!, e.getAttribute("data-value")!]));
    expect(shown.length).toBeGreaterThanOrEqual(20);
    for (const [path, value] of shown) {
      const cli = path.split(".").reduce((v, k) => v?.[k], figures);
      expect(JSON.parse(value), path).toEqual(cli);
    }
    expect(figures.sessions.total).toBe(RECORDS);
    // the charts: a day per cell, a bar per week, a bar per region
    expect(await page.locator("svg#heatmap rect.day").count()).toBe(figures.series.days.length);
    expect(await page.locator("svg#weekly rect.bar").count()).toBe(26);
    expect(await page.locator("svg#regions rect.region").count()).toBe(3);
    expect(await page.locator(`svg#heatmap rect.day[data-date="${today}"]`).getAttribute("data-minutes")).toBe(String(figures.today.minutes));

    const cliCsv = await runCli(["export", "--csv", "--data-dir", data]);
    expect(csv.text).toBe(cliCsv.stdout);
    const cliJson = await runCli(["export", "--json", "--data-dir", data]);
    expect(JSON.parse(json.text)).toEqual(JSON.parse(cliJson.stdout));
  });

  it("pushes a program from the editor: the broken field first, named as `massager validate` names it; then through a lost link", async () => {
    const { page, radio } = tab;
    // a program larger than one upload chunk at 20-byte packets, with an intensity above the limit
    const program = {
      name: "Evening",
      steps: [0, 1, 2, 3, 4, 5].map((i) => ({
        region: ["front", "crown", "back"][i % 3], pattern: "custom", duration: 30, intensity: i === 3 ? 1.5 : 0.6,
        curve: [0.2, 0.4, 0.6, 0.8, 1, 0.8, 0.6, 0.4, 0.2, 0.4, 0.6, 0.8, 1, 0.8, 0.6, 0.4], curveStepMs: 250,
      })),
    };
    const file = join(dir, "evening.json");
    writeFileSync(file, JSON.stringify(program, null, 2));
    await page.setInputFiles("#program-file", file);
    const sentence = await textOf(page, "#program-errors", /steps\[3\]\.intensity/);
    expect(sentence).toBe("steps[3].intensity: 1.5 is above the limit 1.0");
    const cli = await runCli(["validate", file]);
    expect(cli.code).toBe(4);
    expect(cli.stderr).toContain(`${file}: ${sentence}\n`);
    expect(await page.getAttribute('[data-field="steps[3].intensity"]', "aria-invalid")).toBe("true");
    expect(await page.isDisabled("#push-button")).toBe(true);

    // mended in the form
    await page.fill('[data-field="steps[3].intensity"]', "0.7");
    await page.waitForFunction(() => (document.getElementById("program-errors") as HTMLElement).hidden);
    expect(await page.isDisabled("#push-button")).toBe(false);
    expect(JSON.parse(await page.inputValue("#editor-json")).steps[3].intensity).toBe(0.7);

    // the link drops as the second chunk goes out, and the massager stays out of reach: the push says so
    let writes = 0;
    radio.beforeWrite = async (p) => {
      if (opOf(p) === Op.ProgWrite && ++writes === 2) {
        radio.outOfRange = true;
        await radio.drop();
      }
    };
    const lost = await act(page, "#push-button", "#push-out");
    expect(lost.ok).toBe(false);
    expect(lost.text).toMatch(/could not connect to Massager/);
    radio.outOfRange = false;
    // the next push goes on from the bytes the massager kept
    const pushed = await act(page, "#push-button", "#push-out");
    expect(pushed.ok, pushed.text).toBe(true);
    expect(pushed.text).toMatch(/^“Evening” \(3 min, \d+ bytes\) is in slot 0 and selected: a button press starts it \(resumed at byte [1-9]\d*\)\.$/);
    await textOf(page, "#programs", /Evening/);
    expect(await page.isChecked('input[data-program="Evening"]')).toBe(true);
  });

  it("selects, starts, pauses, resumes and stops a program; the session is synced", async () => {
    const { page } = tab;
    await page.check('input[data-program="Daily 15 min"]');
    expect(await textOf(page, "#control-out", /selected/)).toBe("Daily 15 min is selected: a button press starts it.");
    await page.check('input[data-program="Evening"]');
    await textOf(page, "#control-out", /^Evening is selected/);
    await act(page, "#start-button", "#control-out");
    expect(await textOf(page, "#session-status", /^Running: Evening, step 1, front/)).toBeTruthy();
    await backend.settle();
    dev.advance(35_000); // into the second step: the massager's events follow
    expect(dev.motor).toBeGreaterThan(0);
    await textOf(page, "#session-status", /^Running: Evening, step 2, crown/);
    await act(page, "#pause-button", "#control-out");
    await textOf(page, "#session-status", /^Paused: Evening/);
    await act(page, "#resume-button", "#control-out");
    await textOf(page, "#session-status", /^Running: Evening/);
    const stopped = await act(page, "#stop-button", "#control-out");
    expect(stopped.ok).toBe(true);
    await textOf(page, "#session-status", /^Stopped: Evening, 0:3\d of 3:00 \(stopped-remote\)/);
    await backend.settle();
    expect(dev.motor).toBe(0);
    // a second stop has no session to stop: the device's own sentence
    const again = await act(page, "#stop-button", "#control-out");
    expect(again.ok).toBe(false);
    expect(again.text).toBe("no session is in a state for that");

    const synced = await act(page, "#sync-button", "#sync-out");
    expect(synced.text).toMatch(/1 new session stored/);
    expect(await textOf(page, "#history", /Evening .* stopped-remote/)).toBeTruthy();
  });

  it("imports a CLI export, each session once; a file that is not one changes nothing", async () => {
    const { page } = tab;
    const data = join(dir, "cli-history");
    const theirs = history30();
    writeHistory(join(data, "history.sqlite"), theirs);
    const file = join(dir, "cli-export.json");
    expect((await runCli(["export", "--json", "--out", file, "--data-dir", data])).code).toBe(0);
    await page.setInputFiles("#import-file", file);
    expect(await textOf(page, "#data-out", /imported/)).toBe(`cli-export.json: ${theirs.length} sessions imported.`);
    await textOf(page, "#history-count", new RegExp(`^${RECORDS + 1 + theirs.length} sessions`));
    await page.setInputFiles("#import-file", file);
    expect(await textOf(page, "#data-out", /already/)).toBe(`cli-export.json: 0 sessions imported, ${theirs.length} already here.`);

    const csv = join(dir, "cli-export.csv");
    expect((await runCli(["export", "--csv", "--out", csv, "--data-dir", data])).code).toBe(0);
    await page.setInputFiles("#import-file", csv);
    expect(await textOf(page, "#data-out", /CSV/)).toBe("cli-export.csv: is a CSV export; import the JSON one (`massager export --json --out sessions.json`)");
    expect(await page.getAttribute("#data-out", "class")).toMatch(/error/);
    expect((await storedSessions(page)).length).toBe(RECORDS + 1 + theirs.length);
  });

  it("fits a desktop and a phone (screenshots), and asked nothing of any other origin", async () => {
    const { page } = tab;
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, "desktop-1280.png"), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    for (const id of ["heatmap", "weekly", "regions"]) {
      const box = (await page.locator(`svg#${id}`).boundingBox())!;
      expect(box.width).toBeGreaterThan(200);
      expect(box.x + box.width).toBeLessThanOrEqual(390);
    }
    await page.screenshot({ path: join(SHOTS, "phone-390.png"), fullPage: true });
    expect(tab.foreign).toEqual([]);
    expect(tab.problems).toEqual([]);
    expect(dev.errors).toEqual([]);
  });
});
