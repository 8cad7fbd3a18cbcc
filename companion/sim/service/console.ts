/**
 * The virtual device's Espruino console on a TCP port: what espruino-tools (`-p tcp://HOST:PORT`)
 * and a person with `nc`/`telnet` talk to, as they would talk to a board's Nordic UART console.
 *
 * Why: `massager flash --device sim` must install a bundle the way it is installed on a board —
 * espruino-tools typing `reset()`, `require("Storage").write(".bootcde", …)` chunks and `load()`
 * into the REPL — so that the flashing path is tested end to end, not faked.
 *
 * The REPL follows Espruino's jsinteractive.c (2v2x) closely enough for espruino-tools:
 * - characters are echoed; Enter runs the line once its brackets balance (outside strings and
 *   comments), else the line goes on (":" continuation prompt); `\r\n` counts once;
 * - ESC LF ("Alt-Enter", what espruino-tools sends inside multi-line statements) adds a newline
 *   without running; other ESC sequences (cursor keys, `ESC [ n d` line numbers) are swallowed;
 * - DLE (0x10) at the start of a line turns echo off for that line: no echo, no "=result";
 * - a line run with echo prints "\r\n", then "=value" (Espruino-style), then the prompt ">";
 * - output of the device (print, console.log, errors) first removes the shown input line, and the
 *   prompt comes back once the device is idle — so after a silent DLE line the prompt reappears
 *   only if the line printed something (espruino-tools relies on that);
 * - Ctrl-C clears the line; backspace/DEL delete the last character.
 * Code runs in the firmware's own vm context (VirtualDevice.eval), so `reset()`, `load()` and
 * `E.reboot()` restart the virtual device as they restart a board: after espruino-tools writes
 * `.bootcde` and sends `load()`, the device boots the new bundle.
 *
 * The TCP console models the Nordic UART console, so it honours the firmware's console lock: when
 * the device's UART service is off (`NRF.setServices(…, {uart: false})`, as VirtualNrf records
 * it) a connection is refused with one line saying how to open the window (hold the button 5 s),
 * then closed. Like a Bluetooth central, one console client at a time.
 */
import { createServer, type Server, type Socket } from "node:net";
import type { VirtualDevice } from "../board/device.js";
import { describeError } from "../board/describe-error.js";
import { formatValue } from "../board/realm/format.js";

/** The line a refused console connection receives (the flash command looks for "console is locked"). */
export const CONSOLE_LOCKED_MESSAGE =
  "The massager's Bluetooth console is locked. Hold its button for 5 seconds (the motor buzzes once) to open it for a minute, then connect again.";
const CONSOLE_BUSY_MESSAGE = "Another console client is connected to the virtual massager; close it and connect again.";
const CONSOLE_OFF_MESSAGE = "The virtual massager is switched off (its radio is down); start it again and connect again.";

/** What the REPL needs from a device. */
export interface ReplTarget {
  /** Run code in the firmware's context; throws what the code throws. */
  evaluate(code: string): unknown;
}

export interface ReplOptions {
  target: ReplTarget;
  /** Bytes to the client (Espruino's console output: "\r\n" line ends). */
  write(text: string): void;
  /** Run `fn` once the device is idle (default: setImmediate). */
  defer?: (fn: () => void) => void;
}

const enum In {
  None,
  HadR,
  Esc,
  EscBracket,
  EscBracketNum,
  EscO,
}

/** Espruino's line editor and evaluator for one console connection. */
export class EspruinoRepl {
  private line = "";
  private state: In = In.None;
  /** The input line (with its prompt) is not on the screen. */
  private removed = false;
  private echoOffForLine = false;
  /** Global echo (Espruino's `echo(false)`); always on here. */
  private readonly echo = true;
  private returnQueued = false;
  private readonly defer: (fn: () => void) => void;

  constructor(private readonly opts: ReplOptions) {
    this.defer = opts.defer ?? ((fn) => setImmediate(fn));
  }

  /** Whether echo is on for the current line. */
  private get echoing(): boolean {
    return this.echo && !this.echoOffForLine;
  }

  /** Characters typed by the client. */
  input(data: string): void {
    for (let i = 0; i < data.length; i++) this.handleChar(data[i]);
    this.queueReturn();
  }

  /** Text the device printed: the input line makes way for it, and comes back when idle. */
  output(text: string): void {
    if (!text) return;
    this.removeInputLine();
    this.opts.write(text);
    this.queueReturn();
  }

