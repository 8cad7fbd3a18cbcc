import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { EventEmitter } from "node:events";
import { runCli } from "../helpers/cli";
import { parseArgv, helpText } from "../../companion/cli/parse";
import { COMMANDS } from "../../companion/cli/commands";
import { BluetoothPermissionError, NO_ADAPTER_MESSAGE, NoAdapterError, UsageError } from "../../companion/errors";
import { loadHardwareNoble } from "../../companion/ble/noble-loader";
import { buildCompanion } from "../../scripts/build.mjs";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

const run = runCli;

describe("argv → parsed options", () => {
  const table: [string[], object][] = [
    [["sync"], { command: "sync", args: {}, options: {}, help: false }],
    [["sync", "--device", "sim", "--json"], { command: "sync", options: { device: "sim", json: true } }],
    [["--device=sim", "info"], { command: "info", options: { device: "sim" } }],
    [["-d", "Massager 1A2B", "status"], { command: "status", options: { device: "Massager 1A2B" } }],
    [["push", "p.json", "--slot", "s2"], { command: "push", args: { file: "p.json" }, options: { slot: "s2" } }],
    [["push", "--slot=1", "p.json", "--data-dir", "/tmp/x"], { command: "push", args: { file: "p.json" }, options: { slot: "1", "data-dir": "/tmp/x" } }],
    [["start"], { command: "start", args: {} }],
    [["start", "s1", "--follow"], { command: "start", args: { id: "s1" }, options: { follow: true } }],
    [["start", "-f"], { command: "start", args: {}, options: { follow: true } }],
    [["select", "Daily 4 min"], { command: "select", args: { id: "Daily 4 min" } }],
    [["delete", "s2"], { command: "delete", args: { id: "s2" } }],
    [["validate", "--", "-odd-name.json"], { command: "validate", args: { file: "-odd-name.json" } }],
    [["devices", "--timeout", "10"], { command: "devices", options: { timeout: 10 } }],
    [["push", "--help"], { command: "push", help: true }],
    [["help", "sync"], { command: "sync", help: true }],
    [[], { command: "", help: true }],
    [["--help"], { command: "", help: true }],
  ];
  it.each(table)("%j", (argv, expected) => {
    expect(parseArgv(argv)).toMatchObject(expected);
  });

  const bad: [string[], RegExp][] = [
    [["frobnicate"], /unknown command "frobnicate"; run `massager --help`/],
    [["sync", "--slot", "1"], /unknown option --slot for sync; run `massager sync --help`/],
    [["push"], /push needs FILE .*e\.g\. massager push my-program\.json --slot s1/],
    [["start", "--speed", "9"], /unknown option --speed for start/],
    [["push", "a.json", "--slot"], /--slot needs a value/],
    [["info", "extra"], /info does not take "extra"/],
    [["info", "--json=yes"], /--json takes no value/],
  ];
  it.each(bad)("%j is a usage error", (argv, message) => {
    expect(() => parseArgv(argv)).toThrow(UsageError);
    expect(() => parseArgv(argv)).toThrow(message);
  });

  it("every command has a summary and an example that parses", () => {
    for (const c of COMMANDS) {
      expect(c.summary.length).toBeGreaterThan(5);
      expect(c.example.startsWith(`massager ${c.name}`)).toBe(true);
      expect(parseArgv(c.example.split(" ").slice(1).filter((x) => !x.includes("Daily"))).command).toBe(c.name);
      expect(helpText(c.name)).toContain(c.example);
    }
  });
});

