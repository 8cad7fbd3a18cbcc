import { findCommand } from "./commands";
import { Context, type IO, colorAllowed } from "./context";
import { EXIT, MassagerError, ProgramFileError, exitCodeOf } from "../errors";
import { helpText, parseArgv } from "./parse";

/**
 * The `massager` command line: parse, run one command, print its data (JSON with --json, else
 * its text view), and return the exit code. Errors become one line on stderr (what was wrong and
 * the command that fixes it); stacks only with MASSAGER_DEBUG=1. Only bin/massager.js exits.
 */
export async function main(argv: string[], io?: Partial<IO>): Promise<number> {
  const out: IO = {
    stdout: io?.stdout ?? process.stdout,
    stderr: io?.stderr ?? process.stderr,
    env: io?.env ?? process.env,
    simBackend: io?.simBackend,
    linkOptions: io?.linkOptions,
    now: io?.now,
  };
  const json = argv.includes("--json");
  let ctx: Context | null = null;
  try {
    const parsed = parseArgv(argv);
    if (parsed.help) {
      out.stdout.write(helpText(parsed.command || undefined) + "\n");
      return EXIT.ok;
    }
    const spec = findCommand(parsed.command)!;
    ctx = new Context(out, {
      json: parsed.options.json === true,
      dataDir: parsed.options["data-dir"] as string | undefined,
      device: parsed.options.device as string | undefined,
      command: parsed.command,
    });
    const mod = await spec.load();
    const data = await mod.run(parsed, ctx);
    if (ctx.json) out.stdout.write(JSON.stringify(data, jsonBytes, 2) + "\n");
    else {
      const text = mod.text(data, ctx);
      if (text) out.stdout.write(text.endsWith("\n") ? text : text + "\n");
    }
    return mod.exitCode ? mod.exitCode(data) : EXIT.ok;
  } catch (err) {
    report(err, out, json);
    return exitCodeOf(err);
  } finally {
    if (ctx) await ctx.dispose();
  }
}

function report(err: unknown, io: IO, json: boolean): void {
  const debug = io.env.MASSAGER_DEBUG === "1";
  const color = !!io.stderr.isTTY && colorAllowed(io.env);
  const known = err instanceof MassagerError;
  const message = known
    ? (err as Error).message
    : `unexpected error: ${(err as Error)?.message ?? String(err)}; run again with MASSAGER_DEBUG=1 and report what it prints`;
  const prefix = color ? "\x1b[31mmassager:\x1b[0m" : "massager:";
  io.stderr.write(`${prefix} ${oneLine(message)}\n`);
  if (err instanceof ProgramFileError && err.listed) for (const e of err.errors) io.stderr.write(`  ${e}\n`);
  if (debug && err instanceof Error && err.stack) io.stderr.write(err.stack + "\n");
  if (json) {
    const e: Record<string, unknown> = { message: oneLine(message), kind: known ? (err as Error).name : "Error", exit_code: exitCodeOf(err) };
    if (err instanceof ProgramFileError && err.errors.length) e.errors = err.errors;
    io.stdout.write(JSON.stringify({ error: e }, null, 2) + "\n");
  }
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, " ").trim();
}

/** JSON: byte arrays as hex. */
function jsonBytes(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString("hex");
  return value;
}
