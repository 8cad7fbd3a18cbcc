/**
 * The Web Bluetooth shim the page is tested with (test/web/shim/web-bluetooth.ts) keeps Chrome's
 * rules, so the page is tested against what a real browser would do: a chooser only for
 * advertisements that match (the firmware advertises its name, not its service, which is why the
 * page filters on the name prefix), services only when asked for, writes
 * of at most 512 bytes and one at a time, `gattserverdisconnected` on a lost link, and the objects of
 * an earlier connection dead after it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NAME_PREFIX, NOTIFY_CHAR_UUID, REQUEST_CHAR_UUID, SERVICE_UUID } from "../../shared/uuids";
import type { VirtualDevice } from "../../companion/sim/board/device";
import { type OpenPage, type World, webWorld } from "../helpers/web-page";

let world: World;
let dev: VirtualDevice;
let tab: OpenPage;

beforeAll(async () => {
  world = await webWorld(3);
  dev = world.dev;
  tab = await world.open();
}, 60_000);

afterAll(() => world?.close());

const IDS = { service: SERVICE_UUID, request: REQUEST_CHAR_UUID, notify: NOTIFY_CHAR_UUID, prefix: NAME_PREFIX };

// Each probe runs in the page (Playwright's calls count as a user gesture) and answers what each
// call gave or threw, as "Name: message"; window.probe keeps objects from one probe to the next.
describe("the Web Bluetooth shim keeps Chrome's rules", () => {
  it("offers only advertisements the filters match (the firmware advertises its name, not its service)", async () => {
    const r = await tab.page.evaluate(async (ids) => {
      const bt = (navigator as any).bluetooth;
      const said = (p: Promise<any>) => p.then((v) => `ok ${v?.name ?? ""}`.trim(), (e) => `${e.name}: ${e.message}`);
      return {
        none: await said(bt.requestDevice({})),
        byService: await said(bt.requestDevice({ filters: [{ services: [ids.service] }] })),
        byName: await said(bt.requestDevice({ filters: [{ namePrefix: ids.prefix }] })),
      };
    }, IDS);
    expect(r.none).toMatch(/^TypeError: .*'filters' should be present/);
    expect(r.byService).toBe("NotFoundError: User cancelled the requestDevice() chooser.");
    expect(r.byName).toBe(`ok ${dev.nrf.advertising.options.name}`);
  });

  it("gives a service only when the chooser was asked for it", async () => {
    const r = await tab.page.evaluate(async (ids) => {
      const d = await (navigator as any).bluetooth.requestDevice({ filters: [{ namePrefix: ids.prefix }] });
      await d.gatt.connect();
      try {
        return await d.gatt.getPrimaryService(ids.service).then(() => "ok", (e: Error) => `${e.name}: ${e.message}`);
      } finally {
        d.gatt.disconnect();
      }
    }, IDS);
    expect(r).toMatch(/^SecurityError: Origin is not allowed to access the service\. Tip: Add the service UUID to 'optionalServices'/);
  });

  it("writes at most 512 bytes, one at a time, no more than the MTU carries; notifies only a subscriber", async () => {
    const r = await tab.page.evaluate(async (ids) => {
      const d = await (navigator as any).bluetooth.requestDevice({ filters: [{ namePrefix: ids.prefix }], optionalServices: [ids.service] });
      const s = await (await d.gatt.connect()).getPrimaryService(ids.service);
      const req = await s.getCharacteristic(ids.request);
      const ntf = await s.getCharacteristic(ids.notify);
      (window as any).probe = { d, req };
      const said = (p: Promise<unknown>) => p.then(() => "ok", (e: Error) => `${e.name}: ${e.message}`);
      const heard: number[] = [];
      ntf.addEventListener("characteristicvaluechanged", (e: Event) => heard.push((e.target as any).value.byteLength));
      // a request the device answers (with an Error reply: its check bytes are missing)
      const ask = () => req.writeValueWithoutResponse(new Uint8Array([0x60, 0x01, 0x01, 0x00, 20]));
      await ask();
      await new Promise((r) => setTimeout(r, 300));
      const unsubscribed = heard.length;
      await ntf.startNotifications();
      await ask();
      await new Promise((r) => setTimeout(r, 300));
      return {
        unsubscribed, subscribed: heard.length,
        big: await said(req.writeValueWithoutResponse(new Uint8Array(513))),
        overMtu: await said(req.writeValueWithoutResponse(new Uint8Array(300))),
        twice: await Promise.all([said(req.writeValueWithoutResponse(new Uint8Array([0x80]))), said(req.writeValueWithoutResponse(new Uint8Array([0x80])))]),
      };
    }, IDS);
    expect(r).toEqual({
      unsubscribed: 0,
      subscribed: 1,
      big: "InvalidModificationError: Value can't exceed 512 bytes.",
      overMtu: "NetworkError: GATT operation failed for unknown reason.",
      twice: ["ok", "NetworkError: GATT operation already in progress."],
    });
  });

  it("says a lost link only with gattserverdisconnected; the last connection's objects are dead after it", async () => {
    const lost = tab.page.evaluate(
      () => new Promise<boolean>((resolve) => ((window as any).probe.d as EventTarget).addEventListener("gattserverdisconnected", (e) => resolve(e.bubbles), { once: true })),
    );
    await tab.radio.drop();
    expect(await lost).toBe(true);
    const r = await tab.page.evaluate(async () => {
      const { d, req } = (window as any).probe;
      const said = (p: Promise<unknown>) => p.then(() => "ok", (e: Error) => e.name);
      const connected = d.gatt.connected;
      const whileDown = await said(req.writeValueWithoutResponse(new Uint8Array([0x80])));
      await d.gatt.connect();
      const stale = await said(req.writeValueWithoutResponse(new Uint8Array([0x80])));
      d.gatt.disconnect();
      return { connected, whileDown, stale };
    });
    expect(r).toEqual({ connected: false, whileDown: "NetworkError", stale: "InvalidStateError" });
    expect(tab.foreign).toEqual([]);
    expect(dev.errors).toEqual([]);
  });
});
