/**
 * The built bundle booted from flash (.boot0 shims, then .bootcde) on the real Espruino 2v29
 * interpreter with a Puck.js pool: it starts cleanly and answers as the virtual device does.
 */
import { expect, it } from "vitest";
import { InterpreterCentral } from "../../companion/sim/interpreter/central";
import { Battery, Op, State, Status } from "../../shared/codes";
import { PROTOCOL_VERSION, decodeInfo, decodeProgramList, decodeStatus } from "../../shared/messages";
import { PRESET_NAMES } from "../../shared/presets";
import { Central } from "../helpers/central";
import { BOARD, bootInterpreter, bootTwin, describeInterpreter } from "../helpers/interpreter";
import { boardFor } from "../../shared/boards";

describeInterpreter("boot on the real interpreter", () => {
  it("starts without an error, advertises, and answers INFO, STATUS and PROG_LIST as the virtual device does", async () => {
    const dev = await bootInterpreter();
    expect(dev.errors).toEqual([]);
    expect(dev.advertised).toEqual([expect.stringMatching(/^Massager [0-9A-F]{4}$/)]);

    const c = new InterpreterCentral(dev);
    await c.connect({ mtu: 53 });
    const info = decodeInfo((await c.info()).body)!;
    expect(info).toMatchObject({ proto: PROTOCOL_VERSION, board: boardFor(BOARD).code, battery: 90, batteryState: Battery.Ok, payload: 50, owners: 0, selected: 0, held: 0, newest: 0 });
    expect(info.logId).not.toBe(0); // a fresh log's random id (E.hwRand on the interpreter)
    expect(info.nonce.some((b) => b !== 0)).toBe(true);
    expect(decodeStatus((await c.request(Op.Status)).body)).toMatchObject({ state: State.Idle, level: 0 });

    // PROG_LIST answered Unknown on every call before (a negative typed-array index threw)
    const list = await c.request(Op.ProgList);
    expect(list.status).toBe(Status.Ok);
    expect(decodeProgramList(list.body)!.entries.map((e) => e.name)).toEqual(PRESET_NAMES);

    const twin = await bootTwin();
    const tc = new Central(twin);
    tc.connect({ mtu: 53 });
    tc.info();
    expect(list.body).toEqual(tc.request(Op.ProgList).body);
    expect(dev.errors).toEqual([]);
  });
});
