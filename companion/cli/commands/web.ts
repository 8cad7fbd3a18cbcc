import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync } from "node:fs";
import { type Server, createServer } from "node:http";
import { extname, join, resolve } from "node:path";
import { projectRoot } from "../../flash/project";
import { MassagerError, UsageError } from "../../errors";
import type { ParsedOptions } from "../commands";
import type { Context } from "../context";

/**
 * `massager web`: the massager in the browser. Serves the page (dist/web, built by `npm run build`)
 * on this computer only, at http://localhost:PORT/ — Web Bluetooth needs a secure context and
 * localhost is one — until Ctrl-C. The port stays the same from run to run because the browser keeps
 * the page's history and owner keys per address. --out DIR writes the static files instead, to serve
 * from any https server.
 */
export interface WebData {
  /** The page's address while it was served. */
  url?: string;
  /** Where --out wrote the files. */
  out?: string;
  files: string[];
  bytes: number;
  /** Requests answered while serving. */
  requests?: number;
}

/** The page's port unless --port says otherwise. */
export const DEFAULT_WEB_PORT = 8420;

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

/** The page may load and talk to nothing but its own origin. */
const HEADERS = {
  "Content-Security-Policy":
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "no-cache",
};

/** The built page's folder and its files, or the sentence that says how to build it. */
export function pageFiles(dir = join(projectRoot(), "dist", "web")): { dir: string; files: string[] } {
  if (!existsSync(join(dir, "index.html")))
    throw new MassagerError(`the page is not built yet (${dir} has no index.html); run \`npm run build\` (npm install does it too)`);
  return { dir, files: readdirSync(dir).filter((f) => statSync(join(dir, f)).isFile()).sort() };
}

export interface WebServer {
  url: string;
  port: number;
  /** Requests answered so far. */
  requests(): number;
  close(): Promise<void>;
}

/** Serves the files of `dir` (read once, at the start) on 127.0.0.1: GET and HEAD, nothing else. */
export async function serveWeb(dir: string, opts: { port?: number } = {}): Promise<WebServer> {
  const { files } = pageFiles(dir);
  const bodies = new Map(files.map((f) => [`/${f}`, { body: readFileSync(join(dir, f)), type: TYPES[extname(f)] ?? "application/octet-stream" }]));
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests++;
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    const file = bodies.get(path === "/" ? "/index.html" : path);
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { ...HEADERS, Allow: "GET, HEAD", "Content-Type": "text/plain" }).end("only GET and HEAD\n");
    } else if (!file) {
      res.writeHead(404, { ...HEADERS, "Content-Type": "text/plain" }).end("not found\n");
    } else {
      res.writeHead(200, { ...HEADERS, "Content-Type": file.type, "Content-Length": file.body.length });
      res.end(req.method === "HEAD" ? undefined : file.body);
    }
  });
  const wanted = opts.port ?? DEFAULT_WEB_PORT;
  await new Promise<void>((done, fail) => {
    server.once("error", (err: NodeJS.ErrnoException) =>
      fail(
        err.code === "EADDRINUSE"
          ? new MassagerError(`port ${wanted} is in use (is \`massager web\` running already?); pass --port N for another`)
          : new MassagerError(`cannot serve the page on port ${wanted} (${err.code ?? err.message})`),
      ),
    );
    server.listen(wanted, "127.0.0.1", () => done());
  });
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://localhost:${port}/`,
    port,
    requests: () => requests,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

export async function run(o: ParsedOptions, ctx: Context): Promise<WebData> {
  const { dir, files } = pageFiles();
  const bytes = files.reduce((n, f) => n + statSync(join(dir, f)).size, 0);
  if (o.options.out !== undefined) {
    const out = resolve(String(o.options.out));
    try {
      mkdirSync(out, { recursive: true });
      for (const f of files) copyFileSync(join(dir, f), join(out, f));
    } catch (err) {
      throw new MassagerError(`cannot write the page to ${out} (${(err as { code?: string }).code ?? "error"}); choose another --out folder`);
    }
    return { out, files, bytes };
  }
  const port = o.options.port as number | undefined;
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) throw new UsageError(`--port ${port}: give a port number, 1 to 65535 (0: any free one)`);
  const server = await serveWeb(dir, { port });
  if (!ctx.json)
    ctx.io.stdout.write(
      `The massager page is at ${server.url}\n` +
        `Open it in Chrome or Edge (on this computer; Web Bluetooth needs localhost or https). Ctrl-C stops it.\n`,
    );
  await new Promise<void>((stopped) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      stopped();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  await server.close();
  return { url: server.url, files, bytes, requests: server.requests() };
}

export function text(d: WebData): string {
  if (d.out) return `Wrote the page (${d.files.join(", ")}; ${d.bytes} bytes) to ${d.out}; serve that folder over https (Web Bluetooth needs https, or localhost).`;
  return `Stopped serving the page (${d.requests} request${d.requests === 1 ? "" : "s"}).`;
}
