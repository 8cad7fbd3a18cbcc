/**
 * Access: who may change the device, and who may run code on it.
 *
 * RequireBond: with it on, every request that changes the device (clock, settings, log ack,
 * program upload/commit/delete/select, start/pause/resume/stop) is refused with Status.Denied on a
 * link that is not both bonded and encrypted, and reads still work; 3,000 random change requests
 * from an unbonded central change nothing (not one flash write, no session). Through the companion:
 * `massager push`, `sync` and `start` from an unpaired computer fail with one clear sentence (the
 * STATUS_TEXT for Denied), exit 3, no stack trace, nothing changed on the device; the same upload
 * and sync over a bonded, encrypted link succeed.
 *
 * LockConsole: the Nordic UART console is gone, so no code can be run over BLE; the 5-second hold
 * opens it for 60 s: a new firmware bundle written through the UART console into `.bootcde` (as
 * espruino-tools does over BLE) boots, and the console closes again after the window. (Flashing
 * through the TCP console of `massager sim` with espruino-tools: test/sim-server/sim-server.test.ts.)
 */
import { afterEach, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { VirtualDevice } from "../../companion/sim/board/device";
import { NUS_SERVICE, NUS_TX } from "../../companion/sim/board/nrf";
import { sync } from "../../companion/device/sync";
import { push } from "../../companion/device/upload";
import { buildFirmware } from "../../scripts/build.mjs";
import { Central } from "../helpers/central";
import { simNoble, type SimNoble } from "../helpers/sim-noble";
import { Op, SLOT_BASE, STATUS_TEXT, Setting, State, Status } from "../../shared/codes";
import { crc32 } from "../../shared/crc";
import { decodeInfo, decodeStatus, encodeLogRead, encodeProgBegin, encodeProgRead, encodeProgWrite, encodeSettings, encodeU32, INFO_CONSOLE_LOCKED } from "../../shared/messages";
import { encodeProgram, type Program } from "../../shared/program";
import { buttonSessions, bytes, int, pick, recordsInFlash, seededRandom, tempHistory, expectHistoryHolds } from "../helpers/faults";
import { bootDevice } from "../helpers/firmware";

const PROGRAM: Program = { name: "Mine", steps: [{ region: 0, pattern: 4, duration: 20, intensity: 0.5, cue: 0 }] };
const image = encodeProgram(PROGRAM);

let sim: SimNoble | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

function connect(dev: VirtualDevice, opts: { bonded?: boolean; encrypted?: boolean } = {}): Central {
  const c = new Central(dev);
  c.connect({ mtu: 53, ...opts });
  c.info();
  return c;
}

/** Each change request with a well-formed body. */
const CHANGES: [string, number, number[]][] = [
  ["time-set", Op.TimeSet, [...encodeU32(1_800_000_000)]],
  ["settings-set", Op.SettingsSet, [0]],
  ["log-ack", Op.LogAck, [...encodeU32(1)]],
  ["program-begin", Op.ProgBegin, [...encodeProgBegin({ slot: 1, size: image.length, crc: crc32(image, 0, image.length, 0) })]],
  ["program-write", Op.ProgWrite, [...encodeProgWrite({ slot: 1, offset: 0, data: image.subarray(0, 10) })]],
  ["program-commit", Op.ProgCommit, [1]],
  ["program-delete", Op.ProgDelete, [SLOT_BASE]],
  ["program-select", Op.ProgSelect, [SLOT_BASE]],
  ["start", Op.Start, [0]],
  ["pause", Op.Pause, []],
  ["resume", Op.Resume, []],
  ["stop", Op.Stop, []],
];
const READS: [string, number, number[]][] = [
  ["info", Op.Info, [50]],
  ["status", Op.Status, []],
  ["settings-get", Op.SettingsGet, []],
  ["log-read", Op.LogRead, [...encodeLogRead({ after: 0, max: 4 })]],
  ["program-list", Op.ProgList, []],
  ["program-read", Op.ProgRead, [...encodeProgRead({ id: SLOT_BASE, offset: 0, len: 20 })]],
];

/** A device with a program in slot 0, a few records, and RequireBond on (passkey 402817). */
async function lockedDevice(): Promise<VirtualDevice> {
  const dev = await bootDevice({ seed: 8 });
  buttonSessions(dev, 3);
  const c = connect(dev);
  expect(c.upload(0, image).status).toBe(Status.Ok);
  expect(c.request(Op.SettingsSet, encodeSettings({ flags: Setting.RequireBond, passkey: "402817" })).status).toBe(Status.Ok);
  c.disconnect();
  return dev;
}

describe("RequireBond", () => {
  it("changes need a bonded AND encrypted link; reads never do", async () => {
    const dev = await lockedDevice();
    for (const [kind, link] of [
      ["not bonded", {}],
      ["bonded, not encrypted", { bonded: true }],
      ["encrypted, not bonded", { encrypted: true }],
      ["bonded and encrypted", { bonded: true, encrypted: true }],
    ] as const) {
      const c = connect(dev, link);
      const allowed = kind === "bonded and encrypted";
      for (const [name, op, body] of CHANGES) {
        const r = c.request(op, body);
        if (allowed) expect(r.status, `${kind}: ${name}`).not.toBe(Status.Denied);
        else expect(r.status, `${kind}: ${name}`).toBe(Status.Denied);
        expect(r.body.length, `${kind}: ${name}: a refusal carries no data`).toBe(allowed ? r.body.length : 0);
      }
      for (const [name, op, body] of READS) expect(c.request(op, body).status, `${kind}: ${name}`).not.toBe(Status.Denied);
      if (allowed) {
        // put back what the allowed round changed: RequireBond on again, no session
        c.request(Op.Stop);
        expect(c.request(Op.SettingsSet, [Setting.RequireBond]).status).toBe(Status.Ok);
      }
      c.disconnect();
    }
    expect(dev.errors).toEqual([]);
  });

  it("3,000 random change requests from an unbonded central change nothing", async () => {
    const dev = await lockedDevice();
    const c = connect(dev);
    const before = { writes: dev.flash.writeCount, image: dev.flash.raw(), programs: c.request(Op.ProgList).body };
    const rnd = seededRandom(808);
    for (let i = 0; i < 3000; i++) {
      const [, op, body] = pick(rnd, CHANGES);
      const b = rnd() < 0.5 ? body : [...bytes(rnd, int(rnd, 0, 40))];
      const r = c.request(op, b);
      expect(r.status === Status.Denied || (r.status === Status.BadRequest && b.length < body.length)).toBe(true);
    }
    expect(dev.flash.writeCount).toBe(before.writes);
    expect(Buffer.from(dev.flash.raw()).equals(Buffer.from(before.image))).toBe(true);
    expect(Buffer.from(c.request(Op.ProgList).body).equals(Buffer.from(before.programs))).toBe(true);
    expect([State.Running, State.Paused]).not.toContain(decodeStatus(c.request(Op.Status).body)!.state);
    expect(dev.motorTimeline().filter((s) => s.v > 0 && s.t > 0).length).toBeLessThan(200); // only the 3 earlier sessions
    expect(dev.motor).toBe(0);
    expect(dev.errors).toEqual([]);
  });

  it("the companion from an unpaired computer: one clear sentence each, nothing changed; a paired one succeeds", async () => {
    const dev = await lockedDevice();
    const flash = dev.flash.clone();
    dev.powerCut();
    sim = await simNoble({ flash });
    sim.device.advance(0);
    const h = tempHistory();
    try {
      const file = join(h.dir, "mine.json");
      writeFileSync(file, JSON.stringify({ name: "Other", steps: [{ region: "back", pattern: "steady", duration: 30, intensity: 0.4 }] }));
      const writes = sim.device.flash.writeCount;
      for (const argv of [["push", file, "--slot", "1"], ["sync"], ["start"], ["settings", "--require-bond", "off"]]) {
        const r = await sim.cli(argv, { dataDir: h.dir });
        expect(r.code, `${argv[0]}: ${r.stderr}`).toBe(3);
        expect(r.stdout).toBe("");
        const lines = r.stderr.trimEnd().split("\n");
        expect(lines, argv[0]).toHaveLength(1);
        expect(lines[0]).toContain(STATUS_TEXT[Status.Denied]);
        expect(r.stderr).not.toMatch(/\n\s+at |Error:/);
      }
      expect(sim.device.flash.writeCount).toBe(writes);
      const history = tempHistory();
      // nothing stored from a sync that could not run
      expect(history.history.count()).toBe(0);
      history.done();
      // reading works: `massager info` says so
      const info = await sim.cli(["info", "--json"], { dataDir: h.dir });
      expect(info.code).toBe(0);
      expect(JSON.parse(info.stdout)).toMatchObject({ bond_required: true });
      await sim.close();

      // the same device over a bonded, encrypted link (paired with the passkey): push and sync work
      sim = await simNoble({ flash: sim.device.flash, link: { mtu: 53, bonded: true, encrypted: true } });
      sim.device.advance(0);
      const { client } = await sim.connect();
      const r = await push(client, PROGRAM, { slot: 2 });
      expect(r).toMatchObject({ id: SLOT_BASE + 2, selected: true });
      const expected = recordsInFlash(sim.device.flash);
      const s = await sync(client, h.history, { deviceId: "dev" });
      expect(s).toMatchObject({ stored: 3, held: 0 });
      expectHistoryHolds(h.history, "dev", expected);
      expect(sim.device.errors).toEqual([]);
    } finally {
      h.done();
    }
  });
});

describe("LockConsole", () => {
  it("no code over the Nordic UART while locked; the 5-second hold opens it for 60 s; flashing works through the window", async () => {
    const dev = await bootDevice({ seed: 9 });
    let c = connect(dev);
    expect(c.request(Op.SettingsSet, [Setting.LockConsole]).status).toBe(Status.Ok);
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
