/**
 * The Node half of the page's Web Bluetooth (test/web/shim/web-bluetooth.ts): one browser context's
 * radio, bridged with a Playwright binding to a SimBackend — the virtual massager running the real
 * firmware bundle (a LocalSimBackend's share(), as `--device sim` reaches it). The shim's calls come
 * in (scan, connect, services, subscribe, write, disconnect), and its long poll takes the
 * notifications and drops that arrived since, in order.
 *
 * What a test may do to the radio: take the massager out of range (connects fail), refuse every
 * n-th write as the browser's busy queue does, and look at (or hold up) each request packet before
 * it reaches the device.
 */
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import type { BrowserContext } from "playwright-core";
import type { SimBackend } from "../../companion/sim/link/backend";

type RadioEvent = { kind: "notify"; service: string; characteristic: string; data: number[] } | { kind: "disconnect"; reason: string };

/** The central's MTU: what a phone or laptop asks for (the page never learns it). */
const CENTRAL_MTU = 247;

export class WebRadio {
  /** Connects fail (the massager is out of range, or asleep). */
  outOfRange = false;
  /** Refuse every n-th write as the browser's write queue being busy (0: never). */
  busyEvery = 0;
  /** Writes refused as busy so far. */
  busyRefusals = 0;
  /** Awaited before each request packet reaches the device (a test may look at the page meanwhile). */
  beforeWrite: ((packet: Uint8Array) => Promise<void> | void) | null = null;
  private readonly backend: SimBackend;
  private events: RadioEvent[] = [];
  private wake: (() => void) | null = null;
  private writes = 0;
  private connected = false;

  constructor(backend: SimBackend) {
    this.backend = backend;
    backend.onNotify((service, characteristic, data) => this.push({ kind: "notify", service, characteristic, data: [...data] }));
    backend.onDisconnect((reason) => {
      if (!this.connected) return;
      this.connected = false;
      this.push({ kind: "disconnect", reason });
    });
  }

  /** Gives every page of the context this radio (before its scripts run). */
  async attach(context: BrowserContext): Promise<void> {
    await context.exposeBinding("__massagerRadio", (_source, call: Record<string, any>) => this.handle(call));
    await context.addInitScript({ content: await shimScript() });
    // as Chrome does, a page that goes away (reloaded, left, closed) takes its connections with it
    context.on("page", (page) => {
      page.on("framenavigated", (frame) => frame === page.mainFrame() && void this.pageGone());
      page.on("close", () => void this.pageGone());
    });
  }

  /** Drops the link from the massager's side, as a supervision timeout does. */
  async drop(): Promise<void> {
    if (this.connected) await this.backend.disconnect();
  }

  private async pageGone(): Promise<void> {
    this.events = [];
    if (!this.connected) return;
    this.connected = false;
    await this.backend.disconnect();
  }

  private push(e: RadioEvent): void {
    this.events.push(e);
    this.wake?.();
  }

  private async handle(call: Record<string, any>): Promise<unknown> {
    switch (call.op) {
      case "scan":
        return this.outOfRange ? [] : (await this.backend.advertise()).map((a) => ({ address: a.address, localName: a.localName, serviceUuids: a.serviceUuids }));
      case "connect": {
        // a massager connected to another central does not advertise: the attempt fails
        if (this.outOfRange || this.connected || !(await this.backend.advertise()).length) return { refused: true };
        const { mtu } = await this.backend.connect({ mtu: CENTRAL_MTU });
        this.connected = true;
        return { mtu };
      }
      case "disconnect":
        if (this.connected) {
          this.connected = false;
          await this.backend.disconnect();
        }
        return null;
      case "services":
        return this.backend.services();
      case "subscribe":
        await this.backend.subscribe(call.service, call.characteristic, call.on);
        return null;
      case "write": {
        if (!this.connected) return { lost: true };
        if (this.busyEvery && ++this.writes % this.busyEvery === 0) {
          this.busyRefusals++;
          return { busy: true };
        }
        const packet = new Uint8Array(call.data);
        await this.beforeWrite?.(packet);
        if (!this.connected) return { lost: true }; // dropped while it was held up
        await this.backend.write(call.service, call.characteristic, packet);
        return null;
      }
      case "poll":
        if (!this.events.length) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, 250);
            this.wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          this.wake = null;
        }
        return this.events.splice(0);
      default:
        throw new Error(`the radio has no call ${call.op}`);
    }
  }
}

let script: Promise<string> | undefined;

/** The shim as one script for addInitScript (built once per test process). */
function shimScript(): Promise<string> {
  script ??= esbuild
    .build({
      entryPoints: [fileURLToPath(new URL("../web/shim/web-bluetooth.ts", import.meta.url))],
      bundle: true, write: false, format: "iife", platform: "browser", target: "chrome100", logLevel: "silent",
    })
    .then((r) => r.outputFiles[0].text);
  return script;
}

