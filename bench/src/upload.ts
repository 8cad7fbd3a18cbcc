/**
 * Program upload of the largest program (every limit at its maximum) at each payload size.
 *
 * Ours: `push()` from companion/device/upload.ts — what `massager push` runs — through noble and the
 * sim bindings to the built firmware (PROG_BEGIN, PROG_WRITE chunks, PROG_COMMIT, PROG_LIST). Every
 * packet each way is recorded on the virtual radio.
 *
 * Baseline: the App Loader's way (EspruinoAppLoaderCore js/appinfo.js and js/comms.js): the program
 * file as JSON written with `require('Storage').write(name, <toJS(chunk)>, offset[, size])` in
 * 2048-character chunks, each command sent on the Nordic UART as `<cmd>;p();Bluetooth.println("OK")\n`
 * after a `p=x=>digitalPulse(LED1,1,10);` progress helper, each answered by "OK\r\n" before the next.
 * toJS is the App Loader's: JSON, base64 when shorter, heatshrink-compressed base64 (Espruino's own
 * heatshrink, from the espruino package) when that is under ¾ of the size. The plain-JSON variant of
 * the commands is run in a VirtualDevice to check that it writes the file and answers OK.
 *
 * Both are carried by one model: a request (k packets from the central) and its answer (m packets
 * from the device) take ceil(k/ppi) + ceil(m/ppi) connection intervals; exchanges follow each other.
 * The virtual radio hands a central's write to the device at once, so its own clock cannot time the
 * uplink; the model times both sides alike.
 */
import { createRequire } from "node:module";
import { push } from "../../companion/device/upload";
import { VirtualDevice } from "../../companion/sim/board/device";
import { Flash } from "../../companion/sim/board/flash";
import { NUS_SERVICE, NUS_TX } from "../../companion/sim/board/nrf";
import { CUES, PATTERNS, PATTERN_CUSTOM, type Program, REGIONS, encodeProgram } from "../../shared/program";
import {
  type Figure, INTERVALS, LINK_MODEL, PACKETS_PER_INTERVAL as PPI, PACKET_OVERHEAD, PAYLOADS, simBehindNoble, fig, intervalsFor,
  largestProgram, onAir, round, runSuite,
} from "./lib";

const require = createRequire(import.meta.url);
const heatshrink = require("espruino/libs/heatshrink.js") as { compress(u: Uint8Array): Uint8Array };

interface Exchange {
  /** packets and bytes from the central, then from the device */
  w: number;
  wBytes: number;
  n: number;
  nBytes: number;
}

function modelMs(ex: Exchange[], interval: number): number {
  let k = 0;
  for (const e of ex) k += intervalsFor(e.w) + intervalsFor(e.n);
  return k * interval;
}

function totals(ex: Exchange[]) {
  let packets = 0;
  let bytes = 0;
  for (const e of ex) {
    packets += e.w + e.n;
    bytes += e.wBytes + e.nBytes;
  }
  return { packets, payloadBytes: bytes, bytesOnAir: onAir(packets, bytes), exchangeCount: ex.length };
}

// ------------------------------------------------------------------ ours

async function ours(payload: number) {
  const board = payload > 50 ? "BANGLEJS2" : "MDBT42Q";
  const s = await simBehindNoble({ board }, { mtu: payload + 3, intervalMs: 7.5, packetsPerInterval: PPI });
  const nrf = s.device.nrf;
  const events: { dir: "w" | "n"; bytes: number }[] = [];
  const write = nrf.centralWrite.bind(nrf);
  nrf.centralWrite = (svc: string, chr: string, data: Uint8Array) => {
    events.push({ dir: "w", bytes: data.length });
    return write(svc, chr, data);
  };
  nrf.on("notify", (_svc: string, _chr: string, data: Uint8Array) => events.push({ dir: "n", bytes: data.length }));
  await s.backend.settle();
  events.length = 0;
  nrf.resetStats();
  const v0 = s.device.clock.now();
  const program = largestProgram();
  const r = await push(s.client, program, { slot: 0 });
  await s.backend.settle();
  const virtualMs = s.device.clock.now() - v0;
  const dropped = nrf.stats.droppedNotifications;
  await s.close();
  const ex: Exchange[] = [];
  for (const e of events) {
    let cur = ex[ex.length - 1];
    if (!cur || (e.dir === "w" && cur.n > 0)) ex.push((cur = { w: 0, wBytes: 0, n: 0, nBytes: 0 }));
    if (e.dir === "w") {
      cur.w++;
      cur.wBytes += e.bytes;
    } else {
      cur.n++;
      cur.nBytes += e.bytes;
    }
  }
  return { result: r, exchanges: ex, virtualMs, dropped, ...totals(ex) };
}

