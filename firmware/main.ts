import { board } from "./board";
import { motorInit, motorOff } from "./motor";
import { clockInit } from "./clock";
import { Cell } from "./cell";
import { logInit } from "./log";
import { progInit } from "./programs";
import { settingsInit } from "./settings";
import { sessionInit, sessionLinkLost } from "./session";
import { bleEvent, bleInit } from "./ble";
import { handle, handlerInit, statusBody } from "./handler";
import { buttonInit } from "./button";

/*
 * Entry: runs at load (the bundle is .bootcde). The motor goes off before anything else; then the
 * watchdog (auto-kicked from the idle loop, so a hung firmware restarts with the motor off), the
 * flash state (boot counter, log, programs, settings), BLE and the button.
 */
motorInit(board);
E.enableWatchdog(10, true);
E.on("kill", motorOff);
clockInit();
const boot = new Cell("mboot", 0);
try {
  boot.set(boot.v + 1);
} catch (e) {
  boot.v++; // a full flash must not keep the device from starting
}
logInit();
progInit();
settingsInit();
handlerInit(boot.v);
sessionInit(boot.v, (cue) => {
  bleEvent(statusBody(cue));
});
bleInit(handle, sessionLinkLost);
buttonInit(board.buttonPin);
