/**
 * Who may use the massager, from the page: a browser pairs in the trust window the massager's button
 * opens (held 5 s), keeps its key in its own IndexedDB and proves it on every connection (AUTH, then
 * signed requests, with SubtleCrypto's HMAC); another browser without the key is refused in one
 * sentence and changes nothing; the owner unpairs everyone and the massager is open again.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalSimBackend } from "../../companion/sim/link/local-backend";
import type { VirtualDevice } from "../../companion/sim/board/device";
import { NUS_SERVICE } from "../../companion/sim/board/nrf";
import { buttonSessions } from "../helpers/faults";
import { type OpenPage, type World, act, storedSessions, textOf, webWorld } from "../helpers/web-page";

const SESSIONS = 5;
let world: World;
let dev: VirtualDevice;
let backend: LocalSimBackend;
let owner: OpenPage;
let stranger: OpenPage;

beforeAll(async () => {
  world = await webWorld(21);
  ({ dev, backend } = world);
  buttonSessions(dev, SESSIONS);
  owner = await world.open();
  stranger = await world.open();
}, 60_000);

afterAll(() => world?.close());

/** The massager's button held 5 s while idle: the trust window opens (it buzzes). */
async function holdButton(): Promise<void> {
  await backend.settle();
  dev.buttonDown();
  dev.advance(5100);
  dev.buttonUp();
  dev.advance(100);
}

/** A page's Disconnect, once the massager has seen the link end (it advertises again). */
async function disconnect(p: OpenPage): Promise<void> {
  await act(p.page, "#disconnect", "#connect-out");
  for (let i = 0; dev.nrf.connected; i++) {
    if (i > 200) throw new Error("the massager still holds the link 2 s after Disconnect");
    await new Promise((r) => setTimeout(r, 10));
  }
}

const state = async (p: OpenPage) => ({
  protected: await p.page.getAttribute("#access-state", "data-protected"),
  owner: await p.page.getAttribute("#access-state", "data-owner"),
});

describe("owners, from the page", () => {
  it("pairs only in the trust window the button opens; the key then opens every connection", async () => {
    const { page } = owner;
    await page.click("#connect");
    await textOf(page, "#access-state", /^No owners: any phone or computer in range/);
    const early = await act(page, "#pair-button", "#access-out");
    expect(early.ok).toBe(false);
    expect(early.text).toBe("the massager takes a new owner only in its pairing window: hold its button for 5 seconds until it buzzes, then press “Pair” within a minute");

    await holdButton();
    const paired = await act(page, "#pair-button", "#access-out");
    expect(paired.ok, paired.text).toBe(true);
    expect(paired.text).toMatch(/^This browser is owner 0: only owners can start, sync, push or change the massager now\./);
    expect(await state(owner)).toEqual({ protected: "true", owner: "true" });
    await textOf(page, "#access-state", /^Only its owners \(0\) can use it; this browser is owner 0\./);

    // signed requests from here on: the sync works as before
    const synced = await act(page, "#sync-button", "#sync-out");
    expect(synced.ok, synced.text).toBe(true);
    expect(synced.text).toMatch(new RegExp(`${SESSIONS} new sessions stored; acknowledged up to #${SESSIONS}`));

    // a new connection proves the key again, from IndexedDB (the page reloaded, as after a restart)
    await page.reload();
    await page.waitForSelector("body[data-ready=true]");
    await page.click("#connect");
    await textOf(page, "#access-state", /this browser is owner 0/);
    await textOf(page, "#programs", /Daily 4 min/); // only an owner sees the programs
    await disconnect(owner);
  });

  it("refuses a browser without the key in one sentence, and it changes nothing", async () => {
    dev.advance(61_000); // the pairing window has closed
    const { page } = stranger;
    buttonSessions(dev, 2); // sessions the owner has not synced yet
    await page.click("#connect");
    await textOf(page, "#access-state", /^This massager obeys only its owners \(0\); this browser is not one\. Hold its button 5 s until it buzzes, then press “Pair” within a minute\./);
    expect(await state(stranger)).toEqual({ protected: "true", owner: "false" });
    expect(await page.locator('[data-fact="held"]').textContent()).toBe("only its owners can see (see “Who may use it”)");
    expect(await page.locator('[data-fact="name"]').textContent()).toMatch(/^Massager [0-9A-F]{4}$/);

    const denied = "this massager only obeys its owners: pair this browser with “Pair” (hold the massager's button for 5 seconds first)";
    for (const button of ["#sync-button", "#start-button"]) {
      const out = button === "#sync-button" ? "#sync-out" : "#control-out";
      const r = await act(page, button, out);
      expect(r.ok, button).toBe(false);
      expect(r.text, button).toBe(denied);
    }
    expect(await storedSessions(page)).toEqual([]);
    await backend.settle();
    expect(dev.motor).toBe(0);
    const pair = await act(page, "#pair-button", "#access-out");
    expect(pair.text).toBe("the massager takes a new owner only in its pairing window: hold its button for 5 seconds until it buzzes, then press “Pair” within a minute");
    await disconnect(stranger);

    // the owner finds both sessions still there
    await owner.page.click("#connect");
    await textOf(owner.page, "#access-state", /this browser is owner 0/);
    const synced = await act(owner.page, "#sync-button", "#sync-out");
    expect(synced.text).toMatch(/2 new sessions stored/);
  });

  it("the owner unpairs everyone: the massager obeys any browser again", async () => {
    const { page } = owner;
    const r = await act(page, "#unpair-all-button", "#access-out");
    expect(r.ok, r.text).toBe(true);
    expect(r.text).toBe("No owners left: the massager obeys any phone or computer in range again (pair again to protect it).");
    expect(await state(owner)).toEqual({ protected: "false", owner: "false" });
    await disconnect(owner);
    await stranger.page.click("#connect");
    await textOf(stranger.page, "#access-state", /^No owners/);
    await textOf(stranger.page, "#programs", /Daily 4 min/);
    // and anyone may lock its Bluetooth console now
    await stranger.page.check("#lock-console");
    expect(await textOf(stranger.page, "#access-out", /^The Bluetooth console/)).toBe("The Bluetooth console is locked: flashing needs the button held 5 s first (it opens for a minute).");
    expect(dev.nrf.discover().some((s) => s.uuid === NUS_SERVICE)).toBe(false);
    for (const p of [owner, stranger]) {
      expect(p.foreign).toEqual([]);
      expect(p.problems).toEqual([]);
    }
    expect(dev.errors).toEqual([]);
  });
});
