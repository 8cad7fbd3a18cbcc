/**
 * `massager sim` as a person uses it across restarts and key presses: a bundle flashed into it is
 * what it boots next time (dist/firmware.js only with --reinstall, or when nothing else was flashed),
 * and a key pressed while the button is still held by the last one waits its turn.
 */
import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SimServer } from "../../companion/sim/service/server";
import { crc32 } from "../../shared/crc";
import { firmwareBundle } from "../helpers/firmware";
import { buildFirmware } from "../../scripts/build.mjs";

const servers: SimServer[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function start(dataDir: string, opts: { bundle?: string; reinstall?: boolean } = {}): Promise<SimServer> {
  const s = await SimServer.start({ dataDir, bundle: opts.bundle ?? (await firmwareBundle()), reinstall: opts.reinstall, consolePort: 0, realtime: false });
  servers.push(s);
  return s;
}

async function stop(s: SimServer): Promise<void> {
  servers.splice(servers.indexOf(s), 1);
  await s.close();
}

function bootcdeCrc(s: SimServer): number {
  const code = s.device.flash.readBytes(".bootcde")!;
  return crc32(code, 0, code.length, 0);
}

describe("massager sim across restarts", () => {
  it("boots a flashed bundle again after a restart; dist's bundle only with --reinstall, or when it was dist's own", async () => {
    const dir = mkdtempSync(join(tmpdir(), "massager-simfw-"));
    dirs.push(dir);
    const dist = await firmwareBundle();
    const other = (await buildFirmware({ outfile: null, version: "9.9.9-flashed" })).flashed as string;

    const first = await start(dir);
    expect(first.firmware).toBe("installed");
    const distCrc = bootcdeCrc(first);
    first.device.install(other); // what flashing it through its console does
    const flashedCrc = bootcdeCrc(first);
    expect(flashedCrc).not.toBe(distCrc);
    await stop(first);

    const again = await start(dir, { bundle: dist });
    expect(again.firmware).toBe("flashed");
    expect(bootcdeCrc(again)).toBe(flashedCrc);
    await stop(again);

    const reinstalled = await start(dir, { bundle: dist, reinstall: true });
    expect(reinstalled.firmware).toBe("installed");
    expect(bootcdeCrc(reinstalled)).toBe(distCrc);
    await stop(reinstalled);

    // the bundle it installed itself is dist's: a new build replaces it
    const rebuilt = await start(dir, { bundle: other });
    expect(rebuilt.firmware).toBe("installed");
    expect(bootcdeCrc(rebuilt)).toBe(flashedCrc);
  });

  it("a key pressed while the last press still holds the button waits for it: a long press, then a short one, are two presses", async () => {
    const dir = mkdtempSync(join(tmpdir(), "massager-simkeys-"));
    dirs.push(dir);
    const s = await start(dir);
    const d = s.device;
    const motorOnSince = (t: number) => d.motorTimeline().some((x) => x.t >= t && x.v > 0);
    s.press("short"); // starts the selected program
    d.advance(3000);
    expect(motorOnSince(d.clock.now() - 1000)).toBe(true);
    s.press("long"); // stops it…
    d.advance(500);
    s.press("short"); // …and this one, sent before the long press ended, starts a new session (merged, it paused the old one)
    d.advance(6000);
    expect(motorOnSince(d.clock.now() - 1000)).toBe(true);
  });
});
