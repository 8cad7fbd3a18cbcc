process.env.TZ = "UTC";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { launchBrowser } from "../helpers/browser";
import { runCli } from "../helpers/cli";
import { history30 } from "./history30";
import { writeHistory } from "./sqlite";

const dir = mkdtempSync(join(tmpdir(), "massager-html-"));
/** The page's window, as the callbacks that run in the page see it (this file is typed without the DOM's types). */
type PageWindow = { getComputedStyle(el: unknown, pseudo?: string): { fontSize: string; content: string } };
const dataDir = join(dir, "data");
const page = join(dir, "report.html");
let browser: Browser;

beforeAll(async () => {
  writeHistory(join(dataDir, "history.sqlite"), history30());
  const r = await runCli(["report", "--html", page, "--today", "2026-11-25", "--data-dir", dataDir]);
  expect(r.code).toBe(0);
  expect(r.stdout + r.stderr).toContain(`Wrote the report page with its charts to ${page}`);
  browser = await launchBrowser();
}, 60_000);
// (tabs stay open until the browser closes: this Chromium runs as one process, and closing its last tab ends it)

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("report --html", () => {
  it("is one self-contained file: no scripts, no external assets", () => {
    const html = readFileSync(page, "utf8");
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\ssrc=|\shref=|url\(|@import/i);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it("opens in headless Chromium without errors and shows the charts at desktop and phone widths", async () => {
    for (const width of [1280, 390]) {
      const tab = await browser.newPage({ viewport: { width, height: 900 } });
      const problems: string[] = [];
      const requests: string[] = [];
      tab.on("console", (m) => {
        if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
      });
      tab.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
      tab.on("requestfailed", (r) => problems.push(`requestfailed: ${r.url()}`));
      tab.on("request", (r) => requests.push(r.url()));
      await tab.goto(pathToFileURL(page).href, { waitUntil: "load" });

      // the charts fill the page's width, and the smallest chart text stays readable (≥ 11 px)
      for (const sel of ["#heatmap", "#weekly", "#regions"]) {
        const box = (await tab.locator(sel).boundingBox())!;
        expect(box.width, `${sel} at ${width}`).toBeGreaterThan(width < 500 ? width * 0.75 : width * 0.45);
        expect(box.height, sel).toBeGreaterThan(60);
      }
      const smallest = await tab.locator("#heatmap .month, #heatmap .wd, #weekly .x, #weekly .yticks span, .legend").evaluateAll((els) =>
        Math.min(...els.map((e) => parseFloat((e.ownerDocument.defaultView as unknown as PageWindow).getComputedStyle(e).fontSize))),
      );
      expect(smallest, `chart text at ${width}`).toBeGreaterThanOrEqual(11);
      // a day is a square of at least 12 px, even on a phone
      const cell = (await tab.locator('#heatmap .day[data-date="2026-11-24"]').boundingBox())!;
      expect(cell.width).toBeGreaterThanOrEqual(12);
      expect(Math.abs(cell.width - cell.height)).toBeLessThan(1);

      // hover (or a tap, which focuses) shows a day's and a week's values
      await tab.locator('#heatmap .day[data-date="2026-11-23"]').hover();
      expect(await tab.locator('#heatmap .day[data-date="2026-11-23"]').evaluate((e) => (e.ownerDocument.defaultView as unknown as PageWindow).getComputedStyle(e, "::after").content)).toBe('"Mon 23 Nov: 21.7 min, 2 sessions"');
      await tab.locator('#weekly .week[data-week="2026-W45"]').focus();
      expect(await tab.locator('#weekly .week[data-week="2026-W45"]').evaluate((e) => (e.ownerDocument.defaultView as unknown as PageWindow).getComputedStyle(e, "::after").content)).toBe(
        '"Week of Mon 2 Nov: 0 sessions of 15 min or more, 8 shorter; 28.5 min"',
      );

      expect(problems).toEqual([]);
      expect(requests).toEqual([pathToFileURL(page).href]);
    }
  });

  it("shows every day and week with its level, the goal, the current week and the axes named", async () => {
    const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await tab.goto(pathToFileURL(page).href, { waitUntil: "load" });
    // 178 days (Mon 2026-06-01..Wed 2026-11-25), 26 ISO weeks, 3 regions
    expect(await tab.locator("#heatmap .day").count()).toBe(178);
    expect(await tab.locator("#weekly .week").count()).toBe(26);
    expect(await tab.locator("#regions .region").count()).toBe(3);
    const level = async (date: string) => (await tab.locator(`#heatmap .day[data-date="${date}"]`).getAttribute("class"))!.match(/\bl\d\b/)![0];
    expect(await level("2026-11-23")).toBe("l4"); // a 15-min session and a 6.7-min one: 21.7 min, above 20
    expect(await level("2026-11-24")).toBe("l2"); // one 4-min session
    expect(await level("2026-11-03")).toBe("l1"); // 4.5 min, but in two sessions shorter than 4 min
    expect(await level("2026-11-10")).toBe("l3"); // 19 min: in 11-20
    expect(await level("2026-11-18")).toBe("l0"); // a zero-length session
    expect(await tab.locator("#heatmap .day.today").getAttribute("data-date")).toBe("2026-11-25");
    // weeks: the sessions long enough (15 min) count; none of these weeks has 2 of them
    expect(await tab.locator('#weekly .week[data-week="2026-W45"]').getAttribute("data-sessions")).toBe("0");
    expect(await tab.locator('#weekly .week[data-week="2026-W44"]').getAttribute("data-sessions")).toBe("1");
    expect(await tab.locator("#weekly .week.meets").count()).toBe(0);
    expect(await tab.locator('#weekly .week[data-week="2026-W45"] .bar.shorter').count()).toBe(1);
    expect(await tab.locator("#weekly .goal").innerText()).toBe("goal: 2 a week");
    expect(await tab.locator("#weekly .week.current").getAttribute("data-week")).toBe("2026-W48");
    expect(await tab.locator("#weekly .week.current .x").innerText()).toBe("this week");
    expect(await tab.locator("#weekly .ytitle").innerText()).toBe("sessions a week");
    expect(await tab.locator("#weekly figcaption").innerText()).toMatch(/^week, from Monday/);
    const widths = await tab.locator("#regions .region .bar").evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width));
    expect(widths[0]).toBeGreaterThan(widths[1]); // front 51.0 > crown 46.7 > back 41.3
    expect(widths[1]).toBeGreaterThan(widths[2]);

    // the figures, each protocol with its rule and source, the honest note once, the notes on the figures
    const text = await tab.locator("body").innerText();
    expect(text.match(/not a measure of hair growth/g)).toHaveLength(1);
    expect(await tab.locator("#glance .card").count()).toBe(4);
    expect(await tab.locator("#protocol-4 .headline").innerText()).toBe("Week 5 of 24 · 57% of days so far");
    expect(await tab.locator("#protocol-4 .rule").innerText()).toBe("Counts: A day counts when it has a session of at least 4 minutes.");
    expect(await tab.locator("#protocol-weekly .rule").innerText()).toBe("Counts: A week counts when it has 2 sessions of at least 15 minutes each.");
    expect(await tab.locator("#protocol-weekly .source").innerText()).toMatch(/Kim et al\., J Phys Ther Sci 2016/);
    expect(await tab.locator("#protocol-11-20 .source").innerText()).toMatch(/this report's choice/);
    expect(text).not.toMatch(/\b1 (days|weeks|sessions|steps)\b/);
    expect(await tab.locator("#cue").innerText()).toMatch(/cannot see your head/);
    expect(await tab.locator("#notes").innerText()).toMatch(/1 session had no clock time/);
  });

  it("says when sessions ended because the battery ran low", async () => {
    const rows = history30().map((r) => (new Date(r.start_unix * 1000).toISOString().startsWith("2026-11-01") ? { ...r, end_reason: "battery" } : r));
    const data = join(dir, "battery");
    writeHistory(join(data, "history.sqlite"), rows);
    const file = join(dir, "battery.html");
    expect((await runCli(["report", "--html", file, "--today", "2026-11-25", "--data-dir", data])).code).toBe(0);
    expect(readFileSync(file, "utf8")).toContain("1 session ended early because the massager&#39;s battery ran low (the last on 2026-11-01): charge it before the next one.");
  });
});
