import { describe, expect, it } from "vitest";
import {
  CHUNK_MAX_BYTES, MESSAGE_MAX_BYTES, PROGRAM_MAX_BYTES, RECORD_BYTES, Op, Status,
  crc32, crc8,
  encodeRecord, decodeRecord, isErased, actualSeconds, LogRecord,
  encodeProgram, decodeProgram, programBytes, presetProgram, presetImage, PRESET_COUNT,
  encodeInfo, decodeInfo, encodeStatus, decodeStatus, encodeLogRead, decodeLogRead,
  encodeLogReadReply, decodeLogReadReply, encodeAckReply, decodeAckReply, encodeProgramList,
  decodeProgramList, encodeProgBegin, decodeProgBegin, encodeProgWrite, decodeProgWrite,
  encodeProgRead, decodeProgRead, encodeTimeReply, decodeTimeReply, encodeSettings,
  encodeU32, decodeU32, encodeU16, decodeU16, encodeMessage, decodeMessage, packetize,
  Reassembler, DONE, MORE, Message, BOARDS, deviceBoard,
  encodeProgramError, decodeProgramError, describeProgramError, encodeLogAck, decodeLogAck, encodeAuth, decodeAuth,
  encodePair, decodePair, signBody, signedInput, authInput, AUTH_LABEL,
  CUE_MS, CUE_PULSES, CUE_TABLE, CURVE_TABLE, PATTERN_CURVES, PATTERN_STEP_MS, imageErrors, PE_WHOLE,
} from "../../shared/index";
import { largestProgram } from "../../shared/largest-program";

const ascii = (s: string) => new Uint8Array(Buffer.from(s, "latin1"));

describe("crc", () => {
  // Check values of the catalogued algorithms over "123456789".
  it("matches the published check values", () => {
    const b = ascii("123456789");
    expect(crc32(b, 0, 9, 0)).toBe(0xcbf43926); // CRC-32/ISO-HDLC
    expect(crc8(b, 0, 9)).toBe(0xf4); // CRC-8/SMBUS
  });

  it("continues a crc32 across chunks", () => {
    const b = ascii("123456789");
    expect(crc32(b, 4, 9, crc32(b, 0, 4, 0))).toBe(0xcbf43926);
  });
});


describe("log record", () => {
  const rec: LogRecord = {
    seq: 0xfffffffe, start: 1764086400, planned: 240, regions: [80, 81, 79], program: 0x12,
    end: 1, uptime: true, boot: 13, battery: 87,
  };

  it("is 20 bytes and round-trips every field", () => {
    const b = new Uint8Array(RECORD_BYTES);
    encodeRecord(rec, b, 0);
    expect(decodeRecord(b, 0)).toEqual(rec);
    expect(actualSeconds(rec)).toBe(240);
  });

  it("rejects a torn write and recognises erased flash", () => {
    const b = new Uint8Array(RECORD_BYTES * 2).fill(0xff);
    expect(isErased(b, 0)).toBe(true);
    encodeRecord(rec, b, 0);
    expect(isErased(b, 0)).toBe(false);
    const torn = b.slice(0, RECORD_BYTES);
    torn.fill(0xff, 12);
    expect(decodeRecord(torn, 0)).toBeNull();
    expect(decodeRecord(b, RECORD_BYTES)).toBeNull();
  });
});

