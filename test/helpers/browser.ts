/**
 * Headless Chromium for browser tests, from an npm package that carries it (@sparticuz/chromium:
 * the binary is unpacked on first use, about a second), driven by playwright-core. Nothing comes
 * from the system or the network: `npm install` is the whole set-up.
 */
import chromium from "@sparticuz/chromium";
import { chromium as playwright, type Browser } from "playwright-core";

/** Flags that keep Chromium off the network (it would try Google's hosts at every start). */
const QUIET = ["--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"];

export async function launchBrowser(): Promise<Browser> {
  return playwright.launch({ executablePath: await chromium.executablePath(), args: [...chromium.args, ...QUIET], headless: true });
}
