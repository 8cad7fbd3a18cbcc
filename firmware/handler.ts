import { Cap, End, Op, SIGNED, Setting, Status } from "../shared/codes";
import { CHUNK_MAX_BYTES, SIGNATURE_BYTES } from "../shared/limits";
import {
  ACK_REPLY_LAYOUT, INFO_CLOCK_SET, INFO_CONSOLE_LOCKED, INFO_CONSOLE_OPEN, INFO_LAYOUT, INFO_OWNER, INFO_PAIRING, INFO_PASSKEY,
  INFO_PRIVATE_END, INFO_PRIVATE_START, INFO_PROTECTED, INFO_SESSION, LOG_READ_REPLY_LAYOUT, PROTOCOL_VERSION, TIME_REPLY_LAYOUT, encodeProgramError,
} from "../shared/messages";
import { pack, u16, u32, sub } from "../shared/bytes";
import { S, J, J_ACK, J_FLAGS, J_LOG_ID, J_PASSKEY, J_SELECTED, J_UNLOGGED, jSet } from "./store";
import { board, batteryPct, batteryRead, batteryState } from "./board";
import { clockSet, now, setClock } from "./clock";
import { bootSeq, logAck, logAfter, logHeld, logNext, logSeq } from "./log";
import { progBegin, progCommit, progDelete, progError, progImage, progList, progWrite, upReply } from "./programs";
import { sessionActive, sessionPause, sessionResume, sessionStart, sessionStop, statusBody } from "./session";
import { auth, isProtected, nonce, owner, owners, pair, pairedSlot, signedBy, unpair } from "./owners";
import { duty, motorPlay, pulses } from "./motor";
import { bleSend, bleServices, payload, setPayload, streamCap, streamStart, trust } from "./ble";

/*
 * Requests: one function answers each with its op and id and a status (and a body, `out`). Unknown
 * ops get Unsupported; bodies shorter than the op's minimum (MIN) BadRequest; a handler that throws
 * Unknown. On a protected device (owners.ts) every op but INFO, AUTH and PAIR must be signed by this
 * link's owner, else Denied: checked before the request runs, so nothing changes.
 * Replies are packed straight from their fields, in the order of shared/messages.ts' layouts.
 */
/** Minimum body bytes per op (the byte at the op's index; "~" (126): no such op). */
const MIN = E.toUint8Array(
  "~\x01\x04\x00~\x01\x19\x11\x01~~~~~~~" + // 0x00..0x0f
  "\x0b\x08~~~~~~~~~~~~~~" + // 0x10..0x1f
  "\x00\x07\x04\x01\x04\x01\x01~~~~~~~~~" + // 0x20..0x2f
  "\x01\x00\x00\x00", // 0x30..0x33
);

