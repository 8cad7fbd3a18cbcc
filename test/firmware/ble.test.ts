/**
 * BLE round trips through the real VirtualNrf and the firmware bundle: every request answered with
 * its op, id and a status; logs read, streamed and freed only on ACK; malformed messages.
 */
import { describe, expect, it } from "vitest";
import type { VirtualDevice } from "../../companion/sim/board/device";
import { NUS_SERVICE } from "../../companion/sim/board/nrf";
import { checkedDevices, TEST_FIRMWARE_VERSION } from "../helpers/firmware";
import { SERVICE_UUID } from "../../shared/uuids";
import { Central } from "../helpers/central";
import { End, Op, Setting, SLOT_BASE, State, Status } from "../../shared/codes";
import { FULL_POWER_THROTTLE, MOTOR_DUTY_MAX, STREAM_MAX_PACKETS, STREAM_WINDOW } from "../../shared/limits";
import { crc32 } from "../../shared/crc";
import { creditPacket, encodeMessage } from "../../shared/frame";
import { encodeProgram, PATTERN_CUSTOM, Program } from "../../shared/program";
import { PRESET_COUNT, presetProgram } from "../../shared/presets";
import {
  decodeAckReply, decodeInfo, decodeLogReadReply, encodeLogRead, decodeProgramList, decodeStatus, decodeTimeReply, decodeU16,
  encodeProgRead, encodeU32, INFO_CLOCK_SET, INFO_OWNER, INFO_PROTECTED,
} from "../../shared/messages";

const bootDevice = checkedDevices();
async function connected(opts: { mtu?: number } = {}): Promise<{ dev: VirtualDevice; c: Central }> {
  const dev = await bootDevice();
  const c = new Central(dev);
  c.connect(opts);
  return { dev, c };
}

/** Runs a BLE-started program to the end (the link stays up). */
function runSession(dev: VirtualDevice, c: Central, id: number, ms: number): void {
  expect(c.request(Op.Start, [id]).status).toBe(Status.Ok);
  dev.advance(ms);
}

const SHORT: Program = {
  name: "Short",
  steps: [
    { region: 0, pattern: 0, duration: 4, intensity: 0.5, cue: 1 },
    { region: 2, pattern: PATTERN_CUSTOM, duration: 3, intensity: 0.8, cue: 2, curve: [0.2, 1, 0.6], curveStepMs: 150 },
  ],
};

