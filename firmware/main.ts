import { u16, u32 } from "../shared/bytes";
import { Setting } from "../shared/codes";
import { motorPlay } from "./motor";
import { crc8 } from "./crc8";
import { J_FLAGS, J_PASSKEY, S, jLoad, rd } from "./store";
import { logInit } from "./log";
import { progInit } from "./programs";
import { ownersReset } from "./owners";
import { bleInit } from "./ble";
import { buttonInit } from "./button";

/*
 * Entry: runs at load (the bundle is .bootcde). The motor goes off before anything else; then the
 * watchdog (auto-kicked from the idle loop, so a hung firmware restarts with the motor off), the
 * flash state (journal, log, programs, owners), BLE and the button. Boot-only work lives in boot():
 * what it allocates is garbage once it returns.
 */
const boot = (): void => {
  motorPlay("");
  E.enableWatchdog(10, true);
  E.on("kill", () => {
    motorPlay("");
  });
  // Firmware before protocol 2 kept its settings in "mset0"/"mset1" (16 slots of value u32,
  // generation u16, crc8, 0; the value flags + (passkey + 1) × 256): read once into the journal, so a
  // RequireBond device stays protected and its passkey may pair an owner. Its other values (the
  // acknowledged seq, the selection) start afresh: the log gets a new id, and the companion matches it.
  jLoad((k: number): number => {
    let v = 0;
    let best = -1;
    for (let f = 0; f < 2; f++) {
      const b = rd("mset" + f);
      for (let o = 0; b && o < 128; o += 8)
        if (b[o + 7] === 0 && crc8(b, o, o + 6) === b[o + 6] && u16(b, o + 4) > best) {
          best = u16(b, o + 4);
          v = u32(b, o);
        }
    }
    return k === J_PASSKEY ? v >> 8 : k === J_FLAGS ? v & (Setting.RequireBond | Setting.LockConsole) : 0;
  });
  for (let f = 0; f < 10; f++) S.erase(["mack", "mulg", "msel", "mset", "mboot"][f >> 1] + (f & 1));
  logInit();
  progInit();
  ownersReset();
  bleInit();
  buttonInit();
};
boot();