// ------------------------------------------------------------------ the App Loader's way

/** The program as the person's program file (companion/cli/program-file.ts's format), minified. */
function programJson(p: Program): string {
  return JSON.stringify({
    name: p.name,
    steps: p.steps.map((s) => ({
      region: REGIONS[s.region],
      pattern: PATTERNS[s.pattern],
      duration: s.duration,
      intensity: s.intensity,
      cue: CUES[s.cue],
      ...(s.pattern === PATTERN_CUSTOM ? { curve: s.curve, curveStepMs: s.curveStepMs } : {}),
    })),
  });
}

/** App Loader appinfo.js toJS(): the cheapest of JSON, base64 and heatshrink-compressed base64. */
function toJS(txt: string, allowHeatshrink = true): string {
  let binary = false;
  for (let i = 0; i < txt.length; i++) {
    const ch = txt.charCodeAt(i);
    if (ch === 0 || ch > 127) binary = true;
  }
  const json = JSON.stringify(txt);
  const b64 = `atob(${JSON.stringify(Buffer.from(txt, "binary").toString("base64"))})`;
  let js = binary || b64.length < json.length ? b64 : json;
  if (allowHeatshrink && txt.length > 64) {
    const c = heatshrink.compress(Uint8Array.from(txt, (ch) => ch.charCodeAt(0)));
    if (c.length) {
      const cs = `require("heatshrink").decompress(atob("${Buffer.from(c).toString("base64")}"))`;
      if (cs.length * 4 < js.length * 3) js = cs;
    }
  }
  return js;
}

const CHUNKSIZE = 2048;
const FILE = "mprog0.json";

/** Every line the App Loader sends for one file, with the answer it waits for ("" = none). */
function appLoaderLines(content: string, allowHeatshrink = true): { line: string; reply: string }[] {
  const cmds: string[] = [`\x10require('Storage').write(${JSON.stringify(FILE)},${toJS(content.substr(0, CHUNKSIZE), allowHeatshrink)},0,${content.length});`];
  for (let i = CHUNKSIZE; i < content.length; i += CHUNKSIZE)
    cmds.push(`\x10require('Storage').write(${JSON.stringify(FILE)},${toJS(content.substr(i, CHUNKSIZE), allowHeatshrink)},${i});`);
  return [
    { line: "\x10p=x=>digitalPulse(LED1,1,10);\n", reply: "" },
    ...cmds.map((c) => ({ line: `${c};p();Bluetooth.println("OK")\n`, reply: "OK\r\n" })),
  ];
}

function appLoaderExchanges(lines: { line: string; reply: string }[], payload: number): Exchange[] {
  return lines.map(({ line, reply }) => ({
    w: Math.ceil(line.length / payload),
    wBytes: line.length,
    n: reply ? Math.ceil(reply.length / payload) : 0,
    nBytes: reply.length,
  }));
}

/** Runs the plain-JSON commands on the virtual device's console: the file must match, each answer be OK. */
function checkOnDevice(content: string, payload: number): string | null {
  const dev = new VirtualDevice({ board: "MDBT42Q", flash: new Flash(), autoBoot: true });
  dev.advance(100);
  const nrf = dev.nrf;
  nrf.centralConnect({ mtu: Math.min(payload, 50) + 3, interval: 7.5, packetsPerInterval: PPI });
  nrf.centralSubscribe(NUS_SERVICE, NUS_TX, true);
  let text = "";
  nrf.onNotify((svc, chr, data) => {
    if (svc === NUS_SERVICE && chr === NUS_TX) text += String.fromCharCode(...data);
  });
  const lines = appLoaderLines(content, false);
  for (const { line, reply } of lines) {
    const before = text.length;
    nrf.uartWrite(line);
    dev.advanceUntil(() => text.length - before >= reply.length, 2000);
    if (text.slice(before) !== reply) return `App Loader command answered ${JSON.stringify(text.slice(before))}, expected ${JSON.stringify(reply)}`;
  }
  const stored = dev.flash.read(FILE);
  if (stored !== content) return `App Loader commands stored ${stored?.length ?? 0} bytes, not the ${content.length}-byte JSON`;
  if (dev.errors.length) return `virtual device: ${dev.errors[0]}`;
  return null;
}

