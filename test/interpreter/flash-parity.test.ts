/**
 * The flash files a virtual device wrote, booted on the real interpreter: logs, acknowledgements,
 * a program slot, the selection, settings and the boot counter read back the same (the files are
 * written into the interpreter's real Storage before it boots, as espruino-tools would).
 */
import { expect, it } from "vitest";
import { InterpreterCentral } from "../../companion/sim/interpreter/central";
import { Op, SLOT_BASE, Setting, Status } from "../../shared/codes";
import { INFO_BOND_REQUIRED, INFO_CONSOLE_LOCKED, decodeInfo, encodeProgRead, encodeSettings, encodeU32 } from "../../shared/messages";
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

describeInterpreter("the virtual device's flash on the real interpreter", () => {
  it("reads back the log, acknowledgements, a program, the selection, settings and the boot count", async () => {
    const twin = await bootTwin();
    actOnTwin(twin, shortSessions(5));
    const tc = new Central(twin);
    tc.connect({ mtu: 53 });
    tc.info();
    expect(tc.upload(2, encodeProgram(EVENING)).status).toBe(Status.Ok);
    expect(tc.request(Op.LogAck, encodeU32(2)).status).toBe(Status.Ok);
    expect(tc.request(Op.SettingsSet, encodeSettings({ flags: Setting.RequireBond | Setting.LockConsole, passkey: "123456" })).status).toBe(Status.Ok);
    const want = {
      info: decodeInfo(tc.info().body)!,
      list: tc.request(Op.ProgList).body,
      settings: tc.request(Op.SettingsGet).body,
      program: tc.request(Op.ProgRead, encodeProgRead({ id: SLOT_BASE + 2, offset: 0, len: 128 })).body,
      log: tc.readLog(0).packets,
    };
    const files = dataFiles(twin.flash);
    expect(files.map((f) => f.name).sort()).toEqual(expect.arrayContaining(["mack0", "mboot0", "msel0", "mset0", "mlog1", "mprog2.0"]));

    const dev = await bootInterpreter({ files });
    const c = new InterpreterCentral(dev);
    await c.connect({ mtu: 53 });
    const info = decodeInfo((await c.info()).body)!;
    expect(info).toMatchObject({ held: 3, newest: 5, acked: 2, selected: SLOT_BASE + 2, boot: want.info.boot + 1 });
    expect(info.flags & (INFO_BOND_REQUIRED | INFO_CONSOLE_LOCKED)).toBe(INFO_BOND_REQUIRED | INFO_CONSOLE_LOCKED);
    expect((await c.request(Op.ProgList)).body).toEqual(want.list);
    expect((await c.request(Op.SettingsGet)).body).toEqual(want.settings);
    expect((await c.request(Op.ProgRead, encodeProgRead({ id: SLOT_BASE + 2, offset: 0, len: 128 }))).body).toEqual(want.program);
    const log = await c.readLog(0);
    expect(log.packets).toEqual(want.log);
    expect(log.records.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]); // acknowledged records stay until their segment goes

    // RequireBond, read from the settings cell: changes need a bonded, encrypted link
    expect((await c.request(Op.ProgSelect, [0])).status).toBe(Status.Denied);
    await c.disconnect();
    await c.connect({ mtu: 53, bonded: true, encrypted: true });
    expect((await c.request(Op.ProgSelect, [0])).status).toBe(Status.Ok);
    expect(dev.errors).toEqual([]);
  });
});
