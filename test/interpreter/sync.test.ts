/**
 * A full sync of 150 records on the real interpreter, with credits, at payloads 20 and 50: every
 * record once, byte for byte the virtual device's for the same 150 button sessions; after LOG_ACK
 * the device holds nothing.
 */
import { expect, it } from "vitest";
import { InterpreterCentral } from "../../companion/sim/interpreter/central";
import { End, Op } from "../../shared/codes";
import { decodeInfo } from "../../shared/messages";
import { RECORD_BYTES } from "../../shared/record";
import { streamRecords } from "../../companion/sim/interpreter/inbox";
import { Central } from "../helpers/central";
import { actOnInterpreter, actOnTwin, bootInterpreter, bootTwin, describeInterpreter, shortSessions } from "../helpers/interpreter";

const SESSIONS = 150;

/** Every record the twin holds, as its own central reads them (LOG_READ after LOG_READ). */
function twinLogBytes(twin: Awaited<ReturnType<typeof bootTwin>>): Uint8Array {
  const c = new Central(twin);
  c.connect({ mtu: 53 });
  c.info();
  const parts: number[] = [];
  for (let after = 0; ; ) {
    const { reply, packets } = c.readLog(after, 128);
    const { records, bytes } = streamRecords(packets, reply.count);
    parts.push(...bytes);
    if (!reply.more || !records.length) break;
    after = records[records.length - 1].seq;
  }
  c.disconnect();
  return Uint8Array.from(parts);
}

describeInterpreter("log sync on the real interpreter", () => {
  it(`syncs ${SESSIONS} records with credits at payloads 20 and 50, byte for byte the virtual device's, then frees them`, async () => {
    const acts = shortSessions(SESSIONS);
    const dev = await bootInterpreter();
    await actOnInterpreter(dev, acts);
    const twin = await bootTwin();
    actOnTwin(twin, acts);
    const expected = twinLogBytes(twin);
    expect(expected.length).toBe(SESSIONS * RECORD_BYTES);

    const c = new InterpreterCentral(dev);
    for (const mtu of [23, 53]) {
      await c.connect({ mtu });
      expect(c.payload).toBe(mtu - 3);
      expect(decodeInfo((await c.info()).body)).toMatchObject({ held: SESSIONS, newest: SESSIONS, payload: mtu - 3 });
      const s = await c.sync(0, { ack: mtu === 53 });
      // 120 then 30 records at 20 B, 128 then 22 at 50 B; a stream of 127 packets gets past its
      // window of 6 only on the central's credits
      expect(s.reads, `payload ${mtu - 3}: LOG_READs`).toBe(2);
      expect(s.records.map((r) => r.seq)).toEqual(Array.from({ length: SESSIONS }, (_, i) => i + 1));
      expect(s.records.every((r) => r.end === End.StoppedButton && r.program === 0)).toBe(true);
      expect(s.bytes).toEqual(expected);
      await c.disconnect();
    }
    await c.connect({ mtu: 53 });
    expect(decodeInfo((await c.info()).body)).toMatchObject({ held: 0, acked: SESSIONS, newest: SESSIONS });
    expect((await c.readLog(SESSIONS)).reply.count).toBe(0);
    expect((await c.request(Op.Status)).status).toBe(0);
    expect(dev.errors).toEqual([]);
  }, 120_000);
});