export const handle = (op: number, id: number, flags: number, b: Uint8Array): void => {
  const min = op < MIN.length ? MIN[op] : 126;
  let s = Status.Unsupported;
  let out: ArrayLike<number> | null | undefined = null;
  try {
    // a signature is checked, then taken off (handlers see the body alone); without one, a protected
    // device answers only INFO, AUTH and PAIR
    const prot = isProtected();
    let denied = prot && op !== Op.Info && op !== Op.Auth && op !== Op.Pair;
    if (flags & SIGNED) {
      denied = !signedBy(op, id, b);
      b = sub(b, 0, Math.max(0, b.length - SIGNATURE_BYTES));
    }
    if (min === 126) s = Status.Unsupported;
    else if (denied) s = Status.Denied;
    else if (b.length < min) s = Status.BadRequest;
    else {
      s = Status.Ok;
      const open = owner >= 0 || !prot;
      switch (op) {
        case Op.Info: {
          setPayload(b[0]);
          batteryRead(duty);
          const fw = E.toUint8Array(__FW_VERSION__);
          const f = J[J_FLAGS];
          const info = pack(INFO_LAYOUT, [
            PROTOCOL_VERSION, board.code, batteryPct, batteryState,
            (clockSet ? INFO_CLOCK_SET : 0) | (prot ? INFO_PROTECTED : 0) | (f & Setting.LockConsole || prot ? INFO_CONSOLE_LOCKED : 0) |
              (trust ? INFO_CONSOLE_OPEN | INFO_PAIRING : 0) | (sessionActive() ? INFO_SESSION : 0) | (owner >= 0 ? INFO_OWNER : 0) |
              (J[J_PASSKEY] ? INFO_PASSKEY : 0),
            Cap.Logs | Cap.Programs | Cap.Control | Cap.Owners | Cap.ConsoleLock | Cap.Battery | Cap.LogId,
            payload, f, owners, u32(nonce, 0), u32(nonce, 4), Math.floor(getTime()), Math.floor(now() / 1000), S.getFree(), J[J_LOG_ID],
            logNext - 1, J[J_ACK], logHeld(J[J_ACK]), J[J_UNLOGGED], J[J_SELECTED], __FW_VERSION__.length,
          ], fw);
          if (!open) {
            info[4] &= ~(INFO_CLOCK_SET | INFO_SESSION);
            info.fill(0, INFO_PRIVATE_START, INFO_PRIVATE_END);
          }
          out = info;
          break;
        }
        case Op.TimeSet:
          setClock(u32(b, 0));
          out = pack(TIME_REPLY_LAYOUT, [Math.floor(now() / 1000), bootSeq]);
          break;
        case Op.Status:
          out = statusBody(0);
          break;
        case Op.SettingsSet:
          if (b[0] & ~Setting.LockConsole) s = Status.BadRequest;
          else {
            jSet(J_FLAGS, (J[J_FLAGS] & ~Setting.LockConsole) | b[0]);
            bleServices(); // the UART goes or comes back (from the next connection)
          }
          break;
        case Op.Auth:
          out = auth(b);
          if (!out) s = Status.Denied;
          break;
        case Op.Pair:
          s = pair(b, trust);
          if (!s) {
            out = [pairedSlot];
            motorPlay(pulses(2)); // the person holding it feels every pairing
            bleServices();
          }
          break;
        case Op.Unpair:
          s = unpair(b[0]);
          out = [owners];
          bleServices();
          break;
        case Op.LogRead: {
          const after = u32(b, 0);
          const max = Math.min(u16(b, 4), streamCap());
          let n = 0;
          let first = 0;
          let last = after;
          if (u32(b, 7) && u32(b, 7) !== J[J_LOG_ID]) s = Status.Stale;
          else {
            while (n < max && logAfter(last)) {
              last = logSeq;
              if (!n++) first = last;
            }
            streamStart(after, n, b[6]);
            out = pack(LOG_READ_REPLY_LAYOUT, [J[J_LOG_ID], first, n, n < max ? 0 : logHeld(last), logNext - 1]);
          }
          break;
        }
        case Op.LogAck:
          if (u32(b, 4) !== J[J_LOG_ID]) s = Status.Stale;
          else if (!logAck(u32(b, 0))) s = Status.NoSpace;
          else out = pack(ACK_REPLY_LAYOUT, [J[J_ACK], logHeld(J[J_ACK])]);
          break;
        case Op.ProgList:
          out = progList();
          break;
        case Op.ProgBegin:
          s = progBegin(b[0], u16(b, 1), u32(b, 3));
          out = upReply();
          break;
        case Op.ProgWrite:
          s = progWrite(b[0], u16(b, 1), sub(b, 3));
          out = upReply();
          break;
        case Op.ProgCommit:
          s = progCommit(b[0]);
          out = s === Status.Invalid ? encodeProgramError(progError) : s === Status.BadOffset ? upReply() : null;
          break;
        case Op.ProgRead: {
          const p = progImage(b[0]);
          if (!p) s = Status.NoEntry;
          else {
            const o = Math.min(u16(b, 1), p.length);
            out = pack("2", [p.length], sub(p, o, o + Math.min(b[3], CHUNK_MAX_BYTES)));
          }
          break;
        }
        case Op.ProgDelete:
          s = progDelete(b[0]);
          break;
        case Op.ProgSelect:
          s = sessionActive() ? Status.Busy : progImage(b[0]) ? (jSet(J_SELECTED, b[0]), Status.Ok) : Status.NoEntry;
          break;
        case Op.Start:
          s = sessionStart(b[0]);
          break;
        case Op.Pause:
          s = sessionPause();
          break;
        case Op.Resume:
          s = sessionResume();
          break;
        case Op.Stop:
          s = sessionStop(End.StoppedRemote) ? Status.Ok : Status.WrongState;
          break;
      }
    }
  } catch (e) {
    s = Status.Unknown;
    out = null;
  }
  bleSend(op, id, s, s && s !== Status.Invalid && s !== Status.BadOffset ? null : out);
};
