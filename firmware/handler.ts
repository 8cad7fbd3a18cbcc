import { Cap, End, Op, Setting, Status } from "../shared/codes";
import { Message } from "../shared/frame";
import { asciiBytes, pack, u16, u32 } from "../shared/bytes";
import { CHUNK_MAX_BYTES } from "../shared/limits";
import {
  PROTOCOL_VERSION, INFO_BOND_REQUIRED, INFO_CLOCK_SET, INFO_CONSOLE_LOCKED, INFO_CONSOLE_OPEN, INFO_SESSION,
  SETTINGS_HAS_PASSKEY, ACK_REPLY_LAYOUT, INFO_LAYOUT, LOG_READ_REPLY_LAYOUT, STATUS_LAYOUT, TIME_REPLY_LAYOUT,
  decodeSettings, encodeProgramList, encodeProgramError, encodeSettings, encodeU16,
} from "../shared/messages";
import { S } from "./store";
import { board, batteryPercent } from "./board";
import { clockSet, now, setClock } from "./clock";
import { ackCell, logAck, logCollect, logMore, logNext, logStored, lostCell } from "./log";
import {
  progBegin, progBytes, progCommit, progDelete, progError, progList, progSelect, progWrite, selCell, stNext,
} from "./programs";
import { SRC_BLE, sessionActive, sessionPause, sessionResume, sessionStart, sessionStatus, sessionStop } from "./session";
import { allowed, hasPasskey, settingsFlags, settingsSet } from "./settings";
import { bleSend, bleServices, consoleOpen, payload, setPayload, streamCap, streamSeqs, streamStart } from "./ble";

/*
 * Replies are packed straight from their fields, in the order of the shared encoder's layout
 * (messages.ts encodeInfo etc.; the tests decode them with the shared decoders).
 *
 * Request dispatch: a table op → handler(body) that returns the reply's status and leaves the
 * reply's body in `out`. Every request is answered with its op and id and a status: unknown ops get
 * Unsupported, bodies shorter than the op's minimum BadRequest, and, with RequireBond on, ops that
 * change the device get Denied on a link that is not bonded and encrypted. A handler that throws
 * answers Unknown.
 */
type Handler = (b: Uint8Array) => number;

const H: { [op: number]: Handler } = {};
/** Minimum body length per op, and whether the op changes the device (RequireBond applies). */
const MIN: { [op: number]: number } = {};
const CHANGES: { [op: number]: boolean } = {};
let out: Uint8Array | null = null;
let boot = 0;

const on = (op: number, min: number, changes: boolean, h: Handler): void => {
  H[op] = h;
  MIN[op] = min;
  CHANGES[op] = changes;
};

/** Sets the reply body and answers Ok. */
const ok = (body: Uint8Array | null): number => {
  out = body;
  return Status.Ok;
};

export const statusBody = (cue: number): Uint8Array => {
  const s = sessionStatus();
  s[8] |= cue;
  return pack(STATUS_LAYOUT, s);
};

const held = (): number => {
  return logStored(ackCell.v);
};

