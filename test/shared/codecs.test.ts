import { describe, expect, it } from "vitest";
import { CHUNK_MAX_BYTES, MESSAGE_MAX_BYTES, PROGRAM_MAX_BYTES, RECORD_BYTES, Op, Status, crc16, crc32, crc8, encodeRecord, decodeRecord, isErased, actualSeconds, LogRecord, encodeProgram, decodeProgram, programBytes, presetProgram, presetImage, PRESET_COUNT, encodeInfo, decodeInfo, encodeStatus, decodeStatus, encodeLogRead, decodeLogRead, encodeLogReadReply, decodeLogReadReply, encodeAckReply, decodeAckReply, encodeProgramList, decodeProgramList, encodeProgBegin, decodeProgBegin, encodeProgWrite, decodeProgWrite, encodeProgRead, decodeProgRead, encodeTimeReply, decodeTimeReply, encodeSettings, decodeSettings, encodeU32, decodeU32, encodeU16, decodeU16, encodeMessage, decodeMessage, packetize, Reassembler, DONE, MORE, Message, BOARDS, deviceBoard, encodeProgramError, decodeProgramError, describeProgramError } from "../../shared/index";
import { largestProgram } from "../../shared/largest-program";

const ascii = (s: string) => new Uint8Array(Buffer.from(s, "latin1"));

describe("crc", () => {
  // Check values of the catalogued algorithms over "123456789".
  it("matches the published check values", () => {
    const b = ascii("123456789");
    expect(crc16(b, 0, 9)).toBe(0x29b1); // CRC-16/CCITT-FALSE
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

describe("the firmware's board lookup", () => {
  it("is BOARDS' device fields, row by row; unknown boards get the MDBT42Q's", () => {
    for (const b of BOARDS)
      expect(deviceBoard(b.id)).toEqual({
        code: b.code, motorPin: b.motorPin, buttonPin: b.buttonPin, cueLed: b.ledPins.length ? b.ledPins[0] : -1,
        pwmFreq: b.pwmFreq, battery: b.battery, mtu: b.mtu,
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
    proto: 1, board: 2, battery: 255, flags: 17, time: 1764086400, uptime: 1234, storageFree: 20480,
    held: 12, newest: 400, acked: 388, unlogged: 0, caps: 31, payload: 50, boot: 9, selected: 0x10,
    firmware: "0.1.0",
  };
  const status = { state: 2, program: 1, step: 4, region: 1, elapsed: 301, planned: 900, level: 55, selected: 1, cue: 0 };
  const cases: [string, () => unknown, unknown][] = [
    ["info", () => decodeInfo(encodeInfo(info)), info],
    ["status", () => decodeStatus(encodeStatus(status)), status],
    ["log read", () => decodeLogRead(encodeLogRead({ after: 70000, max: 64 })), { after: 70000, max: 64, window: 0 }],
    ["log read with a credit window", () => decodeLogRead(encodeLogRead({ after: 70000, max: 64, window: 8 })), { after: 70000, max: 64, window: 8 }],
    ["log read reply", () => decodeLogReadReply(encodeLogReadReply({ first: 5, count: 64, more: 300, newest: 369 })), { first: 5, count: 64, more: 300, newest: 369 }],
    ["ack reply", () => decodeAckReply(encodeAckReply({ acked: 99, held: 3 })), { acked: 99, held: 3 }],
    ["program begin", () => decodeProgBegin(encodeProgBegin({ slot: 3, size: 603, crc: 0xdeadbeef })), { slot: 3, size: 603, crc: 0xdeadbeef }],
    ["program read", () => decodeProgRead(encodeProgRead({ id: 0x11, offset: 300, len: 48 })), { id: 0x11, offset: 300, len: 48 }],
    ["time reply", () => decodeTimeReply(encodeTimeReply({ uptime: 86400 * 3, boot: 201 })), { uptime: 86400 * 3, boot: 201 }],
    ["settings", () => decodeSettings(encodeSettings({ flags: 3, passkey: "123456" })), { flags: 3, passkey: "123456" }],
    ["u32", () => decodeU32(encodeU32(4294967295)), 4294967295],
    ["u16", () => decodeU16(encodeU16(65535)), 65535],
  ];
  for (const [name, run, want] of cases) it(name, () => expect(run()).toEqual(want));

  it("program list", () => {
    const entries = [
      { id: 0, steps: 6, seconds: 240, crc: 0, name: "Daily 4 min" },
      { id: 0x13, steps: 24, seconds: 1800, crc: 0x01020304, name: "Evening" },
    ];
    expect(decodeProgramList(encodeProgramList(0x13, entries))).toEqual({ selected: 0x13, entries });
  });

  it("short bodies decode to null, so the device can answer BadRequest", () => {
    expect(decodeInfo(new Uint8Array(10))).toBeNull();
    expect(decodeLogRead(new Uint8Array(5))).toBeNull();
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
