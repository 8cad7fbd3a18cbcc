/** Runs the `massager` CLI in-process (main(), the entry point's only caller) with captured output. */
import { type ChildProcess, spawn } from "node:child_process";
import { main } from "../../companion/cli/main";
import type { IO } from "../../companion/cli/context";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** What a test may set of the CLI's surroundings (IO); output is always captured. */
export interface CliOptions extends Pick<IO, "simBackend" | "linkOptions" | "now"> {
  env?: Record<string, string | undefined>;
  /** Whether stdout and stderr are terminals (colour, progress bars, moving lines); default neither. */
  tty?: { stdout?: boolean; stderr?: boolean };
}

export async function runCli(argv: string[], opts: CliOptions = {}): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    stdout: { write: (s: string) => (stdout += s), isTTY: opts.tty?.stdout ?? false },
    stderr: { write: (s: string) => (stderr += s), isTTY: opts.tty?.stderr ?? false },
    env: { ...opts.env },
    simBackend: opts.simBackend,
    linkOptions: opts.linkOptions,
    now: opts.now,
  });
  return { code, stdout, stderr };
}

/** A CLI process a test started: its stdout and stderr as one text so far, and its exit. */
export interface SpawnedCli {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** `node ARGS` as a person's terminal would run it (its own process, no colour); stdin is a pipe when asked for. */
export function spawnCli(args: string[], opts: { cwd: string; stdin?: boolean }): SpawnedCli {
  const child = spawn(process.execPath, args, { cwd: opts.cwd, env: { ...process.env, NO_COLOR: "1" }, stdio: [opts.stdin ? "pipe" : "ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return { child, output: () => out, exited };
}