runSuite("upload", async () => {
  const problems: string[] = [];
  const figures: Figure[] = [];
  const program = largestProgram();
  const binary = encodeProgram(program);
  const json = programJson(program);
  const chosen = toJS(json.substr(0, CHUNKSIZE));
  const encoding = chosen.startsWith("require(\"heatshrink\")") ? "heatshrink + base64" : chosen.startsWith("atob") ? "base64" : "JSON string";
  const check = checkOnDevice(json, 50);
  if (check) problems.push(check);

  const details: Record<string, unknown> = { programBytes: binary.length, jsonBytes: json.length, appLoaderEncoding: encoding };
  for (const p of PAYLOADS) {
    const o = await ours(p);
    if (!o.result.selected || o.result.bytes !== binary.length) problems.push(`push at ${p} B did not end with the program selected`);
    if (o.dropped) problems.push(`push at ${p} B: ${o.dropped} notifications dropped`);
    const lines = appLoaderLines(json);
    const b = appLoaderExchanges(lines, p);
    const bt = totals(b);
    const times: Record<string, { ours: number; appLoader: number }> = {};
    for (const i of INTERVALS) times[i] = { ours: modelMs(o.exchanges, i), appLoader: modelMs(b, i) };
    details[`p${p}`] = {
      ours: { packets: o.packets, payloadBytes: o.payloadBytes, bytesOnAir: o.bytesOnAir, exchanges: o.exchanges.length, chunks: o.result.chunks, virtualMs: o.virtualMs },
      appLoader: { ...bt, commandBytes: lines.map((l) => l.line.length) },
      linkMs: times,
    };
    const tag = `Upload largest program (${binary.length} B) @ ${p} B`;
    figures.push(
      fig({ id: `upload.p${p}.bytes`, figure: `${tag}: bytes on air, ours`, value: o.bytesOnAir, unit: "B", how: "companion push() ↔ firmware, virtual radio", note: `${o.packets} packets, ${o.exchanges.length} exchanges` }),
      fig({ id: `upload.p${p}.bytesAppLoader`, figure: `${tag}: bytes on air, App Loader Storage.write`, value: bt.bytesOnAir, unit: "B", how: `command text (${encoding}), link model`, note: `${bt.packets} packets, ${bt.exchangeCount} exchanges` }),
      fig({ id: `upload.p${p}.bytesRatio`, figure: `${tag}: App Loader bytes ÷ ours`, value: round(bt.bytesOnAir / o.bytesOnAir), unit: "×" }),
      fig({ id: `upload.p${p}.time`, figure: `${tag}, 7.5 ms: link time, ours`, value: round(times[7.5].ours, 1), unit: "ms", how: "link model over the recorded exchanges" }),
      fig({ id: `upload.p${p}.timeAppLoader`, figure: `${tag}, 7.5 ms: link time, App Loader`, value: round(times[7.5].appLoader, 1), unit: "ms", how: "link model" }),
    );
  }
  return {
    figures,
    linkModel: LINK_MODEL,
    assumptions: [
      `Largest program: ${program.steps.length} custom steps of ${program.steps[0].curve!.length}-point curves, a ${program.name.length}-character name: ${binary.length} B binary, ${json.length} B as a minified program-file JSON.`,
      `Link model: ${PPI} packets per connection interval each way (sources in linkModel); an exchange of k packets up and m down takes ceil(k/${PPI}) + ceil(m/${PPI}) intervals; bytes on air = payload + ${PACKET_OVERHEAD} B per packet.`,
      `App Loader baseline as in EspruinoAppLoaderCore (js/appinfo.js CHUNKSIZE 2048 and toJS; js/comms.js uploadApp): the first chunk's toJS gives ${encoding}. Left out in its favour: the reset before the upload, the app's .info file and the closing load(); and its writes counted as writes without response (puck.js waits for each write to complete).`,
    ],
    details,
    problems,
  };
});
