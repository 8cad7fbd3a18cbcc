import { COMMANDS, type CommandSpec, GLOBAL_OPTIONS, type OptionSpec, type ParsedOptions, findCommand } from "./commands";
import { UsageError } from "../errors";

/**
 * argv → ParsedOptions, against the command table. Options may come before or after the command:
 * `--name value`, `--name=value`, `-d value`, booleans as `--json`; `--` ends the options.
 * `massager help push` is `massager push --help`. Anything unknown is a UsageError naming the fix.
 */
export function parseArgv(argv: string[]): ParsedOptions {
  const tokens = argv.slice();
  let command: CommandSpec | undefined;
  let commandName = "";
  const positionals: string[] = [];
  const options: Record<string, string | number | boolean> = {};
  let help = false;
  let onlyPositionals = false;

  const specFor = (token: string): OptionSpec | undefined => {
    const all = [...GLOBAL_OPTIONS, ...(command?.options ?? [])];
    if (token.startsWith("--")) return all.find((o) => o.name === token.slice(2));
    return all.find((o) => o.alias === token.slice(1));
  };

  while (tokens.length) {
    const t = tokens.shift() as string;
    if (!onlyPositionals && t === "--") {
      onlyPositionals = true;
      continue;
    }
    if (!onlyPositionals && t.startsWith("-") && t.length > 1 && !/^-\d/.test(t)) {
      const eq = t.indexOf("=");
      const flag = eq > 0 ? t.slice(0, eq) : t;
      const spec = specFor(flag);
      if (!spec) {
        const where = command ? `\`massager ${command.name} --help\`` : "`massager --help`";
        throw new UsageError(`unknown option ${flag}${command ? ` for ${command.name}` : ""}; run ${where} to see the options`);
      }
      if (spec.type === "boolean") {
        if (eq > 0) throw new UsageError(`--${spec.name} takes no value; write just --${spec.name}`);
        options[spec.name] = true;
        if (spec.name === "help") help = true;
        continue;
      }
      let value: string | undefined = eq > 0 ? t.slice(eq + 1) : tokens.shift();
      if (value === undefined || (eq < 0 && value.startsWith("--")))
        throw new UsageError(`--${spec.name} needs a value (${spec.arg ?? spec.type}); e.g. ${exampleFor(command, spec)}`);
      if (spec.type === "number") {
        const n = Number(value);
        if (value.trim() === "" || !Number.isFinite(n)) throw new UsageError(`--${spec.name}: "${value}" is not a number`);
        options[spec.name] = n;
      } else {
        options[spec.name] = value;
      }
      continue;
    }
    if (!command && !commandName) {
      commandName = t;
      if (t === "help") continue;
      command = findCommand(t);
      if (!command) throw new UsageError(`unknown command "${t}"; run \`massager --help\` to see the commands`);
      continue;
    }
    if (commandName === "help" && !command) {
      command = findCommand(t);
      if (!command) throw new UsageError(`unknown command "${t}"; run \`massager --help\` to see the commands`);
      help = true;
      continue;
    }
    positionals.push(t);
  }

  if (commandName === "help") help = true;
  if (!command) return { command: "", args: {}, options, help: true };
  const args: Record<string, string> = {};
  if (!help) {
    command.args.forEach((a, i) => {
      if (positionals[i] !== undefined) args[a.name] = positionals[i];
      else if (a.required) throw new UsageError(`${command!.name} needs ${a.name.toUpperCase()} (${a.description}); e.g. ${command!.example}`);
    });
    if (positionals.length > command.args.length)
      throw new UsageError(`${command.name} does not take "${positionals[command.args.length]}"; run \`massager ${command.name} --help\``);
  }
  return { command: command.name, args, options, help };
}

function exampleFor(command: CommandSpec | undefined, spec: OptionSpec): string {
  if (command && command.example.includes(`--${spec.name}`)) return command.example;
  const sample = spec.type === "number" ? "1" : spec.name === "device" ? "sim" : spec.name === "data-dir" ? "~/massager-data" : "VALUE";
  return `massager ${command?.name ?? "info"} --${spec.name} ${sample}`;
}

/** Help for every command, or for one. */
export function helpText(commandName?: string): string {
  const cmd = commandName ? findCommand(commandName) : undefined;
  const opt = (o: OptionSpec) =>
    `  ${(o.alias ? `-${o.alias}, ` : "    ") + `--${o.name}` + (o.arg ? ` ${o.arg}` : "")}`.padEnd(34) + o.description;
  if (!cmd) {
    const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
    return [
      "massager: the scalp massager's companion (sync sessions, load programs, control the device)",
      "",
      "Usage: massager COMMAND [options]",
      "",
      "Commands:",
      ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
      "",
      "Options for every command:",
      ...GLOBAL_OPTIONS.map(opt),
      "",
      "Examples:",
      ...COMMANDS.filter((c) => ["sync", "push", "devices"].includes(c.name)).map((c) => `  ${c.example}`),
      "",
      "Run `massager COMMAND --help` for a command's options and an example.",
    ].join("\n");
  }
  const usage = `massager ${cmd.name}` + cmd.args.map((a) => (a.required ? ` ${a.name.toUpperCase()}` : ` [${a.name.toUpperCase()}]`)).join("") + " [options]";
  return [
    `massager ${cmd.name}: ${cmd.summary}`,
    "",
    `Usage: ${usage}`,
    ...(cmd.args.length ? ["", "Arguments:", ...cmd.args.map((a) => `  ${a.name.toUpperCase().padEnd(32)}${a.description}`)] : []),
    ...(cmd.options.length ? ["", "Options:", ...cmd.options.map(opt)] : []),
    "",
    "Options for every command:",
    ...GLOBAL_OPTIONS.map(opt),
    "",
    "Example:",
    `  ${cmd.example}`,
    ...(cmd.more ? ["", cmd.more.heading, ...cmd.more.lines().map((l) => `  ${l}`)] : []),
  ].join("\n");
}
