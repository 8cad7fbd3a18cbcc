import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { encodeMessage, decodeMessage, packetize, Reassembler, DONE, decodeRecord, encodeRecord, MESSAGE_MAX_BYTES } from "../../shared/index";

const golden = JSON.parse(readFileSync(new URL("../fixtures/protocol-golden.json", import.meta.url), "utf8"));
const bytes = (h: string) => new Uint8Array(Buffer.from(h, "hex"));
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("golden protocol bytes", () => {
  for (const g of golden.messages) {
    it(g.name, () => {
      const packets: string[] = [];
      packetize(encodeMessage(g.op, g.id, g.status, bytes(g.body)), 20, (p) => packets.push(hex(p)));
      if (g.packets20) expect(packets).toEqual(g.packets20);
      else expect(packets.length).toBe(Math.ceil((g.body.length / 2 + 5) / 19));
      const r = new Reassembler(MESSAGE_MAX_BYTES);
      const results = packets.map((p) => r.push(bytes(p)));
      expect(results[results.length - 1]).toBe(DONE);
      expect(decodeMessage(r.message())).toEqual({ op: g.op, id: g.id, status: g.status, body: bytes(g.body) });
    });
  }
  for (const g of golden.records) {
    it("record: " + g.name, () => {
      expect(decodeRecord(bytes(g.hex), 0)).toEqual(g.record);
      const out = new Uint8Array(20);
      encodeRecord(g.record, out, 0);
      expect(hex(out)).toBe(g.hex);
    });
  }
});
