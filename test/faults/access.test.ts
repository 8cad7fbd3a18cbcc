/**
 * Access: who may use the device, and who may run code on it.
 *
 * Owners (shared/messages.ts "Owners"): with an owner key paired, every op but INFO, AUTH and PAIR
 * is refused (Status.Denied) unless the link proved a key (AUTH against this connection's nonce)
 * and signs the request with its session key and a counter that grows. Strangers are tried every way
 * a person in radio range could: no key, a wrong key, another device's key, an owner's request or
 * AUTH replayed, a forged signature, PAIR outside the trust window, thousands of random requests —
 * always Denied, not one flash write. The owner does everything. The person holding the device can
 * always get back in: the 5-second hold opens the trust window, and a new key pairs (even over four
 * strangers' keys, with --replace). A device that firmware before protocol 2 left with RequireBond
 * and a passkey stays protected and pairs with that passkey. Through the companion: a computer
 * without the key gets one sentence saying to pair (exit 3), `massager pair` outside the window says
 * to hold the button, inside it pairs; then push, sync and start work; `massager unpair` opens the
 * device again. No link here is ever bonded or encrypted: the simulated link does neither.
 *
 * LockConsole: the Nordic UART console is gone, so no code can be run over BLE; the 5-second hold
 * opens it for 60 s: a new firmware bundle written through the UART console into `.bootcde` (as
 * espruino-tools does over BLE) boots, and the console closes again after the window. (Flashing
 * through the TCP console of `massager sim` with espruino-tools: test/sim-server/sim-server.test.ts.)
 */