  private handleChar(ch: string): void {
    const c = ch.charCodeAt(0);
    if (c === 0) {
      this.state = In.None;
      return;
    }
    if (c === 27) {
      this.state = In.Esc;
      return;
    }
    switch (this.state) {
      case In.Esc:
        this.state = c === 91 ? In.EscBracket : c === 79 ? In.EscO : In.None;
        if (c === 10) this.newLine(false); // Alt-Enter: a newline that does not run
        return;
      case In.EscO:
        this.state = In.None; // numpad keys: home/end etc. (cursor movement is not modelled)
        return;
      case In.EscBracket:
      case In.EscBracketNum:
        // ESC [ digits… then a final byte: cursor keys, delete, page up/down, `ESC [ n d` line numbers
        this.state = c >= 48 && c <= 57 ? In.EscBracketNum : c === 59 && this.state === In.EscBracketNum ? In.EscBracketNum : In.None;
        return;
      default:
        break;
    }
    if (c === 10 && this.state === In.HadR) {
      this.state = In.None; // \r\n: already handled at \r
      return;
    }
    this.state = In.None;
    if (c === 3) {
      this.ctrlC();
    } else if (c === 16) {
      // DLE: echo off for this line (only at its start, as on the board)
      if (this.line.length === 0) this.echoOffForLine = true;
    } else if (c === 8 || c === 127) {
      this.backspace();
    } else if (c === 13 || c === 10) {
      if (c === 13) this.state = In.HadR;
      this.newLine(true);
    } else if (c >= 32 || c === 9) {
      const s = c === 9 ? "    " : ch;
      this.line += s;
      if (this.echoing && !this.removed) this.opts.write(s);
    }
  }

  private newLine(execute: boolean): void {
    if (execute && bracketDepth(this.line) <= 0) {
      if (this.echoing && !this.removed) this.opts.write("\r\n");
      if (this.echoing) this.removed = true;
      const code = this.line.trimEnd();
      const echoed = this.echoing;
      this.line = "";
      let value: unknown;
      let failed = false;
      try {
        value = this.opts.target.evaluate(code);
      } catch (e) {
        failed = true;
        this.output(`Uncaught ${describeError(e)}\r\n`);
      }
      if (echoed && !failed) this.opts.write(`=${replValue(value)}\r\n`);
      this.echoOffForLine = false;
      this.queueReturn();
      return;
    }
    if (this.echoing && !this.removed) this.opts.write("\r\n:");
    this.line += "\n";
  }

  private ctrlC(): void {
    this.removeInputLine();
    this.line = "";
    this.echoOffForLine = false;
    this.removed = true;
    this.queueReturn();
  }

  private backspace(): void {
    if (this.line.length === 0) return;
    const last = this.line[this.line.length - 1];
    this.line = this.line.slice(0, -1);
    if (this.echoing && !this.removed && last !== "\n") this.opts.write("\x08 \x08");
  }

  /** Espruino's jsiConsoleRemoveInputLine: move back over the prompt and the line, blank it. */
  private removeInputLine(): void {
    if (this.removed) return;
    this.removed = true;
    if (!this.echoing) return;
    const n = this.line.replace(/\n/g, "").length;
    this.opts.write("\x08".repeat(n) + " ".repeat(n) + "\x08".repeat(n) + "\x08");
  }

  /** Espruino's jsiReturnInputLine, run from the idle loop. */
  private queueReturn(): void {
    if (this.returnQueued) return;
    this.returnQueued = true;
    this.defer(() => {
      this.returnQueued = false;
      if (!this.removed || !this.echoing) return;
      this.removed = false;
      this.opts.write(">" + this.line.replace(/\n/g, "\r\n:"));
    });
  }
}

/** How Espruino prints a value after "=" (strings quoted, objects as JSON). */
export function replValue(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (v === null || v === undefined || typeof v !== "object") return formatValue(v);
  if (ArrayBuffer.isView(v) || Object.prototype.toString.call(v) === "[object Error]") return formatValue(v);
  try {
    const s = JSON.stringify(v, (_k, x) => (ArrayBuffer.isView(x) ? Array.prototype.slice.call(x) : x));
    return s === undefined ? formatValue(v) : s;
  } catch {
    return formatValue(v);
  }
}

/**
 * Bracket depth of console input, ignoring brackets in strings, template literals and comments
 * (Espruino's jsiCountBracketsInInput uses its lexer; this is the same count for console input).
 */
export function bracketDepth(src: string): number {
  let depth = 0;
  const templates: number[] = []; // depth at which each open `${` of a template literal started
  let i = 0;
  const n = src.length;
  const skipString = (q: string): void => {
    for (i++; i < n; i++) {
      const c = src[i];
      if (c === "\\") i++;
      else if (c === q || c === "\n") return;
    }
  };
  const skipTemplate = (): boolean => {
    // from inside a template literal: returns true at "${" (i after it), false at the closing backtick
    for (; i < n; i++) {
      const c = src[i];
      if (c === "\\") i++;
      else if (c === "`") return false;
      else if (c === "$" && src[i + 1] === "{") {
        i++;
        return true;
      }
    }
    return false;
  };
  for (; i < n; i++) {
    const c = src[i];
    if (c === '"' || c === "'") skipString(c);
    else if (c === "`") {
      i++;
      if (skipTemplate()) {
        templates.push(depth);
        depth++;
      }
    } else if (c === "/" && src[i + 1] === "/") {
      const nl = src.indexOf("\n", i);
      i = nl < 0 ? n : nl;
    } else if (c === "/" && src[i + 1] === "*") {
      const end = src.indexOf("*/", i + 2);
      if (end < 0) return depth + 1; // an open comment keeps the line open
      i = end + 1;
    } else if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") {
      depth--;
      if (c === "}" && templates.length && templates[templates.length - 1] === depth) {
        templates.pop();
        i++;
        if (skipTemplate()) {
          templates.push(depth);
          depth++;
        }
      }
    }
  }
  return depth;
}

