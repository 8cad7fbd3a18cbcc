/**
 * The massager page in headless Chromium, as a person opens it: built fresh (scripts/build.mjs
 * buildWeb, once per test process, into a temporary folder), served by `massager web`'s own server
 * (serveWeb), with navigator.bluetooth from the shim bridged to a virtual massager (web-radio.ts).
 * Each page gets its own browser context: its own IndexedDB (history, owner keys), as another
 * browser would have.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Download, Page } from "playwright-core";
import { buildWeb } from "../../scripts/build.mjs";
import { type WebServer, serveWeb } from "../../companion/cli/commands/web";
import type { SimBackend } from "../../companion/sim/link/backend";
import { LocalSimBackend } from "../../companion/sim/link/local-backend";
import type { VirtualDevice } from "../../companion/sim/board/device";
import { launchBrowser } from "./browser";
import { bootDevice } from "./firmware";
import { WebRadio } from "./web-radio";

export interface Site {
  server: WebServer;
  origin: string;
  close(): Promise<void>;
}

/** The page, built now, served on a free port of localhost. */
export async function startSite(): Promise<Site> {
  const dir = mkdtempSync(join(tmpdir(), "massager-web-"));
  await buildWeb({ outdir: dir });
  const server = await serveWeb(dir, { port: 0 });
  return {
    server,
    origin: new URL(server.url).origin,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface OpenPage {
  page: Page;
  context: BrowserContext;
  radio: WebRadio;
  /** Requests to anywhere but the page's origin (none are allowed). */
  foreign: string[];
  /** Console errors and warnings, uncaught exceptions. */
  problems: string[];
  close(): Promise<void>;
}

/** A fresh browser context on the page, its radio reaching `backend`. */
export async function openPage(browser: Browser, site: Site, backend: SimBackend, viewport = { width: 1280, height: 900 }): Promise<OpenPage> {
  const context = await browser.newContext({ viewport, timezoneId: "UTC", acceptDownloads: true });
  const radio = new WebRadio(backend);
  await radio.attach(context);
  const foreign: string[] = [];
  const problems: string[] = [];
  context.on("request", (r) => {
    const url = r.url();
    if (!url.startsWith(site.origin + "/") && !url.startsWith(`blob:${site.origin}/`)) foreign.push(url);
  });
  const page = await context.newPage();
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  await page.goto(site.server.url);
  await page.waitForSelector("body[data-ready=true]");
  return { page, context, radio, foreign, problems, close: () => context.close() };
}

/** What a test of the page works with: the site, a browser, one virtual massager and the pages open on it. */
export interface World {
  site: Site;
  browser: Browser;
  dev: VirtualDevice;
  backend: LocalSimBackend;
  /** A page in a browser context of its own (its own storage), its radio reaching the massager. */
  open(viewport?: { width: number; height: number }): Promise<OpenPage>;
  close(): Promise<void>;
}

/** The site, the browser and a virtual massager booted with the real bundle (seeded), started together. */
export async function webWorld(seed: number): Promise<World> {
  const [site, browser, dev] = await Promise.all([startSite(), launchBrowser(), bootDevice({ seed })]);
  const backend = new LocalSimBackend(dev);
  const pages: OpenPage[] = [];
  return {
    site, browser, dev, backend,
    async open(viewport) {
      const p = await openPage(browser, site, backend.share(), viewport);
      pages.push(p);
      return p;
    },
    async close() {
      for (const p of pages) await p.close().catch(() => undefined);
      await browser.close();
      await backend.close();
      await site.close();
    },
  };
}

/** Waits until the element's text matches (the page answers asynchronously); returns the text. */
export async function textOf(page: Page, selector: string, pattern: RegExp, timeout = 20_000): Promise<string> {
  await page.waitForFunction(
    ([sel, src, flags]) => new RegExp(src, flags).test(document.querySelector(sel)?.textContent ?? ""),
    [selector, pattern.source, pattern.flags] as const,
    { timeout },
  ).catch(async (err) => {
    const now = await page.locator(selector).textContent().catch(() => null);
    throw new Error(`${selector} did not come to match ${pattern} within ${timeout} ms; it says: ${JSON.stringify(now)} (${(err as Error).message.split("\n")[0]})`);
  });
  return (await page.locator(selector).textContent()) ?? "";
}

/** Clicks and waits for the action's outcome line to say it is done (ok or error); returns its class and text. */
export async function act(page: Page, button: string, out: string): Promise<{ ok: boolean; text: string }> {
  await page.click(button);
  await page.waitForFunction((sel) => /\b(ok|error)\b/.test(document.querySelector(sel)?.className ?? ""), out, { timeout: 30_000 });
  const cls = (await page.getAttribute(out, "class")) ?? "";
  return { ok: /\bok\b/.test(cls), text: (await page.locator(out).textContent()) ?? "" };
}

/** The file a click makes the page save. */
export async function downloadOf(page: Page, button: string): Promise<{ name: string; text: string }> {
  const [d] = await Promise.all([page.waitForEvent("download"), page.click(button)]) as [Download, void];
  return { name: d.suggestedFilename(), text: readFileSync((await d.path())!, "utf8") };
}

/** A session as the page stored it in IndexedDB. */
export interface StoredSession {
  device_id: string;
  log_id: number;
  seq: number;
  raw: number[] | null;
}

/** Every session in the page's IndexedDB, read as the browser holds it. */
export function storedSessions(page: Page): Promise<StoredSession[]> {
  return page.evaluate(
    () =>
      new Promise<StoredSession[]>((resolve, reject) => {
        const open = indexedDB.open("massager");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const req = open.result.transaction("sessions").objectStore("sessions").getAll();
          req.onerror = () => reject(req.error);
          req.onsuccess = () => {
            open.result.close();
            resolve(req.result.map((r) => ({ device_id: r.device_id, log_id: r.log_id, seq: r.seq, raw: r.raw ? [...r.raw] : null })));
          };
        };
      }),
  );
}
