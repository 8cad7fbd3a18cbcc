/**
 * Headless Chromium for browser tests, from an npm package that carries it (@sparticuz/chromium:
 * the binary is unpacked on first use, about a second), driven by playwright-core. Nothing comes
 * from the system or the network: `npm install` is the whole set-up.
 */
import chromium from "@sparticuz/chromium";
import { chromium as playwright, type Browser } from "playwright-core";

/** Flags that keep Chromium off the network (it would try Google's hosts at every start). */
const QUIET = ["--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"];

/**
 * The package's flags for a serverless host, less --single-process: in one process every browser
 * context shares one profile's storage, so a test's second context ("another browser") would see
 * the first one's IndexedDB and localStorage.
 */
const ARGS = chromium.args.filter((a) => a !== "--single-process");

export async function launchBrowser(): Promise<Browser> {
  return playwright.launch({ executablePath: await chromium.executablePath(), args: [...ARGS, ...QUIET], headless: true });
}
