import { Status, STATUS_TEXT } from "../../shared/codes";
import { DeviceClient } from "../device/client";
import { OwnerSession } from "../device/owner";
import { LinkError, MassagerError } from "../errors";
import { webBluetooth } from "./bluetooth/api";
import { WebLink, chooseDevice } from "./bluetooth/web-link";
import type { BrowserHistory } from "./store/history";
import { type BrowserOwnerKeys, subtleHmac } from "./store/owner-keys";

/*
 * The page's state: its history and owner keys (IndexedDB), and the massager it is connected to,
 * through the same DeviceClient the CLI uses over a WebLink. Panels listen for what changed
 * ("link": connected, dropped or its INFO; "history": sessions stored; "programs": the device's
 * programs) and run their actions through `act`, which turns any failure into one sentence.
 */
export type Topic = "link" | "history" | "programs";

export interface Connection {
  link: WebLink;
  client: DeviceClient<WebLink>;
}

/** Commands of the CLI named in a sentence, and the page's button that does the same. */
const BUTTONS: Record<string, string> = {
  sync: "Sync", pair: "Pair", push: "Push", delete: "Delete", select: "Select", start: "Start",
  info: "Connect", time: "Connect", programs: "Connect", unpair: "Unpair",
};

/** A companion sentence in the page's words: its buttons instead of `massager …` commands where the page has one. */
export function inPage(message: string): string {
  return message
    .replace(/\brun `massager (\w+)[^`]*`/g, (m, c) => (BUTTONS[c] ? `press “${BUTTONS[c]}”` : m))
    .replace(/`massager (\w+)[^`]*`/g, (m, c) => (BUTTONS[c] ? `“${BUTTONS[c]}”` : m))
    .replace("run the command again", "try again")
    .replace(/this computer/g, "this browser");
}

export class App {
  readonly history: BrowserHistory;
  readonly keys: BrowserOwnerKeys;
  conn: Connection | null = null;
  private readonly listeners = new Map<Topic, Set<() => void>>();

  constructor(history: BrowserHistory, keys: BrowserOwnerKeys) {
    this.history = history;
    this.keys = keys;
  }

  on(topic: Topic, fn: () => void): void {
    if (!this.listeners.has(topic)) this.listeners.set(topic, new Set());
    this.listeners.get(topic)!.add(fn);
  }

  emit(topic: Topic): void {
    for (const fn of this.listeners.get(topic) ?? []) fn();
  }

  /** Shows the browser's chooser, connects (INFO, AUTH with this browser's key) and sets the device's clock. */
  async connect(): Promise<boolean> {
    const bluetooth = webBluetooth();
    if (!bluetooth)
      throw new LinkError("this browser cannot use Bluetooth from a page: open it in Chrome or Edge (on a computer or an Android phone), from `massager web`'s address");
    const device = await chooseDevice(bluetooth);
    if (!device) return false;
    await this.disconnect();
    const link = new WebLink(device);
    const key = await this.keys.get(device.id);
    link.owner = key ? new OwnerSession(key, subtleHmac) : null;
    try {
      await link.connect();
    } catch (err) {
      await link.close();
      throw err;
    }
    link.onDrop(() => this.emit("link"));
    const client = new DeviceClient(link);
    this.conn = { link, client };
    // the device has no real-time clock: every connection sets it, as the CLI's do (a stranger is refused)
    if (!link.ownerRefused) {
      await client.setTime(Math.floor(Date.now() / 1000));
      await client.info(); // the clock as set
    }
    this.emit("link");
    this.emit("programs");
    return true;
  }

  async disconnect(): Promise<void> {
    const c = this.conn;
    this.conn = null;
    if (c) await c.link.close();
    this.emit("link");
  }

  /** The connection, for an action that needs one. */
  need(): Connection {
    if (!this.conn) throw new MassagerError("connect to a massager first (Connect, at the top)");
    return this.conn;
  }

  /** The connection, for an action only an owner may take on a protected massager. */
  owned(): Connection {
    const c = this.need();
    if (c.link.ownerRefused) throw new MassagerError(STATUS_TEXT[Status.Denied]);
    return c;
  }

  /** The history's id for the connected device: the one its log is kept under already, else the browser's id for it. */
  async historyId(c: Connection): Promise<string> {
    return (await this.history.deviceOfLog(c.link.info?.logId ?? 0)) ?? c.link.device.id;
  }

  /**
   * Runs a person's action: the button waits, `out` says what happened or, on failure, the one
   * sentence of the error (in the page's words). Returns whether it succeeded.
   */
  async act(button: HTMLButtonElement | null, out: HTMLElement, busy: string, action: () => Promise<string | void>): Promise<boolean> {
    if (button) button.disabled = true;
    out.className = "out busy";
    out.textContent = busy;
    try {
      const said = await action();
      out.className = "out ok";
      out.textContent = said ?? "";
      return true;
    } catch (err) {
      out.className = "out error";
      out.textContent = inPage(sentenceOf(err));
      return false;
    } finally {
      if (button) button.disabled = false;
      this.emit("link");
    }
  }
}

function sentenceOf(err: unknown): string {
  if (err instanceof MassagerError) return err.message;
  return `something went wrong that the page did not expect (${(err as Error)?.message ?? String(err)}); reload it and try again`;
}
