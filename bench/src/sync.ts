/**
 * Log sync of a year (365 records) on the link model, side by side with the usual Espruino way.
 *
 * Ours: `sync()` from companion/device/sync.ts — what `massager sync` runs — through noble's own
 * classes and the sim bindings, to the built firmware in a VirtualDevice whose flash is the year the
 * flash suite logged (365 real sessions). The virtual radio carries the packets: MTU, connection
 * interval, packets per interval, an 8-packet notify queue that drops when full. Bytes on air are
 * counted by the radio (ATT payloads both ways) plus 3 B ATT + 4 B L2CAP header per packet; link time
 * is virtual time from the first request to the acknowledgement.
 *
 * Baseline: newline-delimited JSON records over the Nordic UART, as Bangle.js apps and Gadgetbridge
 * do. The same 365 records, as JSON lines with short keys, sit in a Storage file of a VirtualDevice
 * running a tiny Espruino app; the central types `\x10dump()\n` on the UART and the app prints every
 * line with Bluetooth.print. The text the device produced is carried by the same link model,
 * analytically: Espruino's NUS TX buffer fills whole packets, so ceil(text / payload) packets, ppi
 * per interval (the virtual radio sends one packet per print call and less-than-full packets; its
 * count is in the details).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sync } from "../../companion/device/sync";
import { openHistory } from "../../companion/history/db";
import { VirtualDevice } from "../../companion/sim/board/device";
import { Flash } from "../../companion/sim/board/flash";
import { NUS_SERVICE, NUS_TX } from "../../companion/sim/board/nrf";
import { END_NAMES } from "../../shared/codes";
import { LOG_SEGMENT_RECORDS } from "../../shared/limits";
import { type LogRecord, RECORD_BYTES, actualSeconds, decodeRecord } from "../../shared/record";
import {
  type Figure, INTERVALS, LINK_MODEL, OUT, PACKETS_PER_INTERVAL as PPI, PACKET_OVERHEAD, PAYLOADS, simBehindNoble, fig,
  firmwareSource, intervalsFor, onAir, round, runSuite,
} from "./lib";

const YEAR_IMAGE = join(OUT, "year.flash");
const RECORDS = 365;
/** Unix time of the virtual world's time 0 (the companion's clock in the benchmark). */
const T0 = Date.parse("2026-01-01T00:00:00Z") / 1000;
const END_SHORT: Record<string, string> = { finished: "done", stopped: "stop", "stopped-remote": "remote", "link-lost": "lost", "safety-limit": "limit" };

function yearFlash(): Flash {
  try {
    return Flash.fromBuffer(readFileSync(YEAR_IMAGE));
  } catch {
    throw new Error(`${YEAR_IMAGE} is missing: run the flash suite first (node bench/run.mjs flash sync)`);
  }
}

/** The board whose MTU allows the payload: MDBT42Q answers 53, Bangle.js 2 131. */
function boardFor(payload: number): string {
  return payload > 50 ? "BANGLEJS2" : "MDBT42Q";
}

/** A flash for `board` holding the year's files (the 40 KB image as is, or its files copied into 8 MB). */
function flashFor(board: string): Flash {
  const year = yearFlash();
  if (board === "MDBT42Q") return year;
  const big = new Flash({ size: 8 * 1024 * 1024 });
  for (const name of year.list()) if (name !== ".bootcde") big.write(name, year.readBytes(name)!);
  return big;
}

function yearRecords(): LogRecord[] {
  const f = yearFlash();
  const out: LogRecord[] = [];
  for (const name of f.list(/^mlog/)) {
    const b = f.readBytes(name)!;
    for (let o = 0; o + RECORD_BYTES <= b.length && o < LOG_SEGMENT_RECORDS * RECORD_BYTES; o += RECORD_BYTES) {
      const r = decodeRecord(b, o);
      if (r) out.push(r);
    }
  }
  return out.sort((a, b) => a.seq - b.seq);
}

/** One JSON line per record, short keys, as a Bangle.js app would log it (times made absolute). */
function jsonLine(r: LogRecord): string {
  return (
    JSON.stringify({
      seq: r.seq,
      t: r.uptime ? T0 + r.start : r.start,
      prog: r.program,
      plan: r.planned,
      dur: actualSeconds(r),
      reg: r.regions,
      end: END_SHORT[END_NAMES[r.end]] ?? String(r.end),
      bat: r.battery,
    }) + "\n"
  );
}