// ------------------------------------------------------------------ the TCP server

export interface ConsoleServerOptions {
  /** TCP port (0: any free port). */
  port?: number;
  /** Default 127.0.0.1: the console runs any code, so it never listens beyond this computer. */
  host?: string;
  /** A line per connection event (the sim prints them). */
  log?: (line: string) => void;
}

/** The device side a console needs: VirtualDevice, or anything shaped like it. */
export type ConsoleDevice = Pick<VirtualDevice, "eval" | "on" | "off" | "nrf" | "state">;

export class ConsoleServer {
  private server?: Server;
  private client?: { socket: Socket; repl: EspruinoRepl };
  private readonly sockets = new Set<Socket>();
  private readonly onOutput = (text: string) => this.client?.repl.output(text);
  port = 0;

  constructor(
    private readonly device: ConsoleDevice,
    private readonly opts: ConsoleServerOptions = {},
  ) {}

  /** Starts listening (on `port`, else the option's, else any free port); resolves with the port. */
  listen(port?: number): Promise<number> {
    const server = createServer((socket) => this.accept(socket));
    this.device.off("output", this.onOutput);
    this.device.on("output", this.onOutput);
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port ?? this.opts.port ?? 0, this.opts.host ?? "127.0.0.1", () => {
        this.server = server;
        server.off("error", reject);
        const a = server.address();
        this.port = typeof a === "object" && a ? a.port : 0;
        resolve(this.port);
      });
    });
  }

  /** Whether a console client is connected. */
  get connected(): boolean {
    return this.client !== undefined;
  }

  /** Why a connection would be refused now, or undefined when it would be accepted. */
  refusal(): string | undefined {
    const nrf = this.device.nrf;
    if (this.device.state !== "running" || !nrf.isPowered) return CONSOLE_OFF_MESSAGE;
    if (!nrf.uartEnabled) return CONSOLE_LOCKED_MESSAGE;
    if (this.client) return CONSOLE_BUSY_MESSAGE;
    return undefined;
  }

  async close(): Promise<void> {
    this.device.off("output", this.onOutput);
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    this.client = undefined;
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.on("close", () => this.sockets.delete(socket));
    socket.setNoDelay(true);
    socket.on("error", () => undefined);
    const why = this.refusal();
    if (why) {
      this.opts.log?.(`console: refused a connection (${why === CONSOLE_LOCKED_MESSAGE ? "locked" : why === CONSOLE_BUSY_MESSAGE ? "busy" : "off"})`);
      socket.end(`${why}\r\n`);
      setTimeout(() => socket.destroy(), 1000).unref(); // a client that never closes its side
      return;
    }
    const repl = new EspruinoRepl({
      target: { evaluate: (code) => this.device.eval(code) },
      write: (text) => {
        if (!socket.destroyed) socket.write(Buffer.from(text, "latin1"));
      },
    });
    const client = { socket, repl };
    this.client = client;
    this.opts.log?.("console: client connected");
    const bytesIn = latin1FromTools();
    socket.on("data", (buf: Buffer) => repl.input(bytesIn(buf)));
    socket.on("close", () => {
      if (this.client === client) this.client = undefined;
      this.opts.log?.("console: client disconnected");
    });
  }
}

/**
 * What espruino-tools means to type, from what its TCP transport sends: it writes its strings as
 * UTF-8, so a character 0x80–0xFF (a pretokenised bundle is full of them) arrives as C2 or C3 and a
 * continuation byte; over BLE and serial it goes as the one byte it is. espruino-tools escapes every
 * byte C2–F4 it means literally (\xNN), so a raw C2/C3 lead can only be such a pair: it becomes the
 * one byte again, and everything else passes as it is (a pair cut between two reads is kept for the
 * next).
 */
function latin1FromTools(): (buf: Buffer) => string {
  let lead = -1;
  return (buf) => {
    let s = "";
    for (const b of buf) {
      if (lead >= 0) {
        s += b >= 0x80 && b <= 0xbf ? String.fromCharCode(((lead & 0x1f) << 6) | (b & 0x3f)) : String.fromCharCode(lead, b);
        lead = -1;
      } else if (b === 0xc2 || b === 0xc3) lead = b;
      else s += String.fromCharCode(b);
    }
    return s;
  };
}
