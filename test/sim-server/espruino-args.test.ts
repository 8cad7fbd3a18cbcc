/**
 * How `massager flash` drives espruino-tools: the exact, offline command lines per target, the board
 * JSON it is given, and the reading of its verbose output into progress and the board's lines.
 */
import { describe, expect, it } from "vitest";
import { boardJson, resolveBoard } from "../../companion/flash/boards";
import { EspruinoOutput, espruinoArgs, parsePort } from "../../companion/flash/espruino-tools";

const OFFLINE = ["--config", "MODULE_URL=", "--config", "BOARD_JSON_URL=", "--config", "COMPILATION=false", "--config", "MINIFICATION_LEVEL=", "--config", "SAVE_ON_SEND=1", "--config", "PRETOKENISE=2"];

describe("espruino-tools, offline", () => {
  it("builds the command line for the virtual device's TCP console, a board by address or name, and a serial port", () => {
    expect(espruinoArgs({ target: parsePort("tcp://127.0.0.1:2323"), boardFile: "B.json", file: "fw.js" })).toEqual([
      "-v", "--board", "B.json", "-p", "tcp://127.0.0.1:2323", "--no-ble",
      ...OFFLINE, "--config", "SERIAL_THROTTLE_SEND=2", "--config", "STORAGE_UPLOAD_METHOD=1", "fw.js",
    ]);
    expect(espruinoArgs({ target: { kind: "ble", address: "c4:11:22:33:44:55" }, boardFile: "B.json", file: "fw.js" })).toEqual([
      "-v", "--board", "B.json", "-p", "c4:11:22:33:44:55", "--scan-timeout", "5",
      ...OFFLINE, "--config", "BLUETOOTH_LOW_ENERGY_DBUS=false", "fw.js",
    ]);
    expect(espruinoArgs({ target: { kind: "ble", name: "Massager 1A2B" }, boardFile: "B.json", file: "fw.js" }).slice(3, 5)).toEqual(["-d", "Massager 1A2B"]);
    expect(parsePort("/dev/ttyACM0")).toEqual({ kind: "port", path: "/dev/ttyACM0" });
    expect(parsePort("tcp://localhost")).toEqual({ kind: "tcp", host: "localhost", port: 23 });
    expect(parsePort("C4:11:22:33:44:55")).toEqual({ kind: "ble", address: "C4:11:22:33:44:55" });
  });

  it("hands it a board JSON with the interpreter version (Storage uploads) and Storage as a built-in module", () => {
    const j = boardJson(resolveBoard("Puck.js")) as { BOARD: string; info: { binary_version: string; builtin_modules: string[] }; chip: { saved_code: { pages: number } } };
    expect(j.BOARD).toBe("PUCKJS");
    expect(j.info.binary_version).toBe("2v29");
    expect(j.info.builtin_modules).toContain("Storage");
    expect(j.chip.saved_code.pages).toBe(10);
    expect(resolveBoard("bangle2").id).toBe("BANGLEJS2");
    expect(resolveBoard(undefined).id).toBe("MDBT42Q");
  });

  it("reads progress and the board's output from its verbose log, however the pipe splits it", () => {
    const seen: [number, number][] = [];
    const o = new EspruinoOutput((a, b) => seen.push([a, b]));
    const parts = ["\x10reset();\n", '\x10require("Storage").write(".bootcde","abc",0,3);\n', "\x10load()\n\n"];
    const total = parts.join("").length;
    const log = [
      "Connected",
      `serial: ---> ${JSON.stringify(parts.join(""))}`,
      `serial: Sending ${JSON.stringify(parts[0])}`,
      "--] ",
      `serial: Sending ${JSON.stringify(parts[1])}`,
      `serial: Sending ${JSON.stringify(parts[2])}`,
      "--] Uncaught Error: boom",
      "Upload Complete",
    ].join("\n") + "\n";
    for (let i = 0; i < log.length; i += 7) o.push(log.slice(i, i + 7));
    o.end();
    expect(o.connected && o.uploadComplete).toBe(true);
    expect(o.total).toBe(total);
    expect(seen).toEqual([0, 1, 2, 3].map((k) => [parts.slice(0, k).join("").length, total]));
    expect(o.deviceLines).toEqual(["", "Uncaught Error: boom"]);
  });
});