describe("program codec", () => {
  it("round-trips every preset", () => {
    expect(PRESET_COUNT).toBeGreaterThanOrEqual(3);
    for (let i = 0; i < PRESET_COUNT; i++) {
      const p = presetProgram(i)!;
      const b = encodeProgram(p);
      expect(b.length).toBe(programBytes(p));
      expect(decodeProgram(b)).toEqual(p);
      // the device's copy (base64 images) is exactly this encoding
      expect(presetImage(i)).toEqual(b);
    }
    expect(presetProgram(PRESET_COUNT)).toBeNull();
  });

  it("round-trips the largest program, which is exactly PROGRAM_MAX_BYTES minus the spare header byte", () => {
    const p = largestProgram();
    const b = encodeProgram(p);
    expect(b.length).toBe(PROGRAM_MAX_BYTES - 1);
    expect(decodeProgram(b)).toEqual(p);
  });

  it("says what is wrong with truncated or padded bytes", () => {
    const b = encodeProgram(presetProgram(0)!);
    expect(decodeProgram(b.subarray(0, 2))).toBe("program: truncated header");
    expect(decodeProgram(b.subarray(0, b.length - 3))).toMatch(/^steps\[5\]: truncated/);
    const padded = new Uint8Array(b.length + 2);
    padded.set(b);
    expect(decodeProgram(padded)).toBe("program: 2 unexpected bytes after the last step");
    const v = b.slice();
    v[0] = 9;
    expect(decodeProgram(v)).toBe("program: unknown format version 9");
  });

  it("reports broken bytes before any limit, and limits in reading order", () => {
    const b = encodeProgram(presetProgram(0)!);
    const bad = b.slice();
    bad[3 + 11] = 7; // step 0's region
    bad[3 + 11 + 4] = 250; // step 0's intensity
    expect(imageErrors(bad, 9)).toEqual([[0, 4, 2, 0, 7], [0, 10, 2, 0, 2.5]]);
    expect(imageErrors(bad, 1)).toEqual([[0, 4, 2, 0, 7]]);
    expect(imageErrors(bad.subarray(0, bad.length - 1), 9)).toEqual([[5, 3, 14, 0, 0]]);
    expect(imageErrors(b, 9)).toEqual([]);
    expect(imageErrors(new Uint8Array([1, 0, 0]), 9)).toEqual([[PE_WHOLE, 1, 8, 0, 0], [PE_WHOLE, 2, 10, 0, 0]]);
  });

  it("splits the largest program over 20-byte packets as PROG_WRITE messages and reassembles it", () => {
    const image = encodeProgram(largestProgram());
    const device = new Reassembler(MESSAGE_MAX_BYTES);
    const received = new Uint8Array(image.length);
    let packets = 0;
    for (let off = 0; off < image.length; off += CHUNK_MAX_BYTES) {
      const data = image.subarray(off, Math.min(image.length, off + CHUNK_MAX_BYTES));
      const msg = encodeMessage(Op.ProgWrite, 7, 0, encodeProgWrite({ slot: 2, offset: off, data }));
      let got: Message | number | null = null;
      packetize(msg, 20, (p) => {
        packets++;
        expect(p.length).toBeLessThanOrEqual(20);
        const r = device.push(p);
        if (r === DONE) got = decodeMessage(device.message());
        else expect(r).toBe(MORE);
      });
      const m = got as unknown as Message;
      expect(m.op).toBe(Op.ProgWrite);
      const w = decodeProgWrite(m.body)!;
      expect(w.offset).toBe(off);
      received.set(w.data, w.offset);
    }
    expect(received).toEqual(image);
    expect(crc32(received, 0, received.length, 0)).toBe(crc32(image, 0, image.length, 0));
    expect(packets).toBeGreaterThan(image.length / 19);
  });
});

describe("the device's tables", () => {
  it("CURVE_TABLE holds PATTERN_STEP_MS and PATTERN_CURVES, as a custom step carries its curve", () => {
    const t = ascii(CURVE_TABLE);
    let o = 0;
    PATTERN_CURVES.forEach((levels, p) => {
      expect(t[o] * 10).toBe(PATTERN_STEP_MS[p]);
      expect([...t.subarray(o + 2, o + 2 + t[o + 1])]).toEqual(levels);
      o += 2 + t[o + 1];
    });
    expect(o).toBe(t.length);
  });

  it("CUE_TABLE holds CUE_PULSES in 10 ms units, and CUE_MS their sums", () => {
    const t = ascii(CUE_TABLE);
    let o = 0;
    CUE_PULSES.forEach((pulses, c) => {
      expect([...t.subarray(o + 1, o + 1 + t[o])].map((x) => x * 10)).toEqual(pulses);
      expect(CUE_MS[c]).toBe(pulses.reduce((a, b) => a + b, 0));
      o += 1 + t[o];
    });
    expect(o).toBe(t.length);
  });
});

