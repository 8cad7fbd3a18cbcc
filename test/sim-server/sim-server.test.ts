/**
 * `massager sim` as a service: flashing it with espruino-tools over its TCP console (a real
 * espruino-cli.js subprocess), the console lock, and its flash surviving a restart. The companion
 * reaches the running simulator through the remote backend and noble's own classes.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Setting } from "../../shared/codes";
import { DeviceClient } from "../../companion/device/client";
import { CONSOLE_LOCKED_MESSAGE } from "../../companion/sim/service/console";
import { Flash } from "../../companion/sim/board/flash";
import { connectSim } from "../../companion/sim/link/connect";
import { readSimLock } from "../../companion/sim/link/lock";
import { connectRunningSim, RemoteSimBackend } from "../../companion/sim/link/remote-backend";
import { SimServer } from "../../companion/sim/service/server";
import { TEST_FIRMWARE_VERSION } from "../helpers/firmware";
import { detokenise, pretokenise } from "../../scripts/build/pretokenise.mjs";
import { massager, startSim, stopSim, tempDir } from "../helpers/sim-server";

/** A connected DeviceClient on the running simulator (through noble's classes). */
async function client(dataDir: string): Promise<{ client: DeviceClient; close: () => Promise<void> }> {
  const backend = (await connectRunningSim(dataDir))!;
  const link = await (await connectSim(backend)).link({ requestTimeoutMs: 1500 });
  return {
    client: new DeviceClient(link),
    close: async () => {
      await link.close();
      await backend.close();
    },
  };
}

/** Connects to the console, sends `send`, and collects what comes back until the server closes or `ms` pass. */
function consoleSession(port: number, send: string, ms = 500): Promise<{ text: string; closedByServer: boolean }> {
  return new Promise((resolve) => {
    let text = "";
    let closedByServer = false;
    const s = connect(port, "127.0.0.1", () => s.write(send));
    s.on("data", (d) => (text += d.toString("latin1")));
    s.on("end", () => (closedByServer = true));
    s.on("error", () => undefined);
    const timer = setTimeout(() => s.destroy(), ms);
    s.on("close", () => {
      clearTimeout(timer);
      resolve({ text, closedByServer });
    });
  });
}