on(Op.Info, 1, false, (b) => {
  setPayload(b[0]);
  const f = settingsFlags();
  return ok(
    pack(
      INFO_LAYOUT,
      [
        PROTOCOL_VERSION, // proto
        board.code, // board
        batteryPercent(), // battery
        (clockSet ? INFO_CLOCK_SET : 0) |
          (f & Setting.RequireBond ? INFO_BOND_REQUIRED : 0) |
          (f & Setting.LockConsole ? INFO_CONSOLE_LOCKED : 0) |
          (consoleOpen ? INFO_CONSOLE_OPEN : 0) |
          (sessionActive() ? INFO_SESSION : 0), // flags
        Math.floor(getTime()), // time
        Math.floor(now() / 1000), // uptime
        S.getFree(), // storageFree
        held(), // held
        logNext - 1, // newest
        ackCell.v, // acked
        lostCell.v, // unlogged
        Cap.Logs | Cap.Programs | Cap.Control | Cap.Security | Cap.ConsoleLock, // caps
        payload, // payload
        boot, // boot (low byte)
        selCell.v, // selected
        __FW_VERSION__.length, // fwLen
      ],
      asciiBytes(__FW_VERSION__), // firmware
    ),
  );
});
on(Op.TimeSet, 4, true, (b) => {
  setClock(u32(b, 0));
  return ok(pack(TIME_REPLY_LAYOUT, [Math.floor(now() / 1000), boot]));
});
on(Op.Status, 0, false, () => {
  return ok(statusBody(0));
});
on(Op.SettingsGet, 0, false, () => {
  return ok(encodeSettings({ flags: settingsFlags() | (hasPasskey() ? SETTINGS_HAS_PASSKEY : 0), passkey: "" }));
});
on(Op.SettingsSet, 1, true, (b) => {
  const s = decodeSettings(b) as { flags: number; passkey: string };
  const st = settingsSet(s.flags, s.passkey);
  bleServices(); // LockConsole: the UART goes or comes back (from the next connection)
  return st;
});
on(Op.LogRead, 6, false, (b) => {
  const n = logCollect(u32(b, 0), Math.min(u16(b, 4), streamCap()), streamSeqs);
  streamStart(n, b.length > 6 ? b[6] : 0);
  return ok(pack(LOG_READ_REPLY_LAYOUT, [n ? streamSeqs[0] : 0, n, logMore(), logNext - 1]));
});
on(Op.LogAck, 4, true, (b) => {
  logAck(u32(b, 0));
  return ok(pack(ACK_REPLY_LAYOUT, [ackCell.v, held()]));
});
on(Op.ProgList, 0, false, () => {
  return ok(encodeProgramList(selCell.v, progList()));
});
on(Op.ProgBegin, 7, true, (b) => {
  const s = progBegin(b[0], u16(b, 1), u32(b, 3));
  out = s ? null : encodeU16(stNext);
  return s;
});
on(Op.ProgWrite, 4, true, (b) => {
  const s = progWrite(b[0], u16(b, 1), b.subarray(3));
  out = s === Status.Ok || s === Status.BadOffset ? encodeU16(stNext) : null;
  return s;
});
on(Op.ProgCommit, 1, true, (b) => {
  const s = progCommit(b[0]);
  out = s === Status.Invalid ? encodeProgramError(progError as number[]) : s === Status.BadOffset ? encodeU16(stNext) : null;
  return s;
});
on(Op.ProgRead, 4, false, (b) => {
  const p = progBytes(b[0]);
  if (!p) return Status.NoEntry;
  const o = Math.min(u16(b, 1), p.length);
  const r = new Uint8Array(2 + Math.min(b[3], CHUNK_MAX_BYTES, p.length - o));
  r.set(encodeU16(p.length));
  r.set(p.subarray(o, o + r.length - 2), 2);
  return ok(r);
});
on(Op.ProgDelete, 1, true, (b) => {
  return progDelete(b[0]);
});
on(Op.ProgSelect, 1, true, (b) => {
  return sessionActive() ? Status.Busy : progSelect(b[0]);
});
on(Op.Start, 1, true, (b) => {
  return sessionStart(b[0], SRC_BLE);
});
on(Op.Pause, 0, true, () => {
  return sessionPause() ? Status.Ok : Status.BadRequest;
});
on(Op.Resume, 0, true, () => {
  return sessionResume() ? Status.Ok : Status.BadRequest;
});
on(Op.Stop, 0, true, () => {
  sessionStop(End.StoppedRemote);
  return Status.Ok;
});

export const handlerInit = (bootCount: number): void => {
  boot = bootCount;
};

/** Answers one decoded request. */
export const handle = (m: Message): void => {
  const h = H[m.op];
  let s: number = Status.Unsupported;
  out = null;
  if (h) {
    if (m.body.length < MIN[m.op]) s = Status.BadRequest;
    else if (CHANGES[m.op] && !allowed()) s = Status.Denied;
    else {
      try {
        s = h(m.body);
      } catch (e) {
        s = Status.Unknown;
        out = null;
      }
    }
  }
  bleSend(m.op, m.id, s, out);
};
