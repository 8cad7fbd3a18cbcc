/**
 * One interactive run of the Espruino interpreter, driven with a line protocol.
 *
 * Commands go in over TCP, not the console: the Linux build's stdin thread fills the input queue
 * while its main loop empties it, without a lock, and now and then (about one line in 50 of a few
 * hundred characters) the queue tears and 2v29 stops on "ASSERT(len <= 64) FAILED AT
 * src/jsdevices.c:601". So one short console line (the `link(port)` given to start()) connects it to
 * a port this driver listens on, and every later command is a line of JavaScript on that socket,
 * evaluated by the interpreter's main loop (a round trip takes about 0.2 ms).
 *
 * A command is done when the interpreter prints @@D after running it (even if it threw: @@E). A
 * command stopped by OUT OF MEMORY takes the link down with it (2v29 removes the socket's handler),
 * so the driver then fails at once with the interpreter's own words.
 * Output lines starting with "@@" are markers (handed to `onMarker`'s handler without the "@@"); other lines
 * are the console, and those that report an error (Uncaught…, OUT OF MEMORY, …) are also `errors`.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import net from "node:net";

/** Console lines that mean something went wrong on the interpreter. */
const ERROR_LINE = /Uncaught|OUT OF MEMORY|Out of Memory|Execution Interrupted|ERROR|ASSERT|LOW_MEMORY/;
/** Longest command line: it is held in the interpreter's RAM while it runs (about 12 characters a variable). */
export const COMMAND_MAX = 500;
const CONSOLE_KEPT = 2000;
const CONNECT_MS = 10_000;

/** The line that links an interpreter without the harness's .boot0 to the driver (flash-image.ts). */
export const inlineLink = (port: number): string =>
  `echo(0);var b="";require("net").connect({host:"127.0.0.1",port:${port}}).on("data",function(d){b+=d;` +
  `for(var i=b.indexOf("\\n");i>=0;i=b.indexOf("\\n")){var l=b.substr(0,i);b=b.substr(i+1);try{eval(l)}catch(e){print("@@E"+e)}print("@@D")}})`;

/** Console lines after which the link is gone (the socket's handler was stopped and removed). */
const LINK_LOST = /OUT OF MEMORY|removing it/;

/** The interpreter ended before it linked to the driver (the caller may start it again). */
export class EarlyExitError extends Error {}

export class EspruinoProcess {
  readonly console: string[] = [];
  readonly errors: string[] = [];
  private markerHandler?: (text: string) => void;
  /** Markers that came before a handler was set (boot code's, say). */
  private early: string[] = [];
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly server: net.Server;
  private socket?: net.Socket;
  private partial = "";
  private waiting?: { line: string; resolve: () => void; reject: (e: Error) => void; timer: NodeJS.Timeout };
  private exited?: string;
  /** Why commands can no longer run (the link went down with OUT OF MEMORY). */
  private broken?: string;

  private constructor(bin: string, cwd: string, server: net.Server) {
    this.server = server;
    this.child = spawn(bin, [], { cwd, stdio: ["pipe", "pipe", "pipe"] });
    this.child.stdout.setEncoding("latin1");
    this.child.stdout.on("data", (s: string) => this.onData(s));
    this.child.stderr.on("data", () => {}); // the Linux build's start-up notes
    this.child.stdin.on("error", () => {}); // a write after exit: reported by the exit handler
    // a test process that ends without close() takes its interpreter with it
    const kill = () => this.child.kill("SIGKILL");
    process.once("exit", kill);
    this.child.on("exit", (code, signal) => {
      process.off("exit", kill);
      this.exited = `the interpreter exited (${signal ?? `code ${code}`})`;
      const why = this.errors.length ? `; errors:\n${this.errors.slice(0, 5).join("\n")}` : "";
      const during = this.waiting ? ` during \`${this.waiting.line.slice(0, 100)}\`` : "";
      if (this.waiting) clearTimeout(this.waiting.timer);
      this.waiting?.reject(new Error(`${this.exited}${during}${why}; last output:\n${this.tail()}`));
      this.waiting = undefined;
      this.server.close();
      this.socket?.destroy();
    });
  }

