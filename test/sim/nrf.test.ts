import { describe, expect, test } from "vitest";
import { VirtualDevice } from "../../companion/sim/board/device.js";
import { DISCONNECT_REASON, NUS_RX, NUS_SERVICE, NUS_TX } from "../../companion/sim/board/nrf.js";

const SVC = "7a6b0001-0000-4000-8000-00805f9b34fb";
const REQ = "7a6b0002-0000-4000-8000-00805f9b34fb";
const REP = "7a6b0003-0000-4000-8000-00805f9b34fb";

/**
 * Firmware under test: a service with a request characteristic (write) and a reply
 * characteristic (notify). Writing [n] makes it send n notifications [0], [1], … at once.
 */
const ECHO = `
  var events = [];
  NRF.on("connect", function (addr) { events.push("connect " + addr); });
  NRF.on("disconnect", function (reason) { events.push("disconnect " + reason); });
  NRF.setServices({
    "${SVC}": {
      "${REQ}": { value: [0], maxLen: 20, writable: true, onWrite: function (e) {
        events.push("write " + (e.data instanceof ArrayBuffer) + " " + new Uint8Array(e.data)[0]);
        var n = new Uint8Array(e.data)[0];
        for (var i = 0; i < n; i++) NRF.updateServices({ "${SVC}": { "${REP}": { value: [i], notify: true } } });
      } },
      "${REP}": { value: [0], maxLen: 20, readable: true, notify: true }
    }
  }, { uart: true });
`;

function connected(opts: { txQueue?: number; dropRate?: number; mtu?: number } = {}) {
  const dev = new VirtualDevice({ bundle: ECHO, txQueue: opts.txQueue, dropRate: opts.dropRate, seed: 5 });
  const got: Array<{ t: number; chr: string; data: number[] }> = [];
  dev.nrf.onNotify((_svc, chr, data) => got.push({ t: dev.clock.now(), chr, data: [...data] }));
  const info = dev.nrf.centralConnect({ mtu: opts.mtu ?? 23 });
  dev.nrf.centralSubscribe(SVC, REP, true);
  return { dev, got, info };
}

