/**
 * Owners and the log's id on the real interpreter, its own SHA-256 (require("crypto")) and
 * E.hwRand doing the work: the trust window from a 5-second hold, PAIR, AUTH, signed requests; a
 * stranger and a replayed request are Denied; a log whose files are gone starts over under a new id
 * and a stale acknowledgement is refused (test/faults/access.test.ts does the same at length on the
 * virtual device).
 */
import { createHmac } from "node:crypto";
import { expect, it } from "vitest";
import { InterpreterCentral } from "../../companion/sim/interpreter/central";
import { Op, Status } from "../../shared/codes";
import { INFO_OWNER, INFO_PAIRING, INFO_PROTECTED, decodeInfo, encodeLogAck } from "../../shared/messages";
import { encodeMessage } from "../../shared/frame";
import { actOnInterpreter, bootInterpreter, describeInterpreter, shortSessions } from "../helpers/interpreter";

const hmac = (k: Uint8Array, d: Uint8Array) => new Uint8Array(createHmac("sha256", k).update(d).digest());
const KEY = new Uint8Array(16).map((_, i) => 3 * i + 1);
const OTHER = new Uint8Array(16).fill(7);

describeInterpreter("owners on the real interpreter", () => {
  it("pairs in the trust window, then obeys only signed requests of a proved key", async () => {
    const dev = await bootInterpreter();
    const c = new InterpreterCentral(dev);
    await c.connect({ mtu: 53 });
    await c.info();
    expect((await c.pair(KEY, 0)).status).toBe(Status.Denied); // no window yet
    await actOnInterpreter(dev, [{ down: true }, { wait: 5200 }, { up: true }, { wait: 300 }]);
    expect(decodeInfo((await c.info()).body)!.flags & INFO_PAIRING).toBe(INFO_PAIRING);
    expect((await c.pair(KEY, 0)).status).toBe(Status.Ok);

    // a stranger on a new link: INFO only, the private fields blank, everything else Denied
    await c.disconnect();
    await c.connect({ mtu: 53 });
    const seen = decodeInfo((await c.info()).body)!;
    expect(seen.flags & (INFO_PROTECTED | INFO_OWNER)).toBe(INFO_PROTECTED);
    expect(seen.logId).toBe(0);
    expect((await c.request(Op.Status)).status).toBe(Status.Denied);
    expect((await c.auth(0, OTHER, hmac)).status).toBe(Status.Denied);

    // the owner: AUTH, then signed requests; the same signed bytes again are Denied
    await c.info();
    expect((await c.auth(0, KEY, hmac)).status).toBe(Status.Ok);
    expect((await c.request(Op.Status)).status).toBe(Status.Ok);
    const signed = await c.owner!.sign(Op.ProgList, 200, new Uint8Array(0));
    const bytes = encodeMessage(Op.ProgList, 200, signed.flags, signed.body);
    expect((await c.sendRaw(bytes, 200)).status).toBe(Status.Ok);
    expect((await c.sendRaw(bytes, 200)).status).toBe(Status.Denied);
    expect((await c.request(Op.Unpair, [0])).status).toBe(Status.Ok);
    await c.disconnect();
    await c.connect({ mtu: 53 });
    expect(decodeInfo((await c.info()).body)!.flags & INFO_PROTECTED).toBe(0);
    expect((await c.request(Op.Status)).status).toBe(Status.Ok);
    expect(dev.errors).toEqual([]);
  });

  it("a log whose files were erased starts over under a new id; an acknowledgement of the old one is Stale", async () => {
    const dev = await bootInterpreter();
    await actOnInterpreter(dev, shortSessions(2));
    const c = new InterpreterCentral(dev);
    await c.connect({ mtu: 53 });
    const before = decodeInfo((await c.info()).body)!;
    expect(before).toMatchObject({ newest: 2 });
    await dev.command('require("Storage").list(/^mlog/).forEach(function (f) { require("Storage").erase(f); })');
    await dev.reboot();
    await c.connect({ mtu: 53 });
    const after = decodeInfo((await c.info()).body)!;
    expect(after.newest).toBe(0);
    expect(after.logId).not.toBe(before.logId);
    expect((await c.request(Op.LogAck, encodeLogAck({ upTo: 2, logId: before.logId }))).status).toBe(Status.Stale);
    expect(dev.errors).toEqual([]);
  });
});