describe("the firmware's board lookup", () => {
  it("is BOARDS' device fields, row by row; unknown boards get the MDBT42Q's", () => {
    for (const b of BOARDS)
      expect(deviceBoard(b.id)).toEqual({
        code: b.code, motorPin: b.motorPin, buttonPin: b.buttonPin, cueLed: b.ledPins.length ? b.ledPins[0] : -1,
        pwmFreq: b.pwmFreq, battery: b.battery === "E" ? 1 : 0, mtu: b.mtu,
      });
    expect(deviceBoard(undefined)).toEqual(deviceBoard("MDBT42Q"));
    expect(deviceBoard("ESP32")).toEqual(deviceBoard("MDBT42Q"));
  });
});

describe("program errors (PROG_COMMIT's Invalid body)", () => {
  it("are 8 bytes that read back as the validator's sentences", () => {
    const b = encodeProgramError([3, 10, 2, 0, 2.5]);
    expect([...b]).toEqual([3, 10, 2, 0, 250, 0, 0, 0]);
    expect(describeProgramError(decodeProgramError(b)!)).toBe("steps[3].intensity: 2.5 is above the limit 1.0");
    expect(describeProgramError(decodeProgramError(encodeProgramError([1, 11, 2, 4, 1.2]))!)).toBe("steps[1].curve[4]: 1.2 is above the limit 1.0");
    expect(describeProgramError(decodeProgramError(encodeProgramError([255, 2, 12, 0, 70000]))!)).toBe("steps: total 70000 s is above the longest session 1800 s");
    expect(describeProgramError(decodeProgramError(encodeProgramError([0, 6, 1, 0, 1]))!)).toBe("steps[0].duration: 1 s is below the limit 2 s");
    expect(decodeProgramError(b.subarray(0, 7))).toBeNull();
  });
});

describe("message bodies round-trip", () => {
  const info = {
    proto: 2, board: 2, battery: 255, batteryState: 1, flags: 17, caps: 127, payload: 50, settings: 2, owners: 9, selected: 0x10,
    nonce: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 0xf8]), time: 1764086400, uptime: 1234, storageFree: 20480, logId: 0xdeadbeef,
    newest: 400, acked: 388, held: 12, unlogged: 0, firmware: "0.1.0",
  };
  const status = {
    state: 2, program: 1, step: 4, region: 1, elapsed: 301, planned: 900, level: 55, selected: 1, cue: 0, battery: 40,
    batteryState: 0, lastEnd: 5,
  };
  const nonce = new Uint8Array([9, 8, 7, 6, 5, 4, 3, 2]);
  const mac = new Uint8Array(16).map((_, i) => i * 7);
  const cases: [string, () => unknown, unknown][] = [
    ["info", () => decodeInfo(encodeInfo(info)), info],
    ["status", () => decodeStatus(encodeStatus(status)), status],
    ["log read", () => decodeLogRead(encodeLogRead({ after: 70000, max: 64, window: 6, logId: 0xfeedf00d })), { after: 70000, max: 64, window: 6, logId: 0xfeedf00d }],
    ["log read reply", () => decodeLogReadReply(encodeLogReadReply({ logId: 7, first: 5, count: 64, more: 300, newest: 369 })), { logId: 7, first: 5, count: 64, more: 300, newest: 369 }],
    ["ack", () => decodeLogAck(encodeLogAck({ upTo: 99, logId: 0xffffffff })), { upTo: 99, logId: 0xffffffff }],
    ["ack reply", () => decodeAckReply(encodeAckReply({ acked: 99, held: 3 })), { acked: 99, held: 3 }],
    ["program begin", () => decodeProgBegin(encodeProgBegin({ slot: 3, size: 603, crc: 0xdeadbeef })), { slot: 3, size: 603, crc: 0xdeadbeef }],
    ["program read", () => decodeProgRead(encodeProgRead({ id: 0x11, offset: 300, len: 48 })), { id: 0x11, offset: 300, len: 48 }],
    ["time reply", () => decodeTimeReply(encodeTimeReply({ uptime: 86400 * 3, bootSeq: 201 })), { uptime: 86400 * 3, bootSeq: 201 }],
    ["settings", () => [...encodeSettings(2)], [2]],
    ["auth", () => decodeAuth(encodeAuth({ slot: 2, nonce, mac })), { slot: 2, nonce, mac }],
    ["pair", () => decodePair(encodePair({ slot: 255, key: mac, passkey: "" })), { slot: 255, key: mac, passkey: "" }],
    ["pair with an old passkey", () => decodePair(encodePair({ slot: 1, key: mac, passkey: "012345" })), { slot: 1, key: mac, passkey: "012345" }],
    ["u32", () => decodeU32(encodeU32(4294967295)), 4294967295],
    ["u16", () => decodeU16(encodeU16(65535)), 65535],
  ];
  for (const [name, run, want] of cases) it(name, () => expect(run()).toEqual(want));

  it("lays out what AUTH and a signature cover", () => {
    expect([...authInput(AUTH_LABEL, nonce, new Uint8Array([1, 1, 1, 1, 1, 1, 1, 1]))]).toEqual([0x41, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect([...signedInput(0x102, Op.LogAck, 9, new Uint8Array([5, 6]))]).toEqual([2, 1, 0x11, 9, 5, 6]);
    expect([...signBody(new Uint8Array([5, 6]), 0x102, mac)]).toEqual([5, 6, 2, 1, 0, 7, 14, 21, 28, 35, 42, 49]);
  });

  it("program list", () => {
    const entries = [
      { id: 0, steps: 6, seconds: 240, crc: 0, name: "Daily 4 min" },
      { id: 0x13, steps: 24, seconds: 1800, crc: 0x01020304, name: "Evening" },
    ];
    expect(decodeProgramList(encodeProgramList(0x13, entries))).toEqual({ selected: 0x13, entries });
  });

  it("short bodies decode to null, so the device can answer BadRequest", () => {
    expect(decodeInfo(new Uint8Array(46))).toBeNull();
    expect(decodeLogRead(new Uint8Array(10))).toBeNull();
    expect(decodeAuth(new Uint8Array(24))).toBeNull();
    expect(decodePair(new Uint8Array(16))).toBeNull();
    expect(decodeProgBegin(new Uint8Array(6))).toBeNull();
    expect(decodeProgWrite(new Uint8Array(3))).toBeNull();
    expect(decodeProgramList(new Uint8Array([0, 1, 5]))).toBeNull();
  });
});