describe("BLE requests", () => {
  it("INFO negotiates the payload and describes the device", async () => {
    const { c } = await connected({ mtu: 53 });
    const m = c.info();
    expect(m.op).toBe(Op.Info);
    expect(m.status).toBe(Status.Ok);
    const i = decodeInfo(m.body)!;
    expect(i).toMatchObject({ proto: 2, board: 1, payload: 50, selected: 0, held: 0, newest: 0, firmware: TEST_FIRMWARE_VERSION, batteryState: 0 });
    expect(i.caps).toBe(127);
    expect(i.logId).toBeGreaterThan(0);
    expect(i.storageFree).toBeGreaterThan(10_000);
    // At 50-byte payloads the INFO reply (62 bytes with its header and check) is two packets; at 20, four.
    expect(c.packets.map((p) => p.length)).toEqual([50, 14]);
    const { c: c20 } = await connected();
    c20.info();
    expect(c20.packets.every((p) => p.length <= 20)).toBe(true);
    expect(c20.packets.length).toBe(4);
    // every connection gets a fresh nonce for AUTH
    const again = decodeInfo(c.info().body)!;
    expect(Buffer.from(again.nonce).equals(Buffer.from(i.nonce))).toBe(true);
    c.disconnect();
    c.connect({ mtu: 53 });
    expect(Buffer.from(decodeInfo(c.info().body)!.nonce).equals(Buffer.from(i.nonce))).toBe(false);
  });

  it("TIME_SET sets the clock; records made after it carry unix time", async () => {
    const { dev, c } = await connected();
    c.info();
    const unix = 1_760_000_000;
    const t = c.request(Op.TimeSet, encodeU32(unix));
    expect(t.status).toBe(Status.Ok);
    expect(decodeTimeReply(t.body)).toEqual({ uptime: 0, bootSeq: 1 });
    dev.advance(5000);
    const i = decodeInfo(c.info().body)!;
    expect(i.flags & INFO_CLOCK_SET).toBeTruthy();
    expect(i.time).toBe(unix + 5);
    expect(i.uptime).toBe(5);
    const started = dev.clock.now();
    runSession(dev, c, 0, 241_000);
    const r = c.readLog(0).records[0];
    expect(r.uptime).toBe(false);
    expect(r.start).toBe(unix + Math.round((started - 0) / 1000) - 0);
  });

  it("STATUS and status events follow the session: running, region cues, finished", async () => {
    const { dev, c } = await connected();
    c.info();
    let s = decodeStatus(c.request(Op.Status).body)!;
    expect(s.state).toBe(State.Idle);
    expect(c.request(Op.Start, [0xff]).status).toBe(Status.Ok);
    expect(c.request(Op.Start, [0]).status).toBe(Status.Busy);
    dev.advance(85_000);
    s = decodeStatus(c.request(Op.Status).body)!;
    expect(s).toMatchObject({ state: State.Running, program: 0, step: 2, region: 1, elapsed: 85, planned: 240 });
    expect(c.request(Op.Pause).status).toBe(Status.Ok);
    expect(decodeStatus(c.request(Op.Status).body)!.state).toBe(State.Paused);
    expect(c.request(Op.Resume).status).toBe(Status.Ok);
    dev.advance(160_000);
    s = decodeStatus(c.request(Op.Status).body)!;
    expect(s).toMatchObject({ state: State.Finished, elapsed: 240, level: 0 });
    const ev = c.events().map((m) => decodeStatus(m.body)!);
    // running, cue front, cue crown (80 s), paused, running, cue back, finished
    expect(ev.map((e) => [e.state, e.cue, e.region])).toEqual([
      [State.Running, 0, 0], [State.Running, 1, 0], [State.Running, 1, 1], [State.Paused, 0, 1],
      [State.Running, 0, 1], [State.Running, 1, 2], [State.Finished, 0, 0],
    ]);
    expect(dev.pendingTimers()).toBe(0);
  });

  it("LOG_READ streams records, LOG_ACK frees them (held goes to 0), re-reads never duplicate", async () => {
    const { dev, c } = await connected({ mtu: 53 });
    c.info();
    expect(c.upload(0, encodeProgram(SHORT)).status).toBe(Status.Ok);
    for (let i = 0; i < 5; i++) runSession(dev, c, SLOT_BASE, 8000);
    const logId = c.logId;
    let { reply, records } = c.readLog(0, 3);
    expect(reply).toEqual({ logId, first: 1, count: 3, more: 2, newest: 5 });
    expect(records.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(records.every((r) => r.program === SLOT_BASE && r.end === End.Finished && r.regions[0] === 4 && r.regions[2] === 3)).toBe(true);
    ({ reply, records } = c.readLog(3, 64));
    expect(reply).toEqual({ logId, first: 4, count: 2, more: 0, newest: 5 });
    expect(records.map((r) => r.seq)).toEqual([4, 5]);
    expect(decodeInfo(c.info().body)!.held).toBe(5);
    // An ack or a read that names another log is refused (that log started over): nothing freed.
    expect(c.ack(5, logId ^ 1).status).toBe(Status.Stale);
    expect(c.request(Op.LogRead, encodeLogRead({ after: 0, max: 9, window: 0, logId: logId ^ 1 })).status).toBe(Status.Stale);
    expect(decodeInfo(c.info().body)!.held).toBe(5);
    const ack = c.ack(5);
    expect(ack.status).toBe(Status.Ok);
    expect(decodeAckReply(ack.body)).toEqual({ acked: 5, held: 0 });
    expect(c.readLog(5).reply).toEqual({ logId, first: 0, count: 0, more: 0, newest: 5 });
    // Acking beyond the newest is clamped.
    expect(decodeAckReply(c.ack(99).body)).toEqual({ acked: 5, held: 0 });
  });

  it("streams as many records a read as 127 numbered packets carry at 20-byte payloads (120)", async () => {
    const { dev, c } = await connected();
    c.info();
    expect(c.upload(1, encodeProgram(SHORT)).status).toBe(Status.Ok);
    for (let i = 0; i < 126; i++) runSession(dev, c, SLOT_BASE + 1, 8000);
    const a = c.readLog(0, 200);
    expect(a.reply).toMatchObject({ first: 1, count: 120, more: 6, newest: 126 });
    expect(a.records.map((r) => r.seq)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    expect(a.packets.map((p) => p[0] & 0x7f)).toEqual(Array.from({ length: a.packets.length }, (_, i) => i));
    expect(a.packets.length).toBe(Math.ceil((120 * 20) / 19));
    expect(a.packets.length).toBeLessThanOrEqual(STREAM_MAX_PACKETS);
    const b = c.readLog(120, 200);
    expect(b.records.map((r) => r.seq)).toEqual([121, 122, 123, 124, 125, 126]);
    expect(dev.pendingTimers()).toBe(0);
  });

  it("a stream with a credit window holds at the window until the central credits, and finishes on credits", async () => {
    const { dev, c } = await connected();
    c.info();
    expect(c.upload(1, encodeProgram(SHORT)).status).toBe(Status.Ok);
    for (let i = 0; i < 30; i++) runSession(dev, c, SLOT_BASE + 1, 8000);
    const from = c.stream.length;
    const m = c.request(Op.LogRead, encodeLogRead({ after: 0, max: 30, window: STREAM_WINDOW, logId: 0 }));
    expect(decodeLogReadReply(m.body)).toMatchObject({ first: 1, count: 30 });
    const total = Math.ceil((30 * 20) / 19);
    const got = () => c.stream.length - from;
    dev.advance(1000);
    expect(got()).toBe(STREAM_WINDOW); // no credit yet: it waits, however long
    expect(dev.pendingTimers()).toBe(0); // and waits asleep
    c.writePacket(creditPacket(4));
    dev.advance(1000);
    expect(got()).toBe(4 + STREAM_WINDOW);
    while (got() < total) {
      c.writePacket(creditPacket(got()));
      dev.advance(100);
    }
    expect(got()).toBe(total);
    expect(c.stream.slice(from).map((p) => p[0] & 0x7f)).toEqual(Array.from({ length: total }, (_, i) => i));
    expect(dev.nrf.stats.droppedNotifications).toBe(0);
    expect(dev.pendingTimers()).toBe(0);
  });

  it("programs: list, read back, select, delete", async () => {
    const { dev, c } = await connected({ mtu: 53 });
    c.info();
    const bytes = encodeProgram(SHORT);
    expect(c.upload(2, bytes).status).toBe(Status.Ok);
    const list = decodeProgramList(c.request(Op.ProgList).body)!;
    expect(list.selected).toBe(SLOT_BASE + 2); // a committed program becomes the selected one
    expect(list.entries.map((e) => e.id)).toEqual([0, 1, 2, SLOT_BASE + 2]);
    expect(list.entries[3]).toEqual({ id: SLOT_BASE + 2, steps: 2, seconds: 7, crc: crc32(bytes, 0, bytes.length, 0), name: "Short" });
    const p0 = encodeProgram(presetProgram(0)!);
    expect(list.entries[0]).toMatchObject({ name: "Daily 4 min", steps: 6, seconds: 240, crc: crc32(p0, 0, p0.length, 0) });
    // Read back a slot and a preset in chunks.
    const read = (id: number) => {
      const out: number[] = [];
      for (;;) {
        const m = c.request(Op.ProgRead, encodeProgRead({ id, offset: out.length, len: 30 }));
        expect(m.status).toBe(Status.Ok);
        const total = decodeU16(m.body)!;
        out.push(...m.body.subarray(2));
        if (out.length >= total) return Uint8Array.from(out);
      }
    };
    expect(read(SLOT_BASE + 2)).toEqual(bytes);
    expect(read(1)).toEqual(encodeProgram(presetProgram(1)!));
    expect(c.request(Op.ProgRead, encodeProgRead({ id: SLOT_BASE + 3, offset: 0, len: 10 })).status).toBe(Status.NoEntry);
    // Select.
    expect(c.request(Op.ProgSelect, [1]).status).toBe(Status.Ok);
    expect(decodeProgramList(c.request(Op.ProgList).body)!.selected).toBe(1);
    expect(c.request(Op.ProgSelect, [SLOT_BASE + 3]).status).toBe(Status.NoEntry);
    // Delete: a preset cannot be deleted; a slot can; deleting the selected one selects preset 0.
    expect(c.request(Op.ProgSelect, [SLOT_BASE + 2]).status).toBe(Status.Ok);
    expect(c.request(Op.ProgDelete, [0]).status).toBe(Status.BadRequest);
    expect(c.request(Op.ProgDelete, [SLOT_BASE + 2]).status).toBe(Status.Ok);
    expect(c.request(Op.ProgDelete, [SLOT_BASE + 2]).status).toBe(Status.NoEntry);
    const after = decodeProgramList(c.request(Op.ProgList).body)!;
    expect(after.selected).toBe(0);
    expect(after.entries.map((e) => e.id)).toEqual([0, 1, 2]);
    expect(dev.flash.list(/^mprog/)).toEqual([]);
    expect(c.request(Op.Start, [SLOT_BASE + 2]).status).toBe(Status.NoEntry);
  });

  it("answers every request: unknown op → Unsupported, short body → BadRequest, bad CRC → Error Corrupt", async () => {
    const { c } = await connected();
    c.info();
    const u = c.request(0x55, [1, 2, 3]);
    expect(u).toMatchObject({ op: 0x55, status: Status.Unsupported });
    const short = c.request(Op.LogRead, [1, 2]);
    expect(short).toMatchObject({ op: Op.LogRead, status: Status.BadRequest });
    const m = encodeMessage(Op.Status, 77, 0, null);
    m[m.length - 1] ^= 0xff;
    const from = c.messages.length;
    c.sendRaw(m);
    const e = c.waitReply(77, from);
    expect(e.op).toBe(Op.Error);
    expect(e.status).toBe(Status.Corrupt);
    expect(Array.from(e.body)).toEqual([Op.Status]);
    // A packet that continues no message is dropped; the link still works.
    c.writePacket(Uint8Array.from([0x03, 1, 2, 3]));
    expect(c.request(Op.Status).status).toBe(Status.Ok);
    // A message cut short then restarted: the new first packet wins.
    c.writePacket(Uint8Array.from([0x40, Op.Status, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]));
    expect(c.request(Op.Status).status).toBe(Status.Ok);
  });

  it("a session started over BLE runs on when the link drops, like a button session; the button stops it", async () => {
    const { dev, c } = await connected();
    c.info();
    runSession(dev, c, 0, 10_000);
    c.disconnect();
    dev.advance(5000);
    expect(dev.motor).toBeGreaterThan(0);
    dev.pressButton(1600);
    expect(dev.motor).toBe(0);
    c.connect();
    c.info();
    const r = c.readLog(0).records;
    expect(r).toHaveLength(1);
    expect(r[0].end).toBe(End.StoppedButton);
    expect(r[0].regions[0]).toBe(17);
  });

  it("with an owner paired, only a link that proved the key and signs its requests is obeyed", async () => {
    const { dev, c } = await connected();
    const key = new Uint8Array(16).fill(7);
    c.info();
    // pairing needs the trust window (the button held 5 s while idle)
    expect(c.pair(key).status).toBe(Status.Denied);
    dev.buttonDown();
    dev.advance(5100);
    dev.buttonUp();
    const p = c.pair(key);
    expect(p.status).toBe(Status.Ok);
    expect([...p.body]).toEqual([0]);
    let i = decodeInfo(c.info().body)!;
    expect(i.flags & INFO_PROTECTED).toBeTruthy();
    // unsigned: denied, and INFO tells only who the device is
    expect(c.request(Op.Start, [0]).status).toBe(Status.Denied);
    expect(c.request(Op.Status).status).toBe(Status.Denied);
    expect(i).toMatchObject({ logId: 0, newest: 0, acked: 0, held: 0, selected: 0, time: 0, firmware: "9.9.9-test" });
    // a wrong key is refused; the right one opens the link, and its replies prove the device has it
    expect(c.auth(0, new Uint8Array(16).fill(8)).status).toBe(Status.Denied);
    expect(c.auth(1, key).status).toBe(Status.Denied);
    expect(c.auth(0, key).status).toBe(Status.Ok);
    i = decodeInfo(c.info().body)!;
    expect(i.flags & INFO_OWNER).toBeTruthy();
    expect(i.logId).toBeGreaterThan(0);
    expect(c.request(Op.Start, [0]).status).toBe(Status.Ok);
    expect(c.request(Op.Stop).status).toBe(Status.Ok);
    // a replayed counter is refused
    c.counter -= 1;
    expect(c.request(Op.Status).status).toBe(Status.Denied);
    c.counter += 5;
    expect(c.request(Op.Status).status).toBe(Status.Ok);
    // the session key belongs to the connection
    c.disconnect();
    c.connect();
    c.info();
    expect(c.request(Op.Status, null, { unsigned: true }).status).toBe(Status.Denied);
    // unpairing every key opens the device again
    expect(c.auth(0, key).status).toBe(Status.Ok);
    expect(c.request(Op.Unpair, [0xff]).status).toBe(Status.Ok);
    c.sessionKey = null;
    expect(c.request(Op.Status).status).toBe(Status.Ok);
  });
});

describe("advertising and the console", () => {
  it("advertises as Massager + the last 4 hex digits of the address, with the service and the UART", async () => {
    const { dev, c } = await connected();
    const addr = dev.nrf.getAddress();
    const hex = (addr.substr(12, 2) + addr.substr(15, 2)).toUpperCase();
    expect(dev.nrf.advertising.options.name).toBe(`Massager ${hex}`);
    const uuids = dev.nrf.discover().map((s) => s.uuid);
    expect(uuids).toContain(SERVICE_UUID.replace(/-/g, ""));
    expect(uuids).toContain(NUS_SERVICE);
    c.info();
  });

  it("LockConsole removes the UART; a 5-second hold while idle opens it for 60 s", async () => {
    const { dev, c } = await connected();
    c.info();
    expect(c.request(Op.SettingsSet, [Setting.LockConsole]).status).toBe(Status.Ok);
    c.disconnect(); // service changes apply after the link ends
    const uart = () => dev.nrf.discover().some((s) => s.uuid === NUS_SERVICE);
    expect(uart()).toBe(false);
    dev.buttonDown();
    dev.advance(4000);
    expect(uart()).toBe(false);
    dev.advance(1100);
    expect(uart()).toBe(true);
    dev.buttonUp();
    dev.advance(2000);
    expect(dev.motorTimeline().filter((s) => s.v > 0)).toHaveLength(1); // one buzz, no session
    dev.advance(60_000);
    expect(uart()).toBe(false);
    expect(dev.pendingTimers()).toBe(0);
    // Reboot keeps the lock.
    dev.reboot();
    dev.advance(0);
    expect(uart()).toBe(false);
  });
});

describe("safety", () => {
  it("throttles continuous full power after 120 s and never exceeds the duty cap", async () => {
    const { dev, c } = await connected({ mtu: 53 });
    c.info();
    const full: Program = { name: "Full", steps: [{ region: 0, pattern: 4, duration: 200, intensity: 1, cue: 0 }] };
    expect(c.upload(0, encodeProgram(full)).status).toBe(Status.Ok);
    expect(c.request(Op.Start, [SLOT_BASE]).status).toBe(Status.Ok);
    const start = dev.clock.now();
    dev.advance(119_000);
    expect(dev.motor).toBeCloseTo(MOTOR_DUTY_MAX, 9);
    dev.advance(3_000);
    expect(dev.motor).toBeCloseTo(MOTOR_DUTY_MAX * FULL_POWER_THROTTLE, 9);
    const drop = dev.motorTimeline().find((s) => s.t > start + 1000 && s.v < MOTOR_DUTY_MAX)!;
    // Throttled within one curve step (1 s) of the 120 s limit, counted from full power at 300 ms.
    expect(drop.t - start).toBeGreaterThan(120_300);
    expect(drop.t - start).toBeLessThanOrEqual(121_300);
    dev.advance(100_000);
    expect(dev.motor).toBe(0);
  });
});

describe("PRESET_COUNT", () => {
  it("is what the list shows before any upload", () => expect(PRESET_COUNT).toBe(3));
});