interface OursRun {
  payload: number;
  interval: number;
  ppi: number;
  received: number;
  gaps: number;
  retries: number;
  linkMs: number;
  wallMs: number;
  txPackets: number;
  txBytes: number;
  rxPackets: number;
  rxBytes: number;
  dropped: number;
  bytesOnAir: number;
}

async function ours(payload: number, interval: number, txQueue?: number, ppi = PPI): Promise<OursRun> {
  const board = boardFor(payload);
  const dev = new VirtualDevice({ board, flash: flashFor(board), bundle: firmwareSource(), txQueue });
  dev.advance(1000);
  const s = await simBehindNoble(dev, { mtu: payload + 3, intervalMs: interval, packetsPerInterval: ppi });
  if (s.link.payload !== payload) throw new Error(`the link came up with payload ${s.link.payload}, not ${payload}`);
  const dir = mkdtempSync(join(tmpdir(), "bench-sync-"));
  const history = openHistory(join(dir, "history.sqlite"));
  try {
    await s.backend.settle();
    dev.nrf.resetStats();
    const v0 = dev.clock.now();
    const w0 = performance.now();
    const retries0 = s.link.stats.retries;
    const summary = await sync(s.client, history, { now: () => T0 + Math.floor(dev.clock.now() / 1000), deviceId: "bench" });
    const wallMs = performance.now() - w0;
    await s.backend.settle();
    const linkMs = dev.clock.now() - v0;
    const st = { ...dev.nrf.stats };
    return {
      payload,
      interval,
      ppi,
      received: summary.received,
      gaps: summary.gaps,
      retries: s.link.stats.retries - retries0,
      linkMs,
      wallMs,
      txPackets: st.txPackets,
      txBytes: st.txBytes,
      rxPackets: st.rxPackets,
      rxBytes: st.rxBytes,
      dropped: st.droppedNotifications,
      bytesOnAir: onAir(st.txPackets + st.rxPackets, st.txBytes + st.rxBytes),
    };
  } finally {
    history.close();
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The tiny Espruino app of the baseline: prints its JSON-lines log over the console (Bluetooth). */
const BASELINE_APP =
  'function dump(){var s=require("Storage").read("log.jsonl"),i=0,j;' +
  'while((j=s.indexOf("\\n",i))>=0){Bluetooth.print(s.substring(i,j+1));i=j+1;}}\n';
const DUMP = "\x10dump()\n";

interface BaselineRun {
  payload: number;
  interval: number;
  lines: number;
  textBytes: number;
  /** Whole NUS packets (Espruino's TX buffer), and the request. */
  packets: number;
  bytesOnAir: number;
  linkMs: number;
  /** What the virtual radio carried: one packet per print call, some not full. */
  simPackets: number;
  simLinkMs: number;
}

function baseline(payload: number, interval: number, log: string): BaselineRun {
  const dev = new VirtualDevice({ board: boardFor(payload), flash: new Flash({ size: 1024 * 1024 }), bundle: BASELINE_APP });
  dev.flash.write("log.jsonl", log);
  dev.advance(1000);
  const nrf = dev.nrf;
  nrf.centralConnect({ mtu: payload + 3, interval, packetsPerInterval: PPI });
  nrf.centralSubscribe(NUS_SERVICE, NUS_TX, true);
  let text = "";
  let simPackets = 0;
  let last = 0;
  const off = nrf.onNotify((svc, chr, data) => {
    if (svc !== NUS_SERVICE || chr !== NUS_TX) return;
    simPackets++;
    text += String.fromCharCode(...data);
    last = dev.clock.now();
  });
  const v0 = dev.clock.now();
  nrf.uartWrite(DUMP);
  dev.advanceUntil(() => text.length >= log.length, 3_600_000);
  off();
  if (dev.errors.length) throw new Error(`baseline app: ${dev.errors[0]}`);
  const lines = text.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
  const req = Math.ceil(DUMP.length / payload);
  const packets = Math.ceil(text.length / payload);
  // the request goes out at one connection event; the device answers from the next one on
  const linkMs = (intervalsFor(req) + intervalsFor(packets)) * interval;
  return {
    payload,
    interval,
    lines: lines.length,
    textBytes: text.length,
    packets: packets + req,
    bytesOnAir: onAir(packets + req, text.length + DUMP.length),
    linkMs,
    simPackets,
    simLinkMs: last - v0,
  };
}

runSuite("sync", async () => {
  const problems: string[] = [];
  const figures: Figure[] = [];
  const records = yearRecords();
  if (records.length !== RECORDS) problems.push(`the year's flash holds ${records.length} records, not ${RECORDS}`);
  const log = records.map(jsonLine).join("");

  // the fewest packets a sync can take at each payload: a run whose notify queue never overflows
  const floor: Record<number, OursRun> = {};
  for (const p of PAYLOADS) floor[p] = await ours(p, 7.5, 100_000);

  const runs: { ours: OursRun; json: BaselineRun; idealMs: number }[] = [];
  for (const p of PAYLOADS) {
    for (const i of INTERVALS) {
      const o = await ours(p, i);
      const j = baseline(p, i, log);
      if (o.received !== RECORDS) problems.push(`sync at ${p} B / ${i} ms received ${o.received} of ${RECORDS} records`);
      if (j.lines !== RECORDS) problems.push(`the JSON-lines dump at ${p} B / ${i} ms printed ${j.lines} of ${RECORDS} lines`);
      // the time the link needs just to carry our bytes: the loss-free packet count, device → central
      const idealMs = intervalsFor(floor[p].txPackets) * i;
      runs.push({ ours: o, json: j, idealMs });
      const tag = `Sync 365 @ ${p} B, ${i} ms`;
      const id = `sync.p${p}.i${String(i).replace(".", "_")}`;
      figures.push(
        fig({ id: `${id}.bytes`, figure: `${tag}: bytes on air, ours`, value: o.bytesOnAir, unit: "B", how: "companion sync() ↔ firmware, virtual radio" }),
        fig({ id: `${id}.bytesJson`, figure: `${tag}: bytes on air, JSON lines over NUS`, value: j.bytesOnAir, unit: "B", how: "text from the device, whole packets" }),
        fig({ id: `${id}.bytesRatio`, figure: `${tag}: JSON bytes ÷ our bytes`, value: round(j.bytesOnAir / o.bytesOnAir), unit: "×", cmp: ">=", targetValue: 4 }),
        fig({ id: `${id}.time`, figure: `${tag}: link time, ours`, value: round(o.linkMs, 1), unit: "ms", how: "virtual time", note: `${o.gaps} gaps, ${o.dropped} notifications dropped` }),
        fig({ id: `${id}.timeJson`, figure: `${tag}: link time, JSON lines`, value: round(j.linkMs, 1), unit: "ms", how: "link model" }),
        fig({ id: `${id}.timeRatio`, figure: `${tag}: our link time ÷ ideal (${round(idealMs, 1)} ms)`, value: round(o.linkMs / idealMs), unit: "×", cmp: "<=", targetValue: 1.25 }),
      );
    }
  }
  // how the result depends on the assumed packets per interval (4: the virtual radio's default and
  // the firmware's TX_BURST; 6: an nRF52 given a longer event length), at the smallest payload
  const sensitivity: OursRun[] = [];
  for (const ppi of [4, 6]) for (const i of INTERVALS) sensitivity.push(await ours(20, i, undefined, ppi));

  return {
    figures,
    linkModel: LINK_MODEL,
    assumptions: [
      `Packets per connection interval: ${PPI}, both directions (linkModel.packetsPerIntervalSources: Espruino's bluetooth.c and app_config.h, Nordic's S132 SoftDevice specification).`,
      `Bytes on air = ATT payload + ${PACKET_OVERHEAD} B per packet (3 B ATT opcode/handle + 4 B L2CAP header; link-layer header, MIC and CRC not counted), both directions.`,
      "Ours: the whole of `massager sync`'s exchange (INFO, TIME_SET, LOG_READs and their streams, LOG_ACK), measured on the virtual radio with its 8-packet notify queue; the virtual radio delivers a central's write at once, so each request's trip to the device (≤ 1 interval on a real link) is not in the link time.",
      "Ideal = ceil(packets / ppi) × interval, packets = what the device sends in a sync whose queue never overflows (same payload).",
      `Baseline: the same ${RECORDS} records as JSON lines ({"seq","t","prog","plan","dur","reg","end","bat"}, about ${Math.round(log.length / RECORDS)} B each), printed by a tiny Espruino app in the VirtualDevice after \`\\x10dump()\\n\` on the UART; carried analytically in whole packets (Espruino's NUS TX buffer), ppi per interval, no loss (the UART console is never dropped).`,
      "Payload 128 needs a 131-byte MTU: Bangle.js 2's board profile (MDBT42Q and Puck.js answer 53).",
    ],
    details: { floor, runs, sensitivity },
    problems,
  };
});
