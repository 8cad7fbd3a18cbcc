/**
 * The session commands as people use them: `start` returns once the device confirms and the session
 * runs on; `status`, `pause`, `resume`, `stop` then work from another command; each says what it
 * found when the session is not in the state it acts on; `start --follow` shows the session to its
 * end, and a lost link or Ctrl-C end only the following. `--device sim` with no `massager sim`
 * running refuses the commands that need a device that lives on, and says so for the others.
 */
import { afterEach, describe, expect, it } from "vitest";
import { join } from "node:path";
import { runCli } from "../helpers/cli";
import { simNoble, type SimNoble } from "../helpers/sim-noble";
import { tempDirs } from "../helpers/temp";

let sim: SimNoble | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});
const tempDir = tempDirs("massager-session-");

const json = (r: { stdout: string }) => JSON.parse(r.stdout);

/** `massager start ID --follow` under way (its first status read done), with the device's clock running. */
async function following(s: SimNoble, id: string): Promise<{ run: ReturnType<SimNoble["cli"]> }> {
  const run = s.cli(["start", id, "--follow"]);
  await whileRunning(s, new Promise((r) => setTimeout(r, 300)), 1000);
  return { run }; // (wrapped: an async function would wait for the run itself)
}

/** Advances the device's clock by `ms` every few real milliseconds until `done` resolves. */
async function whileRunning<T>(s: SimNoble, done: Promise<T>, ms = 5000): Promise<T> {
  let over = false;
  void done.finally(() => (over = true));
  while (!over) {
    await s.backend.settle();
    s.device.advance(ms);
    await new Promise((r) => setTimeout(r, 20));
  }
  return done;
}

describe("massager start, status, pause, resume, stop", () => {
  it("start returns once the device confirms, and the session runs on for the other commands", async () => {
    sim = await simNoble();
    const started = await sim.cli(["start", "0"]);
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toMatch(/^Massager [0-9A-F]{4}: "Daily 4 min" \(0\) runs for 4:00 on the device; its button pauses it \(a long press stops it\), and so do `massager pause` and `massager stop`\n$/);
    expect(sim.device.nrf.connected).toBe(false); // the command let go of the link
    sim.device.advance(30_000);

    const status = json(await sim.cli(["status", "--json"]));
    expect(status).toMatchObject({ state: "running", program: 0, program_name: "Daily 4 min", planned_s: 240 });
    expect(status.elapsed_s).toBeGreaterThanOrEqual(30);

    const paused = await sim.cli(["pause"]);
    expect(paused.code).toBe(0);
    expect(paused.stdout).toMatch(/: paused: Daily 4 min, step \d+, front, 0:3\d of 4:00/);
    const again = await sim.cli(["pause"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/: the session is already paused; paused: Daily 4 min/);
    expect(json(await sim.cli(["pause", "--json"]))).toMatchObject({ state: "paused", already: true });

    expect((await sim.cli(["resume"])).stdout).toMatch(/: running: Daily 4 min/);
    expect((await sim.cli(["resume"])).stdout).toMatch(/: the session is already running; running: Daily 4 min/);

    const stopped = await sim.cli(["stop", "--json"]);
    expect(json(stopped)).toMatchObject({ state: "stopped", last_end: "stopped-remote", already: false });
    for (const [cmd, sentence] of [
      ["stop", "massager: no session is running or paused, so there is nothing to stop\n"],
      ["pause", "massager: no session is running, so there is nothing to pause; `massager start` starts one\n"],
      ["resume", "massager: no session is paused, so there is nothing to resume; `massager start` starts one\n"],
    ]) {
      const r = await sim.cli([cmd]);
      expect(r.code, cmd).toBe(1);
      expect(r.stderr, cmd).toBe(sentence);
    }
  });

  it("start with no program resumes the paused session; a second start says a session is on", async () => {
    sim = await simNoble();
    await sim.cli(["start", "Calm 15 min"]);
    sim.device.advance(10_000);
    await sim.cli(["pause"]);
    const busy = await sim.cli(["start", "1"]);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toMatch(/^massager: a session is already on: paused: Calm 15 min, .*; `massager stop` ends it\n$/);
    const resumed = await sim.cli(["start"]);
    expect(resumed.stdout).toMatch(/: "Calm 15 min" \(2\) goes on at 0:1\d of 15:00 on the device/);
    expect(json(await sim.cli(["status", "--json"])).state).toBe("running");
  });

  it("--follow shows the session to its end: a line per step, the final state, exit 0", async () => {
    sim = await simNoble();
    const r = await whileRunning(sim, sim.cli(["start", "0", "--follow"]));
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/runs for 4:00 on the device/);
    expect(lines).toContain("  0:00  running, step 1, front");
    expect(lines.filter((l) => /^ {2}\d+:\d\d {2}running, step \d+, (front|crown|back)$/.test(l)).length).toBeGreaterThanOrEqual(3);
    expect(lines.at(-1)).toMatch(/: finished: Daily 4 min, 4:00 of 4:00$/);
  });

  it("a link lost while following: one sentence, exit 3, and the session goes on", async () => {
    const s = (sim = await simNoble());
    const { run } = await following(s, "0");
    s.device.nrf.centralDisconnect(0x08); // out of range
    const r = await run;
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^massager: the Bluetooth link to Massager [0-9A-F]{4} was lost while following the session; the session goes on on the device/);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(json(await s.cli(["status", "--json"])).state).toBe("running");
  });

  it("Ctrl-C while following stops the following, not the session: exit 130", async () => {
    const s = (sim = await simNoble());
    const { run } = await following(s, "1");
    process.emit("SIGINT");
    const r = await run;
    expect(r.code).toBe(130);
    expect(r.stdout).toMatch(/stopped following at Ctrl-C; the session goes on on the device \(running: Daily 15 min, .*\); `massager stop` ends it\n$/);
    expect(json(await s.cli(["status", "--json"])).state).toBe("running");
  });

  it("another command while one holds the virtual massager: it is busy, not asleep", async () => {
    const s = (sim = await simNoble());
    const { run } = await following(s, "0");
    const r = await s.cli(["status"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe("massager: the virtual massager is busy with another command (it takes one connection at a time, like a board); try again when that one ends\n");
    process.emit("SIGINT");
    expect((await run).code).toBe(130);
  });
});

describe("--device sim with no `massager sim` running", () => {
  it("refuses the commands that need a device that lives on, before connecting, and names `massager sim`", async () => {
    const dir = tempDir();
    for (const cmd of ["start", "pause", "resume", "stop", "status", "time"]) {
      const r = await runCli([cmd, "--device", "sim", "--data-dir", dir]);
      expect(r.code, cmd).toBe(3);
      expect(r.stderr, cmd).toBe(
        `massager: no virtual massager is running for ${dir}, and \`massager ${cmd}\` needs one that lives on after the command; start \`massager sim\` in another terminal (with the same --data-dir), then run it again\n`,
      );
    }
  });

  it("any other command runs the virtual massager inside itself, and says so on stderr", async () => {
    const dir = tempDir();
    const r = await runCli(["info", "--device", "sim", "--data-dir", dir, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(json(r)).toMatchObject({ firmware: expect.any(String), clock: expect.any(String) });
    expect(r.stderr).toBe(
      `note: no \`massager sim\` is running, so this command booted the virtual massager itself from ${join(dir, "sim-flash.bin")} (its programs and log are kept; its clock is not); \`massager sim\` keeps one running\n`,
    );
  });
});
