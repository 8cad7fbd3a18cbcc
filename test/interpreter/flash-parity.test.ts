/**
 * The flash files a virtual device wrote, booted on the real interpreter: the log (its id too),
 * acknowledgements, a program slot, the selection, the settings journal and an owner key read back
 * the same (the files are written into the interpreter's real Storage before it boots, as
 * espruino-tools would). The owner's AUTH and signed requests run on the interpreter's own SHA-256.
 */
import { createHmac } from "node:crypto";
import { expect, it } from "vitest";
import { InterpreterCentral } from "../../companion/sim/interpreter/central";
import { Op, SLOT_BASE, Setting, Status } from "../../shared/codes";
import { INFO_CONSOLE_LOCKED, INFO_OWNER, INFO_PROTECTED, decodeInfo, decodeTimeReply, encodeProgRead, encodeSettings, encodeU32 } from "../../shared/messages";
import { type Program, encodeProgram } from "../../shared/program";
import { Central } from "../helpers/central";
import { dataFiles } from "../../companion/sim/interpreter/flash-image";
import { actOnTwin, bootInterpreter, bootTwin, describeInterpreter, shortSessions } from "../helpers/interpreter";

const EVENING: Program = {
  name: "Evening",
  steps: [
    { region: 0, pattern: 0, duration: 60, intensity: 0.6, cue: 1 },
    { region: 1, pattern: 5, duration: 90, intensity: 0.5, cue: 1, curve: [0.2, 0.6, 1, 0.6], curveStepMs: 250 },
  ],
};
const KEY = new Uint8Array(16).map((_, i) => 0xa0 + i);
const hmac = (k: Uint8Array, d: Uint8Array) => new Uint8Array(createHmac("sha256", k).update(d).digest());

describeInterpreter("the virtual device's flash on the real interpreter", () => {
  it("reads back the log and its id, acknowledgements, a program, the selection, settings and the owner key", async () => {
    const twin = await bootTwin();
    actOnTwin(twin, [...shortSessions(5), { down: true }, { wait: 5200 }, { up: true }, { wait: 500 }]);
    const tc = new Central(twin);
    tc.connect({ mtu: 53 });
    tc.info();
    expect(tc.pair(KEY, 0).status).toBe(Status.Ok);
    tc.info();
    expect(tc.auth(0, KEY).status).toBe(Status.Ok);
    expect(tc.upload(2, encodeProgram(EVENING)).status).toBe(Status.Ok);
    expect(tc.ack(2).status).toBe(Status.Ok);
    expect(tc.request(Op.SettingsSet, encodeSettings(Setting.LockConsole)).status).toBe(Status.Ok);
    const want = {
      info: decodeInfo(tc.info().body)!,
      list: tc.request(Op.ProgList).body,
      program: tc.request(Op.ProgRead, encodeProgRead({ id: SLOT_BASE + 2, offset: 0, len: 128 })).body,
      log: tc.readLog(0).packets,
    };
    expect(want.info.logId).not.toBe(0);
    const files = dataFiles(twin.flash);
    const names = files.map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining(["mkey0", "mlog1"]));
    expect(names.some((n) => /^mcfg[01]$/.test(n)) && names.some((n) => n.startsWith("mprog2."))).toBe(true);

    const dev = await bootInterpreter({ files });
    const c = new InterpreterCentral(dev);
    await c.connect({ mtu: 53 });
    const stranger = decodeInfo((await c.info()).body)!;
    expect(stranger.flags & (INFO_PROTECTED | INFO_OWNER)).toBe(INFO_PROTECTED);
    expect((await c.request(Op.ProgSelect, [0])).status).toBe(Status.Denied);

    expect((await c.auth(0, KEY, hmac)).status).toBe(Status.Ok);
    const info = decodeInfo((await c.info()).body)!;
    expect(info).toMatchObject({ logId: want.info.logId, held: 3, newest: 5, acked: 2, selected: SLOT_BASE + 2, owners: 1 });
    expect(info.flags & (INFO_CONSOLE_LOCKED | INFO_OWNER)).toBe(INFO_CONSOLE_LOCKED | INFO_OWNER);
    expect((await c.request(Op.ProgList)).body).toEqual(want.list);
    expect((await c.request(Op.ProgRead, encodeProgRead({ id: SLOT_BASE + 2, offset: 0, len: 128 }))).body).toEqual(want.program);
    const log = await c.readLog(0, 128, { logId: info.logId });
    expect(log.packets).toEqual(want.log);
    expect(log.records.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]); // acknowledged records stay until their segment goes
    // this boot's first record will be 6: the log carried on across the reboot
    expect(decodeTimeReply((await c.request(Op.TimeSet, encodeU32(1_800_000_000))).body)!.bootSeq).toBe(6);
    expect((await c.request(Op.ProgSelect, [0])).status).toBe(Status.Ok);
    expect(dev.errors).toEqual([]);
  });
});
