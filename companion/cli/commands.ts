import type { Context } from "./context";
import { programRules } from "./program-rules";

/**
 * Every command of `massager`, in one table: name, what it does, its arguments and options, and an
 * example. Each command lives in commands/<name>.ts, imported only when it runs, and exports
 * `run(options, ctx)` returning data (printed as is by --json) and `text(data, ctx)`, the view
 * for people.
 */
export interface OptionSpec {
  name: string;
  alias?: string;
  type: "string" | "number" | "boolean";
  /** Placeholder in help, e.g. "DIR". */
  arg?: string;
  description: string;
}

export interface ArgSpec {
  name: string;
  required: boolean;
  description: string;
}

export interface CommandModule {
  run(options: ParsedOptions, ctx: Context): Promise<unknown>;
  text(data: any, ctx: Context): string;
  /** The exit code for a result that is data, not an error (e.g. `validate` of an invalid file). */
  exitCode?(data: any): number;
}

export interface CommandSpec {
  name: string;
  summary: string;
  args: ArgSpec[];
  options: OptionSpec[];
  example: string;
  /** Talks to a device (so --device applies). */
  device: boolean;
  /** More lines for its --help, under a heading (e.g. the program rules). */
  more?: { heading: string; lines: () => string[] };
  load: () => Promise<CommandModule>;
}

/** What the parser produces for one command line. */
export interface ParsedOptions {
  command: string;
  /** Positional arguments by the names in the command's args. */
  args: Record<string, string>;
  /** Command and global options, by long name. */
  options: Record<string, string | number | boolean>;
  help: boolean;
}

const PROGRAM_RULES = { heading: "A program file (JSON) keeps these rules:", lines: programRules };

export const GLOBAL_OPTIONS: OptionSpec[] = [
  { name: "device", alias: "d", type: "string", arg: "NAME|ADDRESS|sim", description: "the massager to talk to (a name, an address, or sim for the virtual one)" },
  { name: "json", type: "boolean", description: "print the result as JSON, for scripts" },
  { name: "data-dir", type: "string", arg: "DIR", description: "where the history and the virtual device's flash live (also MASSAGER_HOME)" },
  { name: "help", alias: "h", type: "boolean", description: "show help for a command" },
];

