import { afterEach, describe, expect, it } from "vitest";
import { Op, State } from "../../shared/codes";
import { TimeoutError } from "../../companion/errors";
import { withTimeout } from "../../companion/device/timeout";
import { simNoble, type SimNoble } from "../helpers/sim-noble";

let sim: SimNoble | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe("the link through noble's classes", () => {
  it.each([
    ["MDBT42Q", 23, 23, 20],
    ["MDBT42Q", 247, 53, 50],
    ["BANGLEJS2", 131, 131, 128],
    ["BANGLEJS2", 247, 131, 128],
  ])("board %s, central asks MTU %i: link MTU %i, packets of %i bytes", async (board, ask, mtu, payload) => {
    sim = await simNoble({ device: { board }, link: { mtu: ask } });
    const { link, client } = await sim.connect();
    expect(link.mtu).toBe(mtu);
    expect(link.payload).toBe(payload);
    expect((await client.info()).payload).toBe(payload);
    // a reply larger than one packet is reassembled
    expect((await client.programs()).entries.length).toBe(3);
  });

  it("status events arrive as the session changes", async () => {
    sim = await simNoble();
    const { client } = await sim.connect();
    const states: number[] = [];
    client.onStatus((s) => states.push(s.state));
    await client.start(0);
    sim.device.advance(1000);
    await client.pause();
    await client.stop();
    await sim.backend.settle();
    expect(states).toContain(State.Running);
    expect(states).toContain(State.Paused);
    expect(states[states.length - 1]).toBe(State.Stopped);
  });

  it("a request the device never answers is resent with the same id, then times out naming the operation", async () => {
    sim = await simNoble();
    const { link } = await sim.connect({ requestTimeoutMs: 60, retries: 2 });
    const ids: number[] = [];
    // swallow every request from now on: the device gets nothing
    const nrf = sim.device.nrf;
    const orig = nrf.centralWrite.bind(nrf);
    nrf.centralWrite = (_s: string, _c: string, data: Uint8Array) => void ids.push(data[2]);
    const err = await link.request(Op.Status).catch((e) => e);
    nrf.centralWrite = orig;
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.message).toMatch(/^reading the session state on Massager [0-9A-F]{4} timed out after 60 ms/);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(1);
    expect(link.stats.retries).toBe(2);
  });

  it("a board that advertises but never accepts the connection: the timeout's sentence, and no wait for a link that never was", async () => {
    sim = await simNoble();
    const peripheral = await sim.peripheral();
    sim.backend.connect = () => new Promise(() => undefined); // the fault: the connection is never completed
    const { Link } = await import("../../companion/ble/link");
    const link = new Link(peripheral, { connectTimeoutMs: 200 });
    const err = await link.connect().catch((e) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.message).toMatch(/^connecting to Massager [0-9A-F]{4} timed out after 200 ms; move closer/);
    const t = Date.now();
    await link.close();
    expect(Date.now() - t).toBeLessThan(500); // not the 2 s a disconnect of a link that never existed would wait
  });

  it("withTimeout names the operation and runs its cancel hook", async () => {
    let cancelled = false;
    const never = new Promise<void>(() => undefined);
    await expect(withTimeout(never, 10, "connecting to Massager 1A2B", () => (cancelled = true))).rejects.toThrow(
      "connecting to Massager 1A2B timed out after 10 ms",
    );
    expect(cancelled).toBe(true);
  });

  it("random notifications never throw, and the link still works afterwards", async () => {
    sim = await simNoble();
    const { link, client, peripheral } = await sim.connect();
    const events: unknown[] = [];
    client.onStatus((e) => events.push(e));
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const svc = "5a1e00017d2c4b8e9a513c0de5ca1900";
    const chr = "5a1e00037d2c4b8e9a513c0de5ca1900";
    for (let i = 0; i < 20000; i++) {
      const n = 1 + Math.floor(rnd() * 50);
      const b = Buffer.alloc(n);
      for (let k = 0; k < n; k++) b[k] = Math.floor(rnd() * 256);
      if (i % 3 === 0) b[0] = 0x60; // first|last: a whole (garbled) message
      sim.bindings.emit("read", peripheral.id, svc, chr, b, true);
    }
    expect(link.isConnected).toBe(true);
    expect((await client.status()).state).toBe(State.Idle);
  });
});