describe("framing", () => {
  it("splits and reassembles messages at 20, 50 and 128 bytes, largest message included", () => {
    for (const payload of [20, 50, 128]) {
      for (const n of [0, 1, 14, 15, 16, 60, MESSAGE_MAX_BYTES - 5]) {
        const body = new Uint8Array(n).map((_, i) => (i * 31 + n) & 0xff);
        const msg = encodeMessage(Op.ProgRead, 200, Status.Ok, body);
        const r = new Reassembler(MESSAGE_MAX_BYTES);
        let out: Message | number | null = null;
        let count = 0;
        packetize(msg, payload, (p) => {
          count++;
          expect(p.length).toBeLessThanOrEqual(payload);
          if (r.push(p) === DONE) out = decodeMessage(r.message());
        });
        expect(count).toBe(Math.max(1, Math.ceil(msg.length / (payload - 1))));
        expect(out).toEqual({ op: Op.ProgRead, id: 200, status: 0, body });
      }
    }
  });

  it("reports a corrupted message, a lost packet, an oversize message and a stray continuation", () => {
    const msg = encodeMessage(Op.Info, 1, 0, new Uint8Array(40));
    const pkts: Uint8Array[] = [];
    packetize(msg, 20, (p) => pkts.push(p));
    const r = new Reassembler(MESSAGE_MAX_BYTES);

    const bad = pkts.map((p) => p.slice());
    bad[1][5] ^= 0x40;
    let last = 0;
    for (const p of bad) last = r.push(p);
    expect(last).toBe(DONE);
    expect(decodeMessage(r.message())).toBe(Status.Corrupt);

    expect(r.push(pkts[0])).toBe(MORE);
    expect(r.push(pkts[2])).toBe(Status.Corrupt); // packet 1 lost
    expect(r.push(pkts[1])).toBe(Status.BadRequest); // no message in progress

    const small = new Reassembler(30);
    expect(small.push(pkts[0])).toBe(MORE);
    expect(small.push(pkts[1])).toBe(Status.TooLarge);
    expect(r.push(new Uint8Array(0))).toBe(Status.BadRequest);
    expect(decodeMessage(new Uint8Array([1, 2]))).toBe(Status.BadRequest);
  });
});