describe("massager sim", () => {
  it("writes sim.json, answers --device sim through noble, and `massager flash --device sim` installs a changed bundle with espruino-tools", async () => {
    const dir = tempDir();
    const sim = await startSim(dir);
    const lock = readSimLock(dir)!;
    expect(lock).toMatchObject({ pid: process.pid, port: sim.port, consolePort: sim.consolePort, board: "MDBT42Q" });

    const before = await massager(["info", "--device", "sim", "--json", "--data-dir", dir]);
    expect(before.code, before.stderr).toBe(0);
    const version0 = JSON.parse(before.stdout).firmware;
    expect(version0).toBe(TEST_FIRMWARE_VERSION);
    const boots0 = sim.device.bootCount;

    const flashed = await massager(["flash", "--device", "sim", "--data-dir", dir, "--json"], { MASSAGER_FW_VERSION: "9.9.9-flashed" });
    expect(flashed.code, flashed.stderr + flashed.stdout).toBe(0);
    const data = JSON.parse(flashed.stdout);
    expect(data).toMatchObject({ board: "MDBT42Q", firmware_version: "9.9.9-flashed", verified: true, dry_run: false });
    expect(data.target).toBe(`tcp://127.0.0.1:${sim.consolePort} (the virtual massager)`);
    expect(data.chunks).toBe(Math.ceil(data.bytes / 1024));
    // the device rebooted into exactly those bytes (reset(), Storage.write chunks, load())
    expect(sim.device.bootCount).toBeGreaterThan(boots0);
    const written = Buffer.from(sim.device.flash.readBytes(".bootcde")!).toString("latin1");
    expect(written).toContain("9.9.9-flashed");
    // espruino-tools pretokenised the bundle itself (PRETOKENISE=2): our pretokeniser makes the same bytes
    expect(pretokenise(detokenise(written))).toBe(written);
    expect(written.length).toBeLessThan(detokenise(written).length);
    expect(sim.device.errors).toEqual([]);

    const after = await massager(["info", "--device", "sim", "--json", "--data-dir", dir]);
    expect(after.code, after.stderr).toBe(0);
    expect(JSON.parse(after.stdout).firmware).toBe("9.9.9-flashed");
  });

  it("refuses the console while it is locked, and flashing works through the window a 5-second hold opens", async () => {
    const dir = tempDir();
    const sim = await startSim(dir);
    const c = await client(dir);
    await c.client.setSettings(Setting.LockConsole);
    await c.close(); // the firmware's new services apply once the central has gone
    sim.device.clock.stopRealtime();
    expect(sim.status().uartEnabled).toBe(false);

    const refused = await consoleSession(sim.consolePort, "1+1\n");
    expect(refused.closedByServer).toBe(true);
    expect(refused.text).toBe(`${CONSOLE_LOCKED_MESSAGE}\r\n`);
    const locked = await massager(["flash", "--device", "sim", "--data-dir", dir]);
    expect(locked.code).toBe(3);
    expect(locked.stderr).toMatch(/console is locked.*hold its button for 5 seconds/);

    const boots = sim.device.bootCount;
    sim.press("hold"); // 5.5 s: the firmware opens the console for a minute
    sim.advance(6000);
    expect(sim.status().uartEnabled).toBe(true);
    const open = await consoleSession(sim.consolePort, "6*7\n");
    expect(open.closedByServer).toBe(false);
    expect(open.text).toContain("=42");

    const flashed = await massager(["flash", "--device", "sim", "--data-dir", dir, "--json"], { MASSAGER_FW_VERSION: "9.9.9-window" });
    expect(flashed.code, flashed.stderr).toBe(0);
    expect(JSON.parse(flashed.stdout).verified).toBe(true);
    expect(sim.device.bootCount).toBeGreaterThan(boots);
    // the new firmware booted with the lock still set (it is in flash): the console is closed again
    expect(sim.status().uartEnabled).toBe(false);
    expect((await consoleSession(sim.consolePort, "1\n")).text).toContain("console is locked");
  });

  it("keeps its flash across a restart: the log records of a session survive and sync", async () => {
    const dir = tempDir();
    let sim = await startSim(dir);
    sim.device.clock.stopRealtime();
    sim.press("short");
    sim.advance(250_000); // the 4-minute preset runs to its end and is logged
    expect(sim.device.motor).toBe(0);
    await new Promise((r) => setTimeout(r, 100)); // the debounced save
    // what a crash would leave: the file already holds the log
    const onDisk = Flash.loadFrom(join(dir, "sim-flash.bin"));
    expect(onDisk.raw()).toEqual(sim.device.flash.raw());

    await stopSim(sim);
    expect(existsSync(join(dir, "sim.json"))).toBe(false);
    sim = await startSim(dir);
    expect(readFileSync(join(dir, "sim-flash.bin")).length).toBeGreaterThan(40 * 1024);

    const info = JSON.parse((await massager(["info", "--device", "sim", "--json", "--data-dir", dir])).stdout);
    expect(info.sessions_held).toBe(1);
    const synced = await massager(["sync", "--device", "sim", "--json", "--data-dir", dir]);
    expect(synced.code, synced.stderr).toBe(0);
    expect(JSON.parse(synced.stdout)).toMatchObject({ stored: 1, duplicates: 0 });
    const history = await massager(["history", "--json", "--data-dir", dir]);
    expect(history.code, history.stderr).toBe(0);
    expect(history.stdout).toContain("Daily 4 min");
  });

  it("serves one central at a time and tells the holder when the device drops the link", async () => {
    const dir = tempDir();
    const sim = await startSim(dir);
    const a = await RemoteSimBackend.connect(sim.port);
    const b = await RemoteSimBackend.connect(sim.port);
    try {
      expect((await a.advertise())[0].localName).toMatch(/^Massager /);
      await a.connect({ mtu: 247 });
      expect(await b.advertise()).toEqual([]); // a connected peripheral does not advertise
      await expect(b.connect({})).rejects.toThrow(/another central/);
      const dropped = new Promise<string>((r) => a.onDisconnect(r));
      sim.device.reboot();
      expect(await dropped).toBe("0x8");
      expect(sim.status().centralConnected).toBe(false);
      await b.connect({});
      expect((await b.status()).centralConnected).toBe(true);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe("sim.json", () => {
  it("stops a second simulator on the same data dir, and a lock left by a dead process does not", async () => {
    const dir = tempDir();
    const first = await startSim(dir);
    await expect(startSim(dir)).rejects.toThrow(/a virtual massager already runs for .*use it with --device sim/);
    await first.close();
    // a crash leaves sim.json behind, naming a process that answers nowhere
    writeFileSync(join(dir, "sim.json"), JSON.stringify({ ...readSimLockOf(first), port: 1 }));
    const second = await startSim(dir);
    expect(readSimLock(dir)!.port).toBe(second.port);
  });
});

function readSimLockOf(s: SimServer) {
  return { pid: process.pid, host: "127.0.0.1", port: s.port, consolePort: s.consolePort, board: "MDBT42Q", speed: 1, startedAt: "", flashFile: s.flashFile, protocol: 1 };
}
