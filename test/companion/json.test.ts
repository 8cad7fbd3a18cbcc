/**
 * `--json` as scripts rely on it: every command prints the shape docs/JSON.md shows (the same keys,
 * nested the same way), every name is snake_case, and `device` is the massager's address in every
 * command (`device_name` its name). The device commands run against the virtual massager through
 * noble's classes (paired first, so they run as an owner's, then unpaired); the history ones against
 * the history the sync wrote. (The long-running sim is left out: it never ends by itself.)
 */
process.env.TZ = "UTC";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCli } from "../helpers/cli";
import { type SimNoble, simNoble } from "../helpers/sim-noble";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const EXAMPLE = join(ROOT, "examples", "evening.json");

/** docs/JSON.md: each `## massager A, massager B` section's first ```json block, by command. */
function documented(): Map<string, unknown> {
  const text = readFileSync(join(ROOT, "docs", "JSON.md"), "utf8");
  const shapes = new Map<string, unknown>();
  for (const section of text.split(/^## /m).slice(1)) {
    const block = /```json\n([\s\S]*?)```/.exec(section);
    if (!block) continue;
    const value = JSON.parse(block[1]);
    const heading = section.split("\n")[0];
    // "massager pause, resume, stop" documents three commands; "An error" is its own name
    const names = heading.startsWith("massager ") ? heading.replace(/massager /g, "").split(/,\s*/) : [heading.trim()];
    for (const n of names) shapes.set(n.trim(), value);
  }
  return shapes;
}

/** Where `actual`'s keys differ from `doc`'s: objects key by key, arrays by their first element. */
function shapeDiff(doc: unknown, actual: unknown, path = "$"): string[] {
  if (Array.isArray(doc) && Array.isArray(actual)) return doc.length && actual.length ? shapeDiff(doc[0], actual[0], `${path}[0]`) : [];
  const isObject = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v);
  if (!isObject(doc) || !isObject(actual)) return isObject(doc) !== isObject(actual) && doc !== null && actual !== null ? [`${path}: documented ${JSON.stringify(doc)}, got ${JSON.stringify(actual)}`] : [];
  const d = doc as Record<string, unknown>;
  const a = actual as Record<string, unknown>;
  const out: string[] = [];
  for (const k of Object.keys(d)) if (!(k in a)) out.push(`${path}.${k}: documented, not printed`);
  for (const k of Object.keys(a)) if (!(k in d)) out.push(`${path}.${k}: printed, not documented`);
  for (const k of Object.keys(d)) if (k in a) out.push(...shapeDiff(d[k], a[k], `${path}.${k}`));
  return out;
}

/** Keys that are not snake_case, but the documented exceptions (a program file; end reasons as keys). */
function badKeys(v: unknown, path = "$"): string[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => badKeys(x, `${path}[${i}]`));
  if (typeof v !== "object" || v === null) return [];
  if (/\.program$|\.by_end$/.test(path)) return [];
  return Object.entries(v).flatMap(([k, x]) => [...(/^[a-z][a-z0-9_]*$/.test(k) ? [] : [`${path}.${k}`]), ...badKeys(x, `${path}.${k}`)]);
}

const outputs = new Map<string, unknown>();
let sim: SimNoble;
const dir = mkdtempSync(join(tmpdir(), "massager-json-"));
const tmp = mkdtempSync(join(tmpdir(), "massager-json-tmp-"));

beforeAll(async () => {
  sim = await simNoble();
  const json = async (name: string, argv: string[], onDevice = true) => {
    const r = onDevice ? await sim.cli([...argv, "--json"], { dataDir: dir }) : await runCli([...argv, "--json", "--data-dir", dir]);
    outputs.set(name, JSON.parse(r.stdout));
  };
  await json("devices", ["devices"]);
  await json("info", ["info"]);
  // the 5-second hold opens the pairing window; every command after pair is an owner's, signed
  sim.device.buttonDown();
  sim.device.advance(5200);
  sim.device.buttonUp();
  sim.device.advance(500);
  await json("pair", ["pair"]);
  await json("time", ["time"]);
  await json("push", ["push", EXAMPLE]);
  await json("programs", ["programs"]);
  await json("show", ["show", "s0"]);
  await json("select", ["select", "0"]);
  await json("start", ["start"]);
  sim.device.advance(20_000);
  await json("pause", ["pause"]);
  await json("resume", ["resume"]);
  await json("status", ["status"]);
  await json("stop", ["stop"]);
  await json("sync", ["sync"]);
  await json("delete", ["delete", "Evening"]);
  await json("settings", ["settings"]);
  await json("unpair", ["unpair"]);
  await json("history", ["history"], false);
  await json("export", ["export"], false);
  await json("report", ["report"], false);
  await json("validate", ["validate", EXAMPLE], false);
  await json("demo", ["demo", "--speed", "0"], false);
  await json("error", ["validate", join(dir, "nope.json")], false);
  // flash last: it writes its files in a temporary folder of its own, and must not leave it behind
  const was = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
  try {
    await json("flash", ["flash", "--dry-run"], false);
  } finally {
    process.env.TMPDIR = was;
  }
}, 120_000);

afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(tmp, { recursive: true, force: true });
});

describe("--json", () => {
  it("every command prints the shape docs/JSON.md shows", () => {
    const docs = documented();
    for (const [name, actual] of outputs) {
      const key = name === "error" ? "An error" : name;
      expect(docs.has(key), `docs/JSON.md documents ${key}`).toBe(true);
      expect(shapeDiff(docs.get(key), actual), name).toEqual([]);
    }
  });

  it("names are snake_case everywhere", () => {
    for (const [name, actual] of outputs) expect(badKeys(actual), name).toEqual([]);
  });

  it("device is the massager's address in every command, device_name its name", () => {
    const address = sim.device.nrf.address.split(" ")[0].toLowerCase();
    for (const name of ["info", "time", "push", "programs", "show", "select", "start", "pause", "resume", "status", "stop", "sync", "delete", "settings", "pair", "unpair"]) {
      expect((outputs.get(name) as { device: string }).device, name).toBe(address);
      expect((outputs.get(name) as { device_name: string }).device_name, name).toMatch(/^Massager [0-9A-F]{4}$/);
    }
    expect((outputs.get("devices") as { devices: { device: string }[] }).devices[0].device).toBe(address);
    expect((outputs.get("history") as { device: string }[])[0].device).toBe(address);
  });

  it("info says in text what its JSON says: the console open or locked", async () => {
    const info = outputs.get("info") as { console_open: boolean };
    const text = (await sim.cli(["info"], { dataDir: dir })).stdout;
    expect(text).toMatch(info.console_open ? /^console +open\b/m : /^console +locked/m);
  });

  it("flash --dry-run leaves no temporary folder behind", () => {
    expect((outputs.get("flash") as { dry_run: boolean }).dry_run).toBe(true);
    expect(readdirSync(tmp)).toEqual([]);
  });
});
