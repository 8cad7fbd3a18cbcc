process.env.TZ = "UTC";
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../helpers/cli";
import { computeReport } from "../../companion/report/figures";
import { parseDate } from "../../companion/report/days";
import { COLUMNS } from "../../companion/export/columns";
import { csvField } from "../../companion/export/csv";
import { history30, DEVICE, TODAY } from "./history30";
import { readHistory, writeHistory } from "./sqlite";

const dir = mkdtempSync(join(tmpdir(), "massager-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const dataDir = join(dir, "data");
writeHistory(join(dataDir, "history.sqlite"), history30());

/** Runs `massager ARGV` in-process against the temp history; returns exit code and output. */
function massager(argv: string[], opts: { tty?: boolean; env?: Record<string, string>; dataDir?: string } = {}) {
  return runCli([...argv, "--data-dir", opts.dataDir ?? dataDir], {
    env: opts.env,
    tty: { stdout: opts.tty },
    // 2026-11-25 18:00 UTC
    now: () => Date.parse("2026-11-25T18:00:00Z") / 1000,
  });
}

describe("massager report", () => {
  it("--json prints every figure, for today by default (the clock) or --today", async () => {
    const expected = JSON.parse(JSON.stringify(computeReport(readHistory(join(dataDir, "history.sqlite")), { today: parseDate(TODAY)! })));
    const a = await massager(["report", "--json"]);
    expect(a.stderr).toBe("");
    expect(a.code).toBe(0);
    expect(JSON.parse(a.stdout)).toEqual(expected);
    const b = await massager(["report", "--json", "--today", "2026-11-25"]);
    expect(JSON.parse(b.stdout)).toEqual(expected);
    // a day earlier: the 11-25 session is after "today", and 11-24 is the last day of the streak
    const c = JSON.parse((await massager(["report", "--json", "--today", "2026-11-24"])).stdout);
    expect(c.sessions.after_today).toBe(2);
    expect(c.daily_4_min.current_streak_days).toBe(2);
    expect(c.daily_4_min.today_met).toBe(true);
  });

  it("rejects a --today that is not a date, saying how to write it", async () => {
    const r = await massager(["report", "--today", "25/11/2026"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/YYYY-MM-DD/);
  });

  it("prints the terminal view, with colours only on a terminal without NO_COLOR", async () => {
    const plain = await massager(["report"]);
    expect(plain.stdout).not.toMatch(/\x1b\[/);
    expect(plain.stdout).toMatch(/not a measure of hair growth/);
    expect(plain.stdout).toMatch(/2 days in a row \(longest 8 days, ended 2026-11-11\)/);
    expect(plain.stdout).toMatch(/week 5 of 24 · adherence 57% \(17 of 30 days\)/);
    // each protocol says which sessions count, and why
    expect(plain.stdout).toContain("Counts: A week counts when it has 2 sessions of at least 15 minutes each.");
    expect(plain.stdout).toMatch(/this week +1 session of 15 min or more \(2026-W48\) +· 2 a week not met yet · 3 shorter sessions not counted/);
    expect(plain.stdout).toMatch(/Sessions that reached every planned region: 82% \(18 of 22 preset sessions\)/);
    expect(plain.stdout).toMatch(/cannot see your head/);
    expect((await massager(["report"], { tty: true })).stdout).toMatch(/\x1b\[/);
    expect((await massager(["report"], { tty: true, env: { NO_COLOR: "1" } })).stdout).not.toMatch(/\x1b\[/);
  });

  it("tells a person without a history to sync first", async () => {
    const r = await massager(["report"], { dataDir: join(dir, "empty") });
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/run `massager sync`/);
  });
});

describe("massager history", () => {
  it("prints one line per session in local time", async () => {
    const r = await massager(["history"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines.length).toBe(25);
    expect(lines[0]).toBe("2026-10-27 07:30  Daily 4 min                4.0 min  front 1.3 · crown 1.3 · back 1.3  finished");
    expect(lines[17]).toBe('2026-11-15 07:30  Neck, "slow"              10.0 min  front 3.3 · crown 3.3 · back 3.3  finished');
    expect(lines[19]).toMatch(/^2026-11-18 07:30  Daily 4 min +0\.0 min  front 0\.0 · crown 0\.0 · back 0\.0  link-lost$/);
    expect(lines[22]).toMatch(/finished \(time estimated\)$/);
  });

  it("--last, --from and --to select sessions; --json gives the rows", async () => {
    expect((await massager(["history", "--last", "3"])).stdout.trimEnd().split("\n").length).toBe(3);
    const rows = JSON.parse((await massager(["history", "--json", "--from", "2026-11-03", "--to", "2026-11-03"])).stdout);
    expect(rows).toEqual([
      { device: DEVICE, seq: 7, start: "2026-11-03T07:30:00Z", start_unix: 1793691000, time_source: "clock", program: 0,
        program_name: "Daily 4 min", planned_s: 240, actual_s: 120, front_s: 80, crown_s: 40, back_s: 0, end_reason: "stopped", battery: 74, log_id: "00000001" },
      { device: DEVICE, seq: 8, start: "2026-11-03T08:30:00Z", start_unix: 1793694600, time_source: "clock", program: 0,
        program_name: "Daily 4 min", planned_s: 240, actual_s: 150, front_s: 80, crown_s: 70, back_s: 0, end_reason: "stopped", battery: 73, log_id: "00000001" },
    ]);
  });

  it("filters by --device (id or name) and names the known devices otherwise", async () => {
    expect(JSON.parse((await massager(["history", "--json", "--device", "Massager-01"])).stdout).length).toBe(25);
    const r = await massager(["history", "--device", "nope"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`Massager-01 (${DEVICE})`);
  });
});

describe("massager export", () => {
  it("--csv: the stable header, CRLF lines, RFC 4180 quoting, empty unknown battery", async () => {
    const r = await massager(["export", "--csv"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\r\n");
    expect(lines[0]).toBe("device,seq,start,start_unix,time_source,program,program_name,planned_s,actual_s,front_s,crown_s,back_s,end_reason,battery,log_id");
    expect(lines.length).toBe(1 + 25 + 1); // header, 25 sessions, "" after the final CRLF
    expect(lines[26]).toBe("");
    expect(lines[1]).toBe(`${DEVICE},1,2026-10-27T07:30:00Z,1793086200,clock,0,Daily 4 min,240,240,80,80,80,finished,80,00000001`);
    expect(lines[18]).toBe(`${DEVICE},18,2026-11-15T07:30:00Z,1794727800,clock,16,"Neck, ""slow""",600,600,200,200,200,finished,63,00000001`);
    expect(lines[23]).toBe(`${DEVICE},23,2026-11-24T07:30:00Z,1795505400,estimated,0,Daily 4 min,240,240,80,80,80,finished,,00000001`);
  });

  it("csvField quotes commas, quotes, CR and LF, and nothing else", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField(12)).toBe("12");
    expect(csvField(null)).toBe("");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
    expect(csvField("cr\r")).toBe('"cr\r"');
    expect(csvField(" spaced ")).toBe(" spaced ");
    expect(csvField("=1+1")).toBe("=1+1"); // lossless: the export is data, not a formula sheet
  });

  it("--json: an array of records with the columns in order; null battery", async () => {
    const r = await massager(["export", "--json"]);
    const records = JSON.parse(r.stdout);
    expect(records.length).toBe(25);
    for (const rec of records) expect(Object.keys(rec)).toEqual([...COLUMNS]);
    expect(records[22].battery).toBe(null);
    expect(records[17].program_name).toBe('Neck, "slow"');
  });

  it("--out writes the file and says so", async () => {
    const csv = join(dir, "out.csv");
    const r = await massager(["export", "--csv", "--out", csv]);
    expect(r.stdout).toBe(`Wrote 25 sessions to ${csv} (CSV)\n`);
    expect(readFileSync(csv, "utf8")).toBe((await massager(["export", "--csv"])).stdout);
    const json = join(dir, "out.json");
    const j = await massager(["export", "--json", "--out", json]);
    expect(JSON.parse(j.stdout)).toEqual({ format: "json", file: json, count: 25 });
    expect(JSON.parse(readFileSync(json, "utf8"))).toEqual(JSON.parse((await massager(["export", "--json"])).stdout));
  });

  it("asks for exactly one format", async () => {
    const none = await massager(["export"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--csv/);
    expect((await massager(["export", "--csv", "--json"])).code).toBe(2);
  });
});