  /**
   * Starts `bin` in interactive mode in `cwd` (it boots from ./espruino.flash there), then types
   * `link(port)` on its console and waits for it to connect back.
   */
  static async start(bin: string, cwd: string, link: (port: number) => string): Promise<EspruinoProcess> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    const p = new EspruinoProcess(bin, cwd, server);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        p.child.kill("SIGKILL");
        reject(new EarlyExitError(`the interpreter did not connect to the driver within ${CONNECT_MS} ms; output:\n${p.tail()}`));
      }, CONNECT_MS);
      p.child.once("exit", () => {
        clearTimeout(timer);
        reject(new EarlyExitError(`${p.exited} before it connected to the driver; output:\n${p.tail()}`));
      });
      server.once("connection", (s) => {
        clearTimeout(timer);
        s.setNoDelay(true);
        s.on("error", () => {}); // the process's exit says what happened
        p.socket = s;
        resolve();
      });
      p.child.stdin.write(`${link(port)}\n`);
    });
    return p;
  }

  /** Hands every marker to `fn`, those printed before it was set first. */
  onMarker(fn: (text: string) => void): void {
    this.markerHandler = fn;
    for (const m of this.early.splice(0)) fn(m);
  }

  /** Runs one line and waits for it to finish (rejects after `timeoutMs`, or if the process ends or runs out of memory). */
  command(line: string, timeoutMs = 60_000): Promise<void> {
    if (line.includes("\n") || line.length > COMMAND_MAX) throw new Error(`interpreter command must be one line of at most ${COMMAND_MAX} characters`);
    if (this.exited || this.broken) return Promise.reject(new Error(`${this.exited ?? this.broken}; last output:\n${this.tail()}`));
    if (this.waiting) throw new Error("interpreter commands run one at a time");
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        reject(new Error(`the interpreter did not finish \`${line.slice(0, 120)}\` within ${timeoutMs} ms; errors: ${this.errors.join(" | ") || "none"}; last output:\n${this.tail()}`));
      }, timeoutMs);
      this.waiting = { line, resolve, reject, timer };
      this.socket!.write(`${line}\n`);
    });
  }

  /** Ends the run: quit(), then a kill if it lingers. */
  async close(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.socket?.write("quit()\n");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 3000);
    await gone;
    clearTimeout(timer);
  }

  get alive(): boolean {
    return !this.exited;
  }

  /** The last console lines, for error messages. */
  tail(n = 12): string {
    return this.console.slice(-n).map((l) => `  ${l}`).join("\n");
  }

  private onData(s: string): void {
    const lines = (this.partial + s).split("\n");
    this.partial = lines.pop() ?? "";
    for (const raw of lines) this.onLine(raw.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "").replace(/\r/g, "").replace(/^>+/, ""));
  }

  private onLine(line: string): void {
    if (line === "@@D") {
      const w = this.waiting;
      this.waiting = undefined;
      if (w) clearTimeout(w.timer);
      w?.resolve();
      return;
    }
    if (line.startsWith("@@")) {
      if (this.markerHandler) this.markerHandler(line.slice(2));
      else this.early.push(line.slice(2));
      return;
    }
    if (line === "") return;
    this.console.push(line);
    if (this.console.length > CONSOLE_KEPT) this.console.splice(0, this.console.length - CONSOLE_KEPT);
    if (ERROR_LINE.test(line)) this.errors.push(line);
    if (LINK_LOST.test(line) && !this.broken) {
      // the rest of the interpreter's report follows at once: fail the command after it
      this.broken = `the interpreter ran out of memory and dropped the driver's link (${line.trim()})`;
      setTimeout(() => {
        const w = this.waiting;
        this.waiting = undefined;
        if (w) clearTimeout(w.timer);
        w?.reject(new Error(`${this.broken} during \`${w.line.slice(0, 100)}\`; errors:\n${this.errors.join("\n")}`));
      }, 50);
    }
  }
}