describe("VirtualNrf", () => {
  test("writes reach onWrite through the event queue with a firmware-realm ArrayBuffer", () => {
    const { dev } = connected();
    dev.nrf.centralWrite(SVC, REQ, new Uint8Array([0]));
    expect(dev.global!.events).toEqual(["connect c0:ff:ee:c0:ff:ee random", "write true 0"]);
    expect(dev.nrf.stats).toMatchObject({ rxPackets: 1, rxBytes: 1 });
  });

  test("notifications drain packetsPerInterval per connection interval, in virtual time", () => {
    const { dev, got } = connected();
    dev.nrf.centralWrite(SVC, REQ, new Uint8Array([6]));
    expect(got).toEqual([]);
    expect(dev.nrf.queuedNotifications).toBe(6);
    dev.advance(100);
    expect(got.map((g) => [g.t, g.data[0]])).toEqual([[7.5, 0], [7.5, 1], [7.5, 2], [7.5, 3], [15, 4], [15, 5]]);
    expect(got.every((g) => g.chr === REP.replace(/-/g, ""))).toBe(true);
    expect(dev.nrf.stats).toMatchObject({ txPackets: 6, txBytes: 6, droppedNotifications: 0 });
    // Link timers are the radio's, not the firmware's.
    expect(dev.pendingTimers()).toBe(0);
  });

  test("a full transmit queue drops notifications silently", () => {
    const { dev, got } = connected({ txQueue: 8 });
    dev.nrf.centralWrite(SVC, REQ, new Uint8Array([20]));
    dev.advance(200);
    expect(got.map((g) => g.data[0])).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(dev.nrf.stats.droppedNotifications).toBe(12);
    expect(dev.errors).toEqual([]);
  });

  test("without a subscription nothing is sent and nothing counts as dropped", () => {
    const { dev, got } = connected();
    dev.nrf.centralSubscribe(SVC, REP, false);
    dev.nrf.centralWrite(SVC, REQ, new Uint8Array([3]));
    dev.advance(100);
    expect(got).toEqual([]);
    expect(dev.nrf.stats.droppedNotifications).toBe(0);
    expect([...dev.nrf.centralRead(SVC, REP)]).toEqual([2]); // the value was still updated
  });

  test("a notification carries the bytes at the time of the call", () => {
    const dev = new VirtualDevice({
      bundle: `NRF.setServices({ "${SVC}": { "${REP}": { value: [0, 0], notify: true, readable: true } } });
        var buf = new Uint8Array([1, 1]);
        function send() { NRF.updateServices({ "${SVC}": { "${REP}": { value: buf, notify: true } } }); buf[0] = 9; }`,
    });
    const got: number[][] = [];
    dev.nrf.onNotify((_s, _c, d) => got.push([...d]));
    dev.nrf.centralConnect();
    dev.nrf.centralSubscribe(SVC, REP, true);
    dev.eval("send()");
    dev.advance(10);
    expect(got).toEqual([[1, 1]]);
  });

  test("the MTU is the smaller of the central's request and the board's; longer writes throw", () => {
    const { dev, info } = connected({ mtu: 247 });
    expect(info.mtu).toBe(53);
    expect(info.payload).toBe(50);
    expect(() => dev.nrf.centralWrite(SVC, REQ, new Uint8Array(21))).toThrow(/maxLen 20/);
    dev.nrf.centralDisconnect();
    dev.nrf.centralConnect();
    expect(() => dev.nrf.centralWrite(NUS_SERVICE, NUS_RX, new Uint8Array(21))).toThrow(/exceeds MTU-3 \(20 bytes\)/);
  });

  test("disconnect reaches the firmware; services set while connected apply after it", () => {
    const { dev } = connected();
    dev.eval(`NRF.setServices({ "180f": { "2a19": { value: [99], readable: true } } }, { uart: false });`);
    expect(dev.nrf.services.has("180f")).toBe(false);
    dev.nrf.centralDisconnect();
    expect(dev.global!.events).toEqual(["connect c0:ff:ee:c0:ff:ee random", "disconnect 19"]);
    expect([...dev.nrf.services.keys()]).toEqual(["180f"]);
    dev.nrf.centralConnect();
    expect([...dev.nrf.centralRead("0x180F", "2A19")]).toEqual([99]);
  });

  test("security status and the device ending the link", () => {
    const dev = new VirtualDevice({ bundle: `NRF.setSecurity({ passkey: "123456", mitm: 1, display: 1 });` });
    expect(dev.eval("NRF.getSecurityStatus().connected")).toBe(false);
    const reasons: number[] = [];
    dev.nrf.on("disconnect", (r: number) => reasons.push(r));
    // no pairing is modelled: a link is encrypted or bonded only when the peripheral demands it, which
    // the firmware never does (its owners prove a key instead)
    dev.nrf.centralConnect({ address: "aa:bb:cc:dd:ee:ff public" });
    expect(JSON.parse(dev.eval("JSON.stringify(NRF.getSecurityStatus())") as string)).toEqual({
      advertising: false,
      connected: true,
      encrypted: false,
      mitm_protected: false,
      bonded: false,
      connected_addr: "aa:bb:cc:dd:ee:ff public",
    });
    dev.eval("NRF.disconnect()");
    expect(reasons).toEqual([DISCONNECT_REASON.LOCAL_HOST_TERMINATED]);
    expect(dev.nrf.connected).toBe(false);
  });

  test("a power cut drops the link with a supervision timeout and loses the queue", () => {
    const { dev } = connected();
    const reasons: number[] = [];
    dev.nrf.on("disconnect", (r: number) => reasons.push(r));
    dev.nrf.centralWrite(SVC, REQ, new Uint8Array([5]));
    dev.powerCut();
    expect(reasons).toEqual([DISCONNECT_REASON.SUPERVISION_TIMEOUT]);
    expect(dev.nrf.stats.lostOnDisconnect).toBe(5);
    expect(() => dev.nrf.centralConnect()).toThrow(/powered off/);
    dev.boot();
    expect(() => dev.nrf.centralConnect()).not.toThrow();
  });

  test("dropRate drops notifications at random, repeatably for a seed", () => {
    const run = () => {
      const { dev, got } = connected({ dropRate: 0.3, txQueue: 100 });
      dev.nrf.centralWrite(SVC, REQ, new Uint8Array([100]));
      dev.advance(1000);
      return { ids: got.map((g) => g.data[0]), stats: { ...dev.nrf.stats } };
    };
    const a = run();
    expect(a.stats.randomDrops).toBeGreaterThan(10);
    expect(a.stats.randomDrops).toBeLessThan(50);
    expect(a.ids.length).toBe(100 - a.stats.randomDrops);
    expect(run().ids).toEqual(a.ids);
  });

  test("the Nordic UART console evaluates input and answers over TX", () => {
    const dev = new VirtualDevice();
    const out: string[] = [];
    dev.nrf.onNotify((svc, chr, d) => {
      if (svc === NUS_SERVICE && chr === NUS_TX) out.push(String.fromCharCode(...d));
    });
    dev.nrf.centralConnect();
    dev.nrf.centralSubscribe(NUS_SERVICE, NUS_TX, true);
    dev.nrf.uartWrite('\x10print("sum", 1+\n2)\n');
    dev.nrf.uartWrite("40+2\n");
    dev.advance(100);
    expect(dev.console).toEqual(["sum 3"]);
    expect(out.join("")).toBe("sum 3\r\n=42\r\n>");
  });
});
