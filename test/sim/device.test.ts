import { describe, expect, test } from "vitest";
import { VirtualDevice } from "../../companion/sim/board/device.js";
import { Flash } from "../../companion/sim/board/flash.js";

/**
 * A small logger firmware: every second it appends an 8-byte record to "log" (created at full
 * size, filled by offset, like the real log), and prints how many records it found at boot.
 */
const LOGGER = `
  var S = require("Storage");
  var REC = 8, N = 16;
  function count() {
    var d = S.read("log");
    if (d === undefined) return 0;
    var n = 0;
    while (n < N && d.charCodeAt(n * REC) !== 255) n++;
    return n;
  }
  var n = count();
  print("records " + n);
  if (S.read("log") === undefined) S.write("log", "", 0, REC * N);
  var iv = setInterval(function () {
    if (n >= N) { clearInterval(iv); return; }
    // The size argument matters: at offset 0 without it, Storage would replace the file.
    S.write("log", "rec" + String.fromCharCode(65 + n) + "....", n * REC, REC * N);
    n++;
  }, 1000);
  analogWrite(13, 0.5);
`;

describe("VirtualDevice", () => {
  test("install writes .bootcde and reboots into it; reboot runs E 'kill'", () => {
    const dev = new VirtualDevice();
    expect(dev.state).toBe("running");
    dev.install(`var v = 1; E.on("kill", function () { require("Storage").write("killed", "yes"); });
                 E.on("init", function () { print("init " + v); });`);
    expect(dev.flash.list()).toEqual([".bootcde"]);
    expect(dev.console).toEqual(["init 1"]);
    dev.reboot();
    expect(dev.flash.read("killed")).toBe("yes");
    expect(dev.console).toEqual(["init 1", "init 1"]);
    expect(dev.bootCount).toBe(3);
  });

  test("checkBundle is called before a bundle is installed and can refuse it", () => {
    const seen: string[] = [];
    const checkBundle = (src: string) => {
      seen.push(src);
      if (src.includes("?.")) throw new Error("optional chaining is not supported by Espruino");
    };
    const dev = new VirtualDevice({ checkBundle, bundle: "var ok = 1;" });
    expect(seen).toEqual(["var ok = 1;"]);
    expect(() => dev.install("var x = a?.b;")).toThrow(/optional chaining/);
    expect(dev.flash.read(".bootcde")).toBe("var ok = 1;");
    expect(dev.global!.ok).toBe(1);
    // Code that reached flash another way is checked at boot too: refused, recorded, not run.
    dev.flash.write(".bootcde", "var y = a?.b;");
    dev.reboot();
    expect(dev.errors).toEqual(["checkBundle refused .bootcde: Error: optional chaining is not supported by Espruino"]);
    expect(dev.global!.y).toBeUndefined();
  });

  test("firmware exceptions are recorded, printed like Espruino, and the device keeps running", () => {
    const dev = new VirtualDevice({
      bundle: `var n = 0; setInterval(function () { n++; }, 100);
               setTimeout(function () { throw new Error("boom"); }, 150);
               setTimeout(function () { null.x; }, 250);`,
    });
    dev.advance(1000);
    expect(dev.errors).toEqual(["Error: boom", "TypeError: Cannot read properties of null (reading 'x')"]);
    expect(dev.console).toEqual(["Uncaught Error: boom", "Uncaught TypeError: Cannot read properties of null (reading 'x')"]);
    expect(dev.global!.n).toBe(10);
    expect(dev.state).toBe("running");
  });

  test("an idle program leaves no timer running", () => {
    const dev = new VirtualDevice({
      bundle: `var blink = setInterval(function () { digitalWrite(LED1, !digitalRead(LED1)); }, 100);
               setTimeout(function () { clearInterval(blink); digitalWrite(LED1, 0); }, 1000);`,
    });
    expect(dev.pendingTimers()).toBe(2);
    dev.advance(2000);
    expect(dev.pendingTimers()).toBe(0);
    expect(dev.timeline(1)).toHaveLength(10);
  });

  test("a 20-minute session with 100 ms pattern steps runs in well under a second", () => {
    const dev = new VirtualDevice({
      bundle: `var start = getTime(), step = 0;
        var iv = setInterval(function () {
          step++;
          analogWrite(13, step % 2 ? 0.8 : 0.3, { freq: 200 });
          if (getTime() - start >= 20 * 60) { clearInterval(iv); analogWrite(13, 0); }
        }, 100);`,
    });
    dev.advance(20 * 60 * 1000 + 1000);
    const tl = dev.motorTimeline();
    expect(tl).toHaveLength(12000);
    expect(tl[0]).toEqual({ t: 100, v: 0.8, freq: 200 });
    expect(tl[tl.length - 1]).toEqual({ t: 1_200_000, v: 0 });
    expect(dev.levelAt(13, 600_050)).toBe(0.3);
    expect(dev.pendingTimers()).toBe(0);
  });

  test("files persist across reboot and power cut; getTime restarts from 0", () => {
    const dev = new VirtualDevice({ bundle: LOGGER });
    expect(dev.console).toEqual(["records 0"]);
    dev.advance(3500);
    dev.eval("setTime(1e9)");
    dev.powerCut();
    expect(dev.state).toBe("off");
    expect(dev.pendingTimers()).toBe(0);
    expect(dev.motorTimeline()).toEqual([{ t: 0, v: 0.5 }, { t: 3500, v: 0 }]);
    dev.advance(10_000); // nothing runs while off
    dev.boot();
    expect(dev.console).toEqual(["records 0", "records 3"]);
    expect(dev.getTime()).toBe(0);
  });

  test("the flash image survives a new VirtualDevice (toBuffer/fromBuffer)", () => {
    const first = new VirtualDevice({ bundle: LOGGER });
    first.advance(5000);
    const image = first.flash.toBuffer();
    const second = new VirtualDevice({ flash: Flash.fromBuffer(image) });
    expect(second.console).toEqual(["records 5"]);
  });

  test("power loss during a firmware flash write tears that record and stops the device", () => {
    const dev = new VirtualDevice({ bundle: LOGGER });
    dev.advance(2500); // records A and B written
    dev.flash.failAfterWrites(2, { tornBytes: 3 }); // record D will be torn
    dev.advance(5000);
    expect(dev.state).toBe("off");
    expect(dev.powerLosses).toHaveLength(1);
    expect(dev.powerLosses[0]).toMatch(/power lost during flash write "log" @24/);
    expect(dev.errors).toEqual([]);
    expect(dev.pendingTimers()).toBe(0);
    expect(dev.motor).toBe(0);
    expect(dev.clock.now()).toBe(7500);
    const log = dev.flash.read("log")!;
    expect(log.slice(0, 24)).toBe("recA....recB....recC....");
    expect(log.slice(24, 32)).toBe("rec\xff\xff\xff\xff\xff");
    // After power comes back the firmware sees the torn record as used (its first byte is written).
    dev.boot();
    expect(dev.console[dev.console.length - 1]).toBe("records 4");
  });

  test("firmware catching PowerLossError cannot go on: every API call fails once power is gone", () => {
    const dev = new VirtualDevice({
      bundle: `var S = require("Storage"); S.write("f", "", 0, 8);
        var caught;
        function go() { try { S.write("f", "x", 1); } catch (e) { caught = e.name; }
                        try { analogWrite(13, 1); } catch (e) { caught += " / " + e.message; } }`,
    });
    dev.flash.failAfterWrites(1, { tornBytes: 0 });
    expect(() => dev.eval("go()")).not.toThrow();
    expect(dev.state).toBe("off");
    expect(dev.motor).toBe(0);
  });

  test("a chunked install torn by power loss leaves a .bootcde that fails to load", () => {
    const flash = new Flash();
    const dev = new VirtualDevice({ flash });
    flash.failAfterWrites(2, { tornBytes: 5 });
    const src = `var a = 1;\nvar b = "${"x".repeat(40)}";\nprint("loaded");`;
    expect(() => dev.install(src, { chunkSize: 20 })).toThrow(/power lost/);
    expect(dev.state).toBe("off");
    dev.boot();
    expect(dev.errors).toHaveLength(1);
    expect(dev.errors[0]).toMatch(/^checkBundle refused \.bootcde: .*syntax-error/s);
  });

  test("E.reboot() from the firmware restarts it from the event loop", () => {
    const dev = new VirtualDevice({
      bundle: `var S = require("Storage"); var boots = (S.readJSON("boots", true) || 0) + 1;
               S.writeJSON("boots", boots); if (boots < 3) setTimeout(function () { E.reboot(); }, 100);`,
    });
    dev.advance(1000);
    expect(dev.flash.readJSON("boots")).toBe(3);
    expect(dev.bootCount).toBe(3);
    expect(dev.pendingTimers()).toBe(0);
  });

  test("a manual watchdog not kicked in time resets the device with the motor off", () => {
    const dev = new VirtualDevice({
      bundle: `E.enableWatchdog(1, false);
        var kick = setInterval(function () { E.kickWatchdog(); }, 500);
        setTimeout(function () { clearInterval(kick); analogWrite(13, 1); }, 2750);`,
    });
    dev.advance(3400);
    expect(dev.watchdogResets).toBe(0);
    expect(dev.motor).toBe(1);
    dev.advance(200); // last kick at 2500, + 1000 ms
    expect(dev.watchdogResets).toBe(1);
    expect(dev.motorTimeline()).toEqual([{ t: 2750, v: 1 }, { t: 3500, v: 0 }]);
    expect(dev.bootCount).toBe(2);
  });

  test("a hung callback is stopped (hangTimeoutMs); the auto watchdog then resets the device", () => {
    const dev = new VirtualDevice({
      hangTimeoutMs: 50,
      bundle: `E.enableWatchdog(2);
        setTimeout(function () { analogWrite(13, 1); while (true) {} }, 1000);`,
    });
    dev.advance(1500);
    expect(dev.state).toBe("hung");
    expect(dev.motor).toBe(1); // a hung firmware leaves the motor running: the watchdog's job
    expect(dev.hangs).toBe(1);
    dev.advance(1600);
    expect(dev.watchdogResets).toBe(1);
    expect(dev.state).toBe("running");
    expect(dev.motorTimeline()).toEqual([{ t: 1000, v: 1 }, { t: 3000, v: 0 }]);
  });

  test("button helpers drive the board's button pin", () => {
    const dev = new VirtualDevice({ board: "BANGLEJS2", bundle: `var n = 0; setWatch(function () { n++; }, BTN1, {repeat: true});` });
    expect(dev.eval("BTN1")).toBe(17);
    dev.buttonDown();
    expect(dev.buttonPressed).toBe(true);
    dev.advance(100);
    dev.buttonUp();
    dev.advance(100);
    dev.pressButton();
    dev.advance(100);
    expect(dev.global!.n).toBe(2);
    dev.buttonDown();
    dev.advance(100);
    expect(dev.global!.n).toBe(3);
    // Released and pressed again within the debounce time: a bounce, not a new press.
    dev.buttonUp();
    dev.advance(10);
    dev.buttonDown();
    dev.advance(100);
    expect(dev.global!.n).toBe(3);
  });
});