describe("CLI behaviour", () => {
  it("usage errors exit 2 with one line naming the fix", async () => {
    const r = await run(["sync", "--bogus"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("massager: unknown option --bogus for sync; run `massager sync --help` to see the options\n");
  });

  it("errors are red on a terminal, plain with NO_COLOR or when piped", async () => {
    const err = async (env: Record<string, string>, isTTY: boolean) => {
      return (await runCli(["frobnicate"], { env, tty: { stdout: isTTY, stderr: isTTY } })).stderr;
    };
    expect(await err({}, true)).toContain("\x1b[31m");
    expect(await err({ NO_COLOR: "1" }, true)).not.toContain("\x1b[");
    expect(await err({}, false)).not.toContain("\x1b[");
  });

  it("--help for a command shows its options and example", async () => {
    const r = await run(["push", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("--slot SLOT");
    expect(r.stdout).toContain("Example:\n  massager push my-program.json --slot s1");
  });

  it("--json errors are JSON on stdout too", async () => {
    const dir = mkdtempSync(join(tmpdir(), "massager-cli-"));
    try {
      const f = join(dir, "p.json");
      writeFileSync(f, JSON.stringify({ name: "x", steps: [{ region: "top", pattern: "press", duration: 10, intensity: 0.5 }] }));
      const r = await run(["push", f, "--json", "--data-dir", dir]);
      expect(r.code).toBe(4);
      expect(JSON.parse(r.stdout).error).toMatchObject({ kind: "ProgramFileError", exit_code: 4 });
      expect(r.stderr).toMatch(/steps\[0\]\.region: "top" is not one of front, crown, back/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("`massager devices` without an adapter: one sentence, exit 3, no stack trace", async () => {
    const r = await run(["devices"]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`massager: ${NO_ADAPTER_MESSAGE}\n`);
  });

  it("the same through `node bin/massager.js devices`", async () => {
    await buildCompanion(); // dist/massager.js from the current sources, as `npm run build` makes it
    const p = spawnSync(process.execPath, [join(ROOT, "bin", "massager.js"), "devices"], { encoding: "utf8", env: { PATH: process.env.PATH ?? "" } });
    expect(p.status).toBe(3);
    expect(p.stdout).toBe("");
    expect(p.stderr).toBe(`massager: ${NO_ADAPTER_MESSAGE}\n`);
  });

  it("noble-loader: a throwing require, or an adapter that is off, is NoAdapterError", async () => {
    const eaf = Object.assign(new Error("Address family not supported by protocol"), { code: "EAFNOSUPPORT" });
    await expect(loadHardwareNoble({ load: () => { throw eaf; } })).rejects.toBeInstanceOf(NoAdapterError);
    const fake = Object.assign(new EventEmitter(), { state: "unknown", startScanning() {}, stopScanning() {} });
    setTimeout(() => fake.emit("stateChange", "poweredOff"), 5);
    await expect(loadHardwareNoble({ load: () => fake })).rejects.toThrow(NO_ADAPTER_MESSAGE);
    const on = Object.assign(new EventEmitter(), { state: "poweredOn", startScanning() {}, stopScanning() {} });
    await expect(loadHardwareNoble({ load: () => on })).resolves.toBe(on);
  });

  it("noble-loader: no right to the HCI socket (EPERM, EACCES, or noble's 'unauthorized') is one sentence naming the fix", async () => {
    const linux = new BluetoothPermissionError("linux").message;
    expect(linux).toBe(
      "this computer does not let massager use its Bluetooth adapter: give Node the raw-socket right with `sudo setcap cap_net_raw+eip $(eval readlink -f $(which node))` (or run as root), then try again (--device sim needs no adapter)",
    );
    expect(new BluetoothPermissionError("darwin").message).toMatch(/System Settings › Privacy & Security › Bluetooth/);
    for (const code of ["EPERM", "EACCES"]) {
      const err = Object.assign(new Error(code === "EPERM" ? "Operation not permitted" : "Permission denied"), { code });
      await expect(loadHardwareNoble({ load: () => { throw err; } })).rejects.toBeInstanceOf(BluetoothPermissionError);
      // the socket is opened when noble's state is first read: a throw there is the same
      const lazy = Object.assign(new EventEmitter(), { startScanning() {}, stopScanning() {} });
      Object.defineProperty(lazy, "state", { get: () => { throw err; } });
      await expect(loadHardwareNoble({ load: () => lazy })).rejects.toBeInstanceOf(BluetoothPermissionError);
    }
    const unauthorized = Object.assign(new EventEmitter(), { state: "unknown", startScanning() {}, stopScanning() {} });
    setTimeout(() => unauthorized.emit("stateChange", "unauthorized"), 5);
    await expect(loadHardwareNoble({ load: () => unauthorized })).rejects.toBeInstanceOf(BluetoothPermissionError);
  });
});