import { afterEach, describe, expect, it } from "vitest";
import { statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { VirtualDevice } from "../../companion/sim/board/device";
import { NUS_SERVICE, NUS_TX } from "../../companion/sim/board/nrf";
import { buildFirmware } from "../../scripts/build.mjs";
import { Central, hmac } from "../helpers/central";
import { simNoble, type SimNoble } from "../helpers/sim-noble";
import { ANY_SLOT, Op, SIGNED, SLOT_BASE, STATUS_TEXT, Setting, State, Status } from "../../shared/codes";
import { crc32, crc8 } from "../../shared/crc";
import { pack } from "../../shared/bytes";
import {
  INFO_CONSOLE_LOCKED, INFO_OWNER, INFO_PASSKEY, INFO_PROTECTED, decodeInfo, decodeStatus, encodeLogAck, encodeLogRead, encodeProgBegin,
  encodeProgRead, encodeProgWrite, encodeSettings, encodeU32, signBody, signedInput,
} from "../../shared/messages";
import { encodeMessage } from "../../shared/frame";
import { encodeProgram, type Program } from "../../shared/program";
import { buttonSessions, bytes, int, pick, recordsInFlash, seededRandom, tempHistory, expectHistoryHolds } from "../helpers/faults";
import { bootDevice } from "../helpers/firmware";

const PROGRAM: Program = { name: "Mine", steps: [{ region: 0, pattern: 4, duration: 20, intensity: 0.5, cue: 0 }] };
const image = encodeProgram(PROGRAM);
const OWNER_KEY = new Uint8Array(16).map((_, i) => 0x30 + i);

let sim: SimNoble | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

function connect(dev: VirtualDevice): Central {
  const c = new Central(dev);
  c.connect({ mtu: 53 });
  c.info();
  return c;
}

/** The person holds the button 5 s while idle: the trust window opens (pairing, console). */
function trustWindow(dev: VirtualDevice): void {
  dev.buttonDown();
  dev.advance(5200);
  dev.buttonUp();
  dev.advance(500);
}

/** Every op but INFO, AUTH and PAIR, each with a well-formed body. */
const PROTECTED: [string, number, number[]][] = [
  ["time-set", Op.TimeSet, [...encodeU32(1_800_000_000)]],
  ["status", Op.Status, []],
  ["settings-set", Op.SettingsSet, [...encodeSettings(0)]],
  ["unpair", Op.Unpair, [ANY_SLOT]],
  ["log-read", Op.LogRead, [...encodeLogRead({ after: 0, max: 4, window: 0, logId: 0 })]],
  ["log-ack", Op.LogAck, [...encodeLogAck({ upTo: 1, logId: 0 })]],
  ["program-list", Op.ProgList, []],
  ["program-begin", Op.ProgBegin, [...encodeProgBegin({ slot: 1, size: image.length, crc: crc32(image, 0, image.length, 0) })]],
  ["program-write", Op.ProgWrite, [...encodeProgWrite({ slot: 1, offset: 0, data: image.subarray(0, 10) })]],
  ["program-commit", Op.ProgCommit, [1]],
  ["program-read", Op.ProgRead, [...encodeProgRead({ id: SLOT_BASE, offset: 0, len: 20 })]],
  ["program-delete", Op.ProgDelete, [SLOT_BASE]],
  ["program-select", Op.ProgSelect, [SLOT_BASE]],
  ["start", Op.Start, [0]],
  ["pause", Op.Pause, []],
  ["resume", Op.Resume, []],
  ["stop", Op.Stop, []],
];

/** A device in use (a program in slot 0, three sessions) with OWNER_KEY paired in slot 0. */
async function ownedDevice(seed = 8): Promise<VirtualDevice> {
  const dev = await bootDevice({ seed });
  buttonSessions(dev, 3);
  const c = connect(dev);
  expect(c.upload(0, image).status).toBe(Status.Ok);
  c.disconnect();
  trustWindow(dev);
  const o = connect(dev);
  expect(o.pair(OWNER_KEY)).toMatchObject({ status: Status.Ok, body: Uint8Array.of(0) });
  o.disconnect();
  dev.advance(60_000); // the window closes
  return dev;
}

/** Records what a central writes (as a listener in radio range hears it); returns the stop function. */
function overhear(c: Central, into: Uint8Array[]): () => void {
  const write = c.writePacket.bind(c);
  c.writePacket = (p: Uint8Array) => {
    into.push(p.slice());
    write(p);
  };
  return () => void (c.writePacket = write);
}

/** A stranger's request, sent as it is (flags and body) and its reply. */
function raw(c: Central, op: number, flags: number, body: Uint8Array, id = 200): { status: number; body: Uint8Array } {
  const from = c.messages.length;
  c.sendRaw(encodeMessage(op, id, flags, body.length ? body : null));
  return c.waitReply(id, from);
}

describe("owners", () => {
  it("a stranger is Denied every op but INFO, AUTH and PAIR, however it asks, and nothing is written", async () => {
    const dev = await ownedDevice();
    const other = await ownedDevice(9); // another massager, paired with its own key
    const otherKey = new Uint8Array(16).fill(0x77);
    trustWindow(other);
    const oc = connect(other);
    expect(oc.pair(otherKey, 1).status).toBe(Status.Ok);
    oc.disconnect();
    const writes = dev.flash.writeCount;
    const image0 = dev.flash.raw();

    // no key: unsigned requests
    let c = connect(dev);
    const info = decodeInfo(c.info().body)!;
    expect(info.flags & INFO_PROTECTED).toBeTruthy();
    expect(info.flags & INFO_OWNER).toBeFalsy();
    expect(info).toMatchObject({ logId: 0, newest: 0, held: 0, acked: 0, selected: 0, time: 0, storageFree: 0 });
    for (const [name, op, body] of PROTECTED) expect(c.request(op, body).status, `unsigned ${name}`).toBe(Status.Denied);
    // PAIR outside the trust window
    expect(c.pair(new Uint8Array(16).fill(1)).status).toBe(Status.Denied);
    // a wrong key, and another device's key (its slot 1 here is empty; slot 0 holds OWNER_KEY)
    for (const [slot, k] of [[0, new Uint8Array(16).fill(2)], [1, otherKey], [0, otherKey]] as const)
      expect(c.auth(slot, k).status, `AUTH with key ${k[0]} in slot ${slot}`).toBe(Status.Denied);
    // a signature made up without a session key
    for (const [name, op, body] of PROTECTED) {
      const forged = signBody(Uint8Array.from(body), 1, hmac(new Uint8Array(32).fill(3), signedInput(1, op, 200, Uint8Array.from(body))));
      expect(raw(c, op, SIGNED, forged).status, `forged ${name}`).toBe(Status.Denied);
    }
    c.disconnect();

    // the owner's own traffic, recorded by a listener, replayed: on a new connection (new nonce),
    // and on the owner's connection (a counter already seen)
    const o = connect(dev);
    expect(o.auth(0, OWNER_KEY).status).toBe(Status.Ok);
    const sent: Uint8Array[] = [];
    const off = overhear(o, sent);
    const before = o.messages.length;
    expect(o.request(Op.Status).status).toBe(Status.Ok);
    off();
    for (const p of sent) o.writePacket(p); // the same counter again, on the same link (stray replies are not the test's)
    dev.advance(200);
    expect(o.messages.slice(before + 1).map((m) => m.status)).toEqual([Status.Denied]);
    o.disconnect();
    c = connect(dev);
    const from = c.messages.length;
    for (const p of sent) c.writePacket(p); // on another connection: another session key
    dev.advance(200);
    expect(c.messages.slice(from).map((m) => m.status)).toEqual([Status.Denied]);
    c.disconnect();
    // AUTH replayed on a new connection: its proof was for the old nonce
    const first = connect(dev);
    const authPackets: Uint8Array[] = [];
    const off2 = overhear(first, authPackets);
    expect(first.auth(0, OWNER_KEY).status).toBe(Status.Ok);
    off2();
    first.disconnect();
    c = connect(dev);
    const f2 = c.messages.length;
    for (const p of authPackets) c.writePacket(p);
    dev.advance(200);
    expect(c.messages.slice(f2).map((m) => m.status)).toEqual([Status.Denied]);
    expect(decodeInfo(c.info().body)!.flags & INFO_OWNER).toBeFalsy();
    c.disconnect();

    expect(dev.flash.writeCount).toBe(writes);
    expect(Buffer.from(dev.flash.raw()).equals(Buffer.from(image0))).toBe(true);
    expect(dev.errors).toEqual([]);
  });

  it("3,000 random requests from strangers change nothing: not one flash write, no session", async () => {
    const dev = await ownedDevice();
    const c = connect(dev);
    const before = { writes: dev.flash.writeCount, image: dev.flash.raw() };
    const rnd = seededRandom(808);
    const ops = [...PROTECTED.map((p) => p[1]), Op.Auth, Op.Pair, Op.Info];
    for (let i = 0; i < 3000; i++) {
      const op = pick(rnd, ops);
      const known = PROTECTED.find((p) => p[1] === op)?.[2] ?? [];
      let b = rnd() < 0.5 ? Uint8Array.from(known) : bytes(rnd, int(rnd, 0, 40));
      let flags = 0;
      if (rnd() < 0.5) {
        // a signature of random bytes, with any counter
        b = signBody(b, int(rnd, 0, 0xffff), bytes(rnd, 8));
        flags = SIGNED;
      }
      if (op === Op.Info) b = Uint8Array.of(50);
      const r = raw(c, op, flags, b, 1 + (i % 250));
      if (op === Op.Info) expect(r.status).toBe(flags ? Status.Denied : Status.Ok);
      else expect([Status.Denied, Status.BadRequest], `op ${op} flags ${flags}`).toContain(r.status);
    }
    expect(dev.flash.writeCount).toBe(before.writes);
    expect(Buffer.from(dev.flash.raw()).equals(Buffer.from(before.image))).toBe(true);
    expect(dev.motor).toBe(0);
    c.disconnect();
    const o = connect(dev);
    expect(o.auth(0, OWNER_KEY).status).toBe(Status.Ok);
    expect([State.Running, State.Paused]).not.toContain(decodeStatus(o.request(Op.Status).body)!.state);
    expect(dev.errors).toEqual([]);
  });

  it("the owner does everything; a new key in the trust window always gets the person back in", async () => {
    const dev = await ownedDevice();
    let o = connect(dev);
    expect(o.auth(0, OWNER_KEY).status).toBe(Status.Ok);
    const i = decodeInfo(o.info().body)!;
    expect(i.flags & INFO_OWNER).toBeTruthy();
    expect(i).toMatchObject({ newest: 3, held: 3 });
    expect(o.request(Op.TimeSet, encodeU32(1_800_000_000)).status).toBe(Status.Ok);
    expect(o.readLog(0).records).toHaveLength(3);
    expect(o.ack(3).status).toBe(Status.Ok);
    expect(o.upload(1, image).status).toBe(Status.Ok);
    expect(o.request(Op.Start, [SLOT_BASE + 1]).status).toBe(Status.Ok);
    expect(o.request(Op.Pause).status).toBe(Status.Ok);
    expect(o.request(Op.Resume).status).toBe(Status.Ok);
    expect(o.request(Op.Stop).status).toBe(Status.Ok);
    expect(o.request(Op.ProgDelete, [SLOT_BASE + 1]).status).toBe(Status.Ok);
    expect(o.request(Op.SettingsSet, encodeSettings(Setting.LockConsole)).status).toBe(Status.Ok);
    // an owner may add another key (a phone) without the button
    expect(o.pair(new Uint8Array(16).fill(5)).body[0]).toBe(1);
    o.disconnect();

    // strangers took the other two slots in a window the owner left open
    trustWindow(dev);
    for (const fill of [6, 7]) {
      const s = connect(dev);
      expect(s.pair(new Uint8Array(16).fill(fill)).status).toBe(Status.Ok);
      s.disconnect();
    }
    dev.advance(60_000);
    // the person lost the laptop: every slot is taken and no key is at hand; the hold, then a new
    // key into a slot of the person's choosing
    trustWindow(dev);
    const lost = connect(dev);
    expect(lost.pair(new Uint8Array(16).fill(8)).status).toBe(Status.NoSpace);
    expect(lost.pair(new Uint8Array(16).fill(8), 2).status).toBe(Status.Ok);
    expect(lost.auth(2, new Uint8Array(16).fill(8)).status).toBe(Status.Ok);
    // and as an owner, the person sends the strangers away
    expect(lost.request(Op.Unpair, [3]).status).toBe(Status.Ok);
    expect(decodeInfo(lost.info().body)!.owners).toBe(0b0111);
    lost.disconnect();
    o = connect(dev);
    expect(o.auth(3, new Uint8Array(16).fill(7)).status).toBe(Status.Denied);
    // unpairing everyone opens the device
    expect(o.auth(0, OWNER_KEY).status).toBe(Status.Ok);
    expect(o.request(Op.Unpair, [ANY_SLOT]).status).toBe(Status.Ok);
    o.sessionKey = null;
    expect(decodeInfo(o.info().body)!.flags & INFO_PROTECTED).toBeFalsy();
    expect(o.request(Op.Status).status).toBe(Status.Ok);
    expect(dev.errors).toEqual([]);
  });

  it("a device that older firmware left with RequireBond and a passkey stays protected, and that passkey pairs (no lock-out)", async () => {
    const dev = await bootDevice({ seed: 3 });
    dev.powerCut();
    // firmware before protocol 2 kept its settings in "mset0": flags + (passkey + 1) × 256, one
    // 8-byte slot (value u32, generation u16, crc8, 0); the journal does not exist yet
    for (const f of dev.flash.list(/^mcfg/)) dev.flash.erase(f);
    const slot = pack("4211", [Setting.RequireBond | Setting.LockConsole | ((402817 + 1) << 8), 1, 0, 0]);
    slot[6] = crc8(slot, 0, 6);
    dev.flash.write("mset0", slot, 0, 128);
    dev.boot();
    dev.advance(0);
    const c = connect(dev);
    const i = decodeInfo(c.info().body)!;
    expect(i.flags & INFO_PROTECTED).toBeTruthy();
    expect(i.flags & INFO_PASSKEY).toBeTruthy();
    expect(i.flags & INFO_CONSOLE_LOCKED).toBeTruthy();
    expect(c.request(Op.Start, [0]).status).toBe(Status.Denied);
    expect(c.pair(OWNER_KEY, ANY_SLOT, "402818").status).toBe(Status.Denied);
    expect(c.pair(OWNER_KEY, ANY_SLOT, "402817").status).toBe(Status.Ok);
    expect(dev.flash.list(/^mset/)).toEqual([]);
    expect(c.auth(0, OWNER_KEY).status).toBe(Status.Ok);
    const after = decodeInfo(c.info().body)!;
    expect(after.flags & INFO_PASSKEY).toBeFalsy(); // the old passkey pairs once
    expect(after.settings).toBe(Setting.LockConsole);
    expect(c.request(Op.Start, [0]).status).toBe(Status.Ok);
    expect(c.request(Op.Stop).status).toBe(Status.Ok);
    c.disconnect();
    expect(connect(dev).pair(new Uint8Array(16), ANY_SLOT, "402817").status).toBe(Status.Denied);
    expect(dev.errors).toEqual([]);
  });

  it("through the companion: a computer without the key is told to pair; `massager pair` in the window makes it an owner; unpair opens the device", async () => {
    const dev = await ownedDevice();
    const flash = dev.flash.clone();
    dev.powerCut();
    sim = await simNoble({ flash });
    sim.device.advance(0);
    const h = tempHistory();
    try {
      const file = join(h.dir, "mine.json");
      writeFileSync(file, JSON.stringify({ name: "Other", steps: [{ region: "back", pattern: "steady", duration: 30, intensity: 0.4 }] }));
      const writes = sim.device.flash.writeCount;
      for (const argv of [["push", file, "--slot", "1"], ["sync"], ["status"], ["settings", "--lock-console", "off"]]) {
        const r = await sim.cli(argv, { dataDir: h.dir });
        expect(r.code, `${argv[0]}: ${r.stderr}`).toBe(3);
        expect(r.stdout).toBe("");
        const lines = r.stderr.trimEnd().split("\n");
        expect(lines, argv[0]).toHaveLength(1);
        expect(lines[0]).toContain(STATUS_TEXT[Status.Denied]);
        expect(r.stderr).not.toMatch(/\n\s+at |Error:/);
      }
      expect(sim.device.flash.writeCount).toBe(writes);
      const info = await sim.cli(["info", "--json"], { dataDir: h.dir });
      expect(info.code).toBe(0);
      expect(JSON.parse(info.stdout)).toMatchObject({ protected: true, owner: false, owners: [0], log_id: null, sessions_held: null });
      // pairing outside the window says what to do
      const early = await sim.cli(["pair"], { dataDir: h.dir });
      expect(early.code).toBe(3);
      expect(early.stderr).toMatch(/hold its button for 5 seconds/);
      // the hold, then `massager pair`
      trustWindow(sim.device);
      const paired = await sim.cli(["pair", "--json"], { dataDir: h.dir });
      expect(paired.code, paired.stderr).toBe(0);
      expect(JSON.parse(paired.stdout)).toMatchObject({ slot: 1, owners: [0, 1] });
      expect(statSync(join(h.dir, "owners.json")).mode & 0o777).toBe(0o600);
      const expected = recordsInFlash(sim.device.flash);
      for (const argv of [["push", file, "--slot", "1"], ["sync"], ["status"], ["time"]]) {
        const r = await sim.cli(argv, { dataDir: h.dir });
        expect(r.code, `${argv[0]}: ${r.stderr}`).toBe(0);
      }
      const logId = JSON.parse((await sim.cli(["info", "--json"], { dataDir: h.dir })).stdout).log_id;
      expectHistoryHolds(h.history, sim.device.nrf.getAddress().split(" ")[0], expected);
      expect(logId).toMatch(/^[0-9a-f]{8}$/);
      // unpair every owner: the device is open to anyone again
      const un = await sim.cli(["unpair", "--all", "--json"], { dataDir: h.dir });
      expect(un.code, un.stderr).toBe(0);
      expect(JSON.parse(un.stdout)).toMatchObject({ protected: false, owners: [] });
      const c = connect(sim.device);
      expect(c.request(Op.Status).status).toBe(Status.Ok);
      c.disconnect();
      expect(sim.device.errors).toEqual([]);
    } finally {
      h.done();
    }
  });

  it("a device whose flash is erased forgets its owners", async () => {
    const dev = await ownedDevice();
    dev.powerCut();
    for (const f of dev.flash.list()) if (f !== ".bootcde") dev.flash.erase(f);
    dev.boot();
    dev.advance(0);
    const c = connect(dev);
    expect(decodeInfo(c.info().body)!.flags & INFO_PROTECTED).toBeFalsy();
    expect(c.request(Op.Start, [0]).status).toBe(Status.Ok);
    expect(c.request(Op.Stop).status).toBe(Status.Ok);
  });
});

describe("LockConsole", () => {
  it("no code over the Nordic UART while locked; the 5-second hold opens it for 60 s; flashing works through the window", async () => {
    const dev = await bootDevice({ seed: 9 });
    let c = connect(dev);
    expect(c.request(Op.SettingsSet, encodeSettings(Setting.LockConsole)).status).toBe(Status.Ok);
    c.disconnect(); // the UART goes once the central has gone
    const uart = () => dev.nrf.discover().some((s) => s.uuid === NUS_SERVICE);
    expect(uart()).toBe(false);

    // locked: a central finds no console to type into; nothing runs
    c = connect(dev);
    expect(decodeInfo(c.info().body)!.flags & INFO_CONSOLE_LOCKED).toBeTruthy();
    const lines = dev.console.length;
    expect(() => dev.nrf.uartWrite('require("Storage").erase(".bootcde")\n')).toThrow(/not found/);
    dev.advance(100);
    expect(dev.console.length).toBe(lines);
    expect(dev.flash.exists(".bootcde")).toBe(true);
    c.disconnect();

    // the 5-second hold (idle): one buzz, the console opens
    dev.buttonDown();
    dev.advance(5200);
    dev.buttonUp();
    dev.advance(500);
    expect(uart()).toBe(true);

    // within the window: connect to the UART and write a new bundle into .bootcde, as espruino-tools does
    const fw = await buildFirmware({ outfile: null, version: "9.9.9-window" });
    const src = new TextEncoder().encode(fw.code);
    dev.nrf.centralConnect({ mtu: 53 });
    dev.advance(0);
    dev.nrf.centralSubscribe(NUS_SERVICE, NUS_TX, true);
    let out = "";
    dev.nrf.on("uart", (t: string) => (out += t));
    dev.nrf.uartWrite("\x03");
    for (let o = 0; o < src.length; o += 600) {
      const chunk = Buffer.from(src.subarray(o, o + 600)).toString("base64");
      dev.nrf.uartWrite(`\x10require("Storage").write(".bootcde",atob("${chunk}"),${o}${o === 0 ? `,${src.length}` : ""});\n`);
      dev.advance(50);
    }
    expect(Buffer.from(dev.flash.readBytes(".bootcde")!).equals(Buffer.from(src))).toBe(true);
    const boots = dev.bootCount;
    dev.nrf.uartWrite("\x10load();\n");
    dev.advance(1000);
    expect(dev.bootCount).toBe(boots + 1);
    expect(dev.errors).toEqual([]);
    expect(out).not.toMatch(/Uncaught/);

    // the new firmware runs, with the lock kept: no console after the restart
    c = connect(dev);
    expect(decodeInfo(c.info().body)!.firmware).toBe("9.9.9-window");
    c.disconnect();
    expect(uart()).toBe(false);

    // and a window closes by itself after 60 s
    dev.buttonDown();
    dev.advance(5200);
    dev.buttonUp();
    dev.advance(500);
    expect(uart()).toBe(true);
    dev.advance(60_000);
    expect(uart()).toBe(false);
    expect(dev.pendingTimers()).toBe(0);
    expect(dev.errors).toEqual([]);
  });
});