export const COMMANDS: CommandSpec[] = [
  {
    name: "devices",
    summary: "scan for massagers in range",
    args: [],
    options: [{ name: "timeout", type: "number", arg: "SECONDS", description: "how long to scan (default 5)" }],
    example: "massager devices --timeout 10",
    device: true,
    load: () => import("./commands/devices"),
  },
  {
    name: "info",
    summary: "show the device's firmware, battery, clock, storage and log state",
    args: [],
    options: [],
    example: "massager info --device sim",
    device: true,
    load: () => import("./commands/info"),
  },
  {
    name: "time",
    summary: "set the device's clock to this computer's time",
    args: [],
    options: [],
    example: "massager time --device Massager-1A2B",
    device: true,
    load: () => import("./commands/time"),
  },
  {
    name: "sync",
    summary: "pull new session records into the history, then let the device free them",
    args: [],
    options: [],
    example: "massager sync --device sim",
    device: true,
    load: () => import("./commands/sync"),
  },
  {
    name: "push",
    summary: "validate a program file, upload it, and make it the selected program",
    args: [{ name: "file", required: true, description: "a program in JSON (see `massager validate`)" }],
    options: [{ name: "slot", type: "string", arg: "SLOT", description: "custom slot s0-s3 (default: the slot with the same name, else the first free one)" }],
    example: "massager push my-program.json --slot s1",
    device: true,
    more: PROGRAM_RULES,
    load: () => import("./commands/push"),
  },
  {
    name: "programs",
    summary: "list the presets and custom programs on the device",
    args: [],
    options: [],
    example: "massager programs --json",
    device: true,
    load: () => import("./commands/programs"),
  },
  {
    name: "show",
    summary: "read a program back from the device as the JSON file `massager push` takes",
    args: [{ name: "id", required: true, description: "program id (0-2 presets, s0-s3 custom) or name, as `massager programs` lists it" }],
    options: [{ name: "out", type: "string", arg: "FILE", description: "write the JSON to FILE instead of printing it" }],
    example: "massager show s1 --out evening.json",
    device: true,
    load: () => import("./commands/show"),
  },
  {
    name: "select",
    summary: "make a program the one a button press starts",
    args: [{ name: "id", required: true, description: "program id (0-2 presets, s0-s3 custom) or name, as `massager programs` lists it" }],
    options: [],
    example: "massager select s1",
    device: true,
    load: () => import("./commands/select"),
  },
  {
    name: "delete",
    summary: "delete a custom program from the device",
    args: [{ name: "id", required: true, description: "a custom program: slot (s0-s3) or name, as `massager programs` lists it" }],
    options: [],
    example: "massager delete s2",
    device: true,
    load: () => import("./commands/delete"),
  },
  {
    name: "start",
    summary: "start a program (default: the selected one, or the paused session); it runs on the device until it ends, its button or `massager stop`",
    args: [{ name: "id", required: false, description: "program id (0-2 presets, s0-s3 custom) or name, as `massager programs` lists it" }],
    options: [{ name: "follow", alias: "f", type: "boolean", description: "stay and show the session live until it ends (Ctrl-C stops following, not the session)" }],
    example: "massager start 0 --follow",
    device: true,
    load: () => import("./commands/start"),
  },
  {
    name: "pause",
    summary: "pause the running session",
    args: [],
    options: [],
    example: "massager pause",
    device: true,
    load: () => import("./commands/pause"),
  },
  {
    name: "resume",
    summary: "resume a paused session",
    args: [],
    options: [],
    example: "massager resume",
    device: true,
    load: () => import("./commands/resume"),
  },
  {
    name: "stop",
    summary: "stop the session (it is logged)",
    args: [],
    options: [],
    example: "massager stop",
    device: true,
    load: () => import("./commands/stop"),
  },
  {
    name: "status",
    summary: "show the session state: program, step, region, elapsed time",
    args: [],
    options: [],
    example: "massager status --json",
    device: true,
    load: () => import("./commands/status"),
  },
  {
    name: "history",
    summary: "list the synced sessions, one line each (no device needed)",
    args: [],
    options: [
      { name: "from", type: "string", arg: "YYYY-MM-DD", description: "first day to list" },
      { name: "to", type: "string", arg: "YYYY-MM-DD", description: "last day to list" },
      { name: "last", type: "number", arg: "N", description: "only the last N sessions" },
    ],
    example: "massager history --last 10",
    device: false,
    load: () => import("./commands/history"),
  },
  {
    name: "report",
    summary: "streaks, adherence and minutes per region against each study's protocol",
    args: [],
    options: [
      { name: "html", type: "string", arg: "FILE", description: "also write a page with the charts" },
      { name: "today", type: "string", arg: "YYYY-MM-DD", description: "compute the report as of another day" },
    ],
    example: "massager report --html report.html",
    device: false,
    load: () => import("./commands/report"),
  },
  {
    name: "export",
    summary: "export every session as CSV or JSON",
    args: [],
    options: [
      { name: "csv", type: "boolean", description: "CSV (or --json for JSON)" },
      { name: "out", type: "string", arg: "FILE", description: "write to FILE instead of the terminal" },
      { name: "from", type: "string", arg: "YYYY-MM-DD", description: "first day to export" },
      { name: "to", type: "string", arg: "YYYY-MM-DD", description: "last day to export" },
    ],
    example: "massager export --csv --out sessions.csv",
    device: false,
    load: () => import("./commands/export"),
  },
  {
    name: "demo",
    summary: "see it all on the virtual device: a button session, a custom program, sync and the report",
    args: [],
    options: [{ name: "speed", type: "number", arg: "X", description: "virtual time runs X times faster than real time (default 40; 0 = flat out)" }],
    example: "massager demo",
    device: false,
    load: () => import("./commands/demo"),
  },
  {
    name: "sim",
    summary: "run the virtual massager until q: keys press its button, --device sim reaches it, its console is on TCP",
    args: [],
    options: [
      { name: "port", type: "number", arg: "P", description: "control port for --device sim (default: any free port, kept in sim.json)" },
      { name: "console-port", type: "number", arg: "C", description: "Espruino console port for espruino-tools (default 2323)" },
      { name: "board", type: "string", arg: "NAME", description: "MDBT42Q (default), PUCKJS or BANGLEJS2" },
      { name: "speed", type: "number", arg: "X", description: "virtual time runs X times faster than real time (default 1)" },
      { name: "reinstall", type: "boolean", description: "install dist/firmware.js even when another bundle was flashed into it (that one is kept by default)" },
      { name: "keep-firmware", type: "boolean", description: "boot the bundle in its flash, whichever it is, instead of dist/firmware.js" },
      { name: "battery", type: "number", arg: "PERCENT", description: "the cell's charge at the start (default 100; keys b / B take 10 % off or put it back)" },
    ],
    example: "massager sim --speed 10 --battery 15",
    device: false,
    load: () => import("./commands/sim"),
  },
  {
    name: "web",
    summary: "the massager in the browser: serve its Web Bluetooth page on localhost until Ctrl-C (or write it to a folder)",
    args: [],
    options: [
      { name: "port", type: "number", arg: "P", description: "the page's port on localhost (default 8420: the browser keeps its history per address)" },
      { name: "out", type: "string", arg: "DIR", description: "write the page's static files to DIR instead of serving them" },
    ],
    example: "massager web",
    device: false,
    load: () => import("./commands/web"),
  },
  {
    name: "flash",
    summary: "build the firmware and install it with espruino-tools, over Bluetooth or the virtual device's console",
    args: [],
    options: [
      { name: "board", type: "string", arg: "NAME", description: "MDBT42Q (default), PUCKJS or BANGLEJS2" },
      { name: "port", alias: "p", type: "string", arg: "PORT", description: "espruino-tools port instead of --device, e.g. tcp://127.0.0.1:2323" },
      { name: "bundle", type: "string", arg: "FILE", description: "install this built bundle as it is instead of building one" },
      { name: "dry-run", type: "boolean", description: "build and show what would be sent, without connecting" },
      { name: "out", type: "string", arg: "DIR", description: "keep the bundle, the board file and (with --dry-run) what would be sent in DIR" },
    ],
    example: "massager flash --device sim",
    device: true,
    load: () => import("./commands/flash"),
  },
  {
    name: "pair",
    summary: "make this computer one of the massager's owners (hold its button 5 s first, until it buzzes)",
    args: [],
    options: [
      { name: "replace", type: "number", arg: "SLOT", description: "take this owner slot (0-3) when all four are taken" },
      { name: "passkey", type: "string", arg: "NNNNNN", description: "the passkey older firmware was protected with, instead of the button" },
    ],
    example: "massager pair",
    device: true,
    load: () => import("./commands/pair"),
  },
  {
    name: "unpair",
    summary: "stop being an owner of the massager (with --all: no owners, anyone may use it)",
    args: [],
    options: [{ name: "all", type: "boolean", description: "remove every owner's key, not only this computer's" }],
    example: "massager unpair",
    device: true,
    load: () => import("./commands/unpair"),
  },
  {
    name: "settings",
    summary: "show who may use the massager, and lock or unlock its Bluetooth console",
    args: [],
    options: [
      { name: "lock-console", type: "string", arg: "on|off", description: "on: the Bluetooth console (flashing) opens only for a minute after a 5-second button hold" },
      { name: "require-bond", type: "string", arg: "on|off", description: "gone: `massager pair` makes a massager yours" },
      { name: "passkey", type: "string", arg: "NNNNNN", description: "gone: `massager pair` makes a massager yours" },
    ],
    example: "massager settings --lock-console on",
    device: true,
    load: () => import("./commands/settings"),
  },
  {
    name: "validate",
    summary: "check a program file against the device's limits, without a device",
    args: [{ name: "file", required: true, description: "a program in JSON" }],
    options: [],
    example: "massager validate my-program.json",
    device: false,
    more: PROGRAM_RULES,
    load: () => import("./commands/validate"),
  },
];

export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}
