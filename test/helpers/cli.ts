/** Runs the `massager` CLI in-process (main(), the entry point's only caller) with captured output. */
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
