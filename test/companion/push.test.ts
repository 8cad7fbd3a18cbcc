import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SLOT_BASE, State } from "../../shared/codes";
import { MOTOR_DUTY_MAX } from "../../shared/limits";
import { simNoble, type SimNoble } from "../helpers/sim-noble";

let dir: string;
let sim: SimNoble;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "massager-push-"));
});
afterEach(async () => {
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, content: unknown): string {
  const f = join(dir, name);
  writeFileSync(f, typeof content === "string" ? content : JSON.stringify(content, null, 2));
  return f;
}

const PROGRAM = {
  name: "Evening steady",
  steps: [
    { region: "front", pattern: "steady", duration: 20, intensity: 0.5 },
    { region: "crown", pattern: "steady", duration: 20, intensity: 1.0 },
    { region: "back", pattern: "steady", duration: 10, intensity: 0.3, cue: "none" },
  ],
};

describe("massager push", () => {
  it("uploads a program that `programs` then lists, selected, and START runs its motor timeline", async () => {
    sim = await simNoble();
    const f = file("evening.json", PROGRAM);
    const push = await sim.cli(["push", f, "--json"], { dataDir: dir });
    expect(push.stderr).toBe("");
    expect(push.code).toBe(0);
    const pushed = JSON.parse(push.stdout);
    expect(pushed).toMatchObject({ slot: 0, id: SLOT_BASE, name: "Evening steady", seconds: 50, selected: true });

    const list = await sim.cli(["programs", "--json"], { dataDir: dir });
    expect(list.code).toBe(0);
    const programs = JSON.parse(list.stdout);
    const mine = programs.programs.find((p: { id: number }) => p.id === SLOT_BASE);
    expect(mine).toMatchObject({ name: "Evening steady", kind: "custom", slot: 0, seconds: 50, steps: 3, selected: true });
    expect(programs.selected).toBe(SLOT_BASE);

    // START over BLE (the link stays up: a BLE session stops when the link is lost), then run time
    const { client } = await sim.connect();
    const d = sim.device;
    const t0 = d.clock.now();
    await client.start(SLOT_BASE);
    const at = (s: number) => d.levelAt(d.board.motorPin, t0 + s * 1000);
    d.advance(5_000);
    expect((await client.status()).state).toBe(State.Running);
    d.advance(60_000);
    const duty = (x: number) => x * MOTOR_DUTY_MAX;
    // step 1: region cue (full-level pulses) then steady 0.5
    expect(at(0.04)).toBeGreaterThan(0);
    expect(at(5)).toBeCloseTo(duty(0.5), 5);
    expect(at(19.9)).toBeCloseTo(duty(0.5), 5);
    // step 2 at 20 s: a region cue, then steady 1.0
    expect(at(20.05)).toBeCloseTo(duty(1), 5);
    expect(at(20.15)).toBe(0); // the gap between cue pulses: not a massage level
    expect(at(25)).toBeCloseTo(duty(1), 5);
    // step 3 at 40 s: no cue, steady 0.3; off at 50 s
    expect(at(40.05)).toBeCloseTo(duty(0.3), 5);
    expect(at(45)).toBeCloseTo(duty(0.3), 5);
    expect(at(50.5)).toBe(0);
    expect(d.motor).toBe(0);
    expect(Math.max(...d.motorTimeline().map((x) => x.v))).toBeLessThanOrEqual(MOTOR_DUTY_MAX);
    expect((await client.status()).state).not.toBe(State.Running);
    expect(d.errors).toEqual([]);
  });

  it("a broken program file fails with one line naming the field, and nothing is sent", async () => {
    sim = await simNoble();
    const rx = sim.device.nrf.stats.rxPackets;
    const connections = sim.device.nrf.stats.connections;
    const bad = { ...PROGRAM, steps: [PROGRAM.steps[0], { ...PROGRAM.steps[1], intensity: 1.4 }] };
    const cases: [string, string | object, RegExp][] = [
      ["bad.json", bad, /steps\[1\]\.intensity: 1\.4 is above the limit 1\.0/],
      ["notjson.json", "{ name: oops", /is not JSON/],
      ["big.json", JSON.stringify({ ...PROGRAM, description: "x".repeat(70_000) }), /too large/],
      ["nosteps.json", { name: "x" }, /steps: must be an array/],
    ];
    for (const [name, content, expected] of cases) {
      const r = await sim.cli(["push", file(name, content)], { dataDir: dir });
      expect(r.code).toBe(4);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(expected);
      expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(sim.device.nrf.stats.rxPackets).toBe(rx);
    expect(sim.device.nrf.stats.connections).toBe(connections);
    expect(sim.writes()).toBe(0);

    // validate lists every problem, each a line naming its field, on stderr like any bad file
    const v = await sim.cli(["validate", file("bad2.json", { ...bad, name: "" })], { dataDir: dir });
    expect(v.code).toBe(4);
    expect(v.stdout).toBe("");
    expect(v.stderr.trimEnd().split("\n")).toEqual([
      expect.stringMatching(/^massager: .*bad2\.json: 2 problems:$/),
      "  name: must be 1 to 24 characters",
      "  steps[1].intensity: 1.4 is above the limit 1.0",
    ]);
  });

  it("resumes an upload cut by a dropped link from the offset the device reports", async () => {
    sim = await simNoble({ link: { mtu: 23 } });
    const big = {
      name: "Long custom",
      steps: Array.from({ length: 24 }, (_, i) => ({
        region: ["front", "crown", "back"][i % 3], pattern: "custom", duration: 20, intensity: 0.6,
        curve: [0.2, 0.4, 0.6, 0.8, 1, 0.8, 0.6, 0.4], curveStepMs: 200,
      })),
    };
    // drop the link just as the 3rd PROG_WRITE's reply goes out: the device has the bytes, the
    // central never hears so (prependListener: before the central's own listener sees the packet)
    let writes = 0;
    sim.device.nrf.prependListener("notify", (_s: string, _c: string, data: Uint8Array) => {
      // replies: first packet of a message carries the op at byte 1
      if (!(data[0] & 0x80) && data[0] & 0x40 && data[1] === 0x22 && ++writes === 3) sim.device.nrf.centralDisconnect(0x08);
    });
    const { client } = await sim.connect();
    const { push, chunkSize } = await import("../../companion/device/upload");
    const { programFromJson } = await import("../../shared/validate");
    const program = programFromJson(big).program!;
    const sent: number[] = [];
    const r = await push(client, program, { slot: 2, onProgress: (p) => sent.push(p.sent) });
    expect(r).toMatchObject({ slot: 2, id: SLOT_BASE + 2, selected: true, resumedFrom: 0 });
    // after the drop, PROG_BEGIN said where the device was: the upload went on from there
    const chunk = chunkSize(20);
    expect(sent.filter((x) => x === 0)).toHaveLength(1); // never started over
    expect(sent).toContain(3 * chunk); // PROG_BEGIN's answer after the drop: the 3rd chunk had arrived
    expect(r.chunks).toBe(Math.ceil(r.bytes / chunk) - 1); // the chunk whose reply was lost was not sent again
    const list = await client.programs();
    expect(list.entries.find((e) => e.id === SLOT_BASE + 2)!.crc).toBe(r.crc);
    expect(client.link.stats.reconnects).toBeGreaterThan(0);
  });
});
