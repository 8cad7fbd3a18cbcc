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

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("report --html", () => {
  it("is one self-contained file: no scripts, no external assets", () => {
    const html = readFileSync(page, "utf8");
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\ssrc=|\shref=|url\(|@import/i);
    // the only URL is the SVG namespace
    expect(html.match(/https?:\/\/[^"]*/g)!.every((u) => u === "http://www.w3.org/2000/svg")).toBe(true);
  });

  it("opens in headless Chromium without errors and shows the charts", async () => {
    const tab = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    tab.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
    });
    tab.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    tab.on("requestfailed", (r) => problems.push(`requestfailed: ${r.url()}`));
    tab.on("request", (r) => requests.push(r.url()));
    await tab.goto(pathToFileURL(page).href, { waitUntil: "load" });

    // SVG elements and their counts: 178 days (Mon 2026-06-01..Wed 2026-11-25), 26 ISO weeks, 3 regions
    expect(await tab.locator("svg#heatmap rect.day").count()).toBe(178);
    expect(await tab.locator("svg#weekly rect.bar").count()).toBe(26);
    expect(await tab.locator("svg#weekly rect.bar.meets").count()).toBe(4); // W44, W45, W46, W48
    expect(await tab.locator("svg#weekly line.protocol").count()).toBe(1);
    expect(await tab.locator("svg#regions rect.region").count()).toBe(3);
    expect(await tab.locator('svg#heatmap rect.day[data-date="2026-11-23"]').getAttribute("class")).toBe("day l4"); // 21.7 min
    expect(await tab.locator('svg#heatmap rect.day[data-date="2026-11-24"]').getAttribute("class")).toBe("day l2"); // 4.0 min
    expect(await tab.locator('svg#heatmap rect.day[data-date="2026-11-18"]').getAttribute("class")).toBe("day l0"); // 0 min
    expect(await tab.locator('svg#weekly rect.bar[data-week="2026-W45"]').getAttribute("data-sessions")).toBe("8");

    // the charts are drawn: real sizes on the page, bars taller for more sessions, the line at 2
    for (const id of ["heatmap", "weekly", "regions"]) {
      const box = (await tab.locator(`svg#${id}`).boundingBox())!;
      expect(box.width).toBeGreaterThan(200);
      expect(box.height).toBeGreaterThan(60);
    }
    const height = async (sel: string) => (await tab.locator(sel).boundingBox())!.height;
    expect(await height('svg#weekly rect.bar[data-week="2026-W45"]')).toBeGreaterThan(await height('svg#weekly rect.bar[data-week="2026-W44"]'));
    const widths = await tab.locator("svg#regions rect.region").evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width));
    expect(widths[0]).toBeGreaterThan(widths[1]); // front 51.0 > crown 46.7 > back 41.3
    expect(widths[1]).toBeGreaterThan(widths[2]);

    // the key figures and the honest notes are on the page
    expect(await tab.locator("p.note").innerText()).toMatch(/not a measure of hair growth/);
    const figures = await tab.locator("dl#figures").innerText();
    expect(figures).toMatch(/week 5 of 24/);
    expect(figures).toMatch(/adherence 60%/);
    expect(await tab.locator("section#cue").innerText()).toMatch(/cannot see your head/);

    const shot = join(dir, "report.png");
    await tab.screenshot({ path: shot, fullPage: true });
    const png = readFileSync(shot);
    expect(png.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
    expect(png.readUInt32BE(16)).toBe(1100); // IHDR width
    expect(png.readUInt32BE(20)).toBeGreaterThan(900); // a full page, taller than the viewport
    expect(statSync(shot).size).toBeGreaterThan(30_000);

    expect(problems).toEqual([]);
    expect(requests).toEqual([pathToFileURL(page).href]);
    await tab.close();
  });
});
