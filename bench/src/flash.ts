/**
 * Flash budget of an MDBT42Q (40 KB of Storage): the bundle, the program slots, a year of log, the
 * journal of small values and the owner keys, first from the layouts (firmware/programs.ts,
 * firmware/log.ts, firmware/store.ts, firmware/owners.ts),
 * then measured: the built firmware runs in the VirtualDevice, gets the largest program into every
 * slot over the protocol, then logs 365 real button sessions (Daily 4 min, one a day, in virtual
 * time), and the Storage statistics are read back. The flash image is kept in bench/.out for the
 * log-sync suite, so both measure the same year.
 */
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { push } from "../../companion/device/upload";
import {
  BUNDLE_BUDGET, FLASH_BYTES, FLASH_TARGET, LOG_SEGMENT_RECORDS, LOG_SEGMENTS, OWNER_KEY_BYTES, OWNER_SLOTS, PROGRAM_MAX_BYTES, SLOTS,
} from "../../shared/limits";
import { encodeProgram } from "../../shared/program";
import { RECORD_BYTES } from "../../shared/record";
import { VirtualDevice } from "../../companion/sim/board/device";
import { FIRMWARE, OUT, type Figure, simBehindNoble, fig, firmwareSource, largestProgram, runSuite } from "./lib";

const HDR = 32; // Storage file header
const align = (n: number) => (n + 3) & ~3;
const fileBytes = (size: number) => HDR + align(size);
const DAYS = 365;
const DAY_MS = 86_400_000;

export const YEAR_IMAGE = resolve(OUT, "year.flash");

function category(name: string): string {
  if (name === ".bootcde") return "bundle";
  if (name.startsWith("mprog")) return "programs";
  if (name.startsWith("mlog")) return "log";
  return "cells";
}

runSuite("flash", async () => {
  const problems: string[] = [];
  const figures: Figure[] = [];
  const source = firmwareSource();
  const bundleBytes = statSync(FIRMWARE).size;

  // ---- from the layouts
  const slotFile = fileBytes(8 + PROGRAM_MAX_BYTES + 4); // crc32, size, 0xFFFF | program | marker
  const slots = SLOTS * slotFile;
  const staging = slotFile; // one upload in progress keeps the old program until its commit
  const segments = Math.ceil(DAYS / LOG_SEGMENT_RECORDS);
  const segFile = fileBytes(LOG_SEGMENT_RECORDS * RECORD_BYTES);
  const log = segments * segFile;
  const logMax = LOG_SEGMENTS * segFile;
  // the journal (store.ts): one file of 32 slots of 8 B, and the next being started; a key per owner
  const cells = 2 * fileBytes(32 * 8) + OWNER_SLOTS * fileBytes(OWNER_KEY_BYTES + 1);
  const bootcde = fileBytes(bundleBytes);
  const sum = bootcde + slots + staging + log + cells;

  figures.push(
    fig({ id: "flash.bundle", figure: "Bundle, pretokenised as flashed (dist/firmware.js)", value: bundleBytes, unit: "B", cmp: "<=", targetValue: BUNDLE_BUDGET, how: "file size" }),
    fig({ id: "flash.slots", figure: `Program slots: ${SLOTS} × (32 + 8 + ${PROGRAM_MAX_BYTES} + 4)`, value: slots, unit: "B", how: "layout" }),
    fig({ id: "flash.staging", figure: "Upload in progress (staging slot file)", value: staging, unit: "B", how: "layout" }),
    fig({ id: "flash.log365", figure: `Log, 365 sessions: ${segments} segments × (32 + 32 × 20)`, value: log, unit: "B", how: "layout" }),
    fig({ id: "flash.cells", figure: `Journal (2 files of 32 × 8 B) + ${OWNER_SLOTS} owner keys`, value: cells, unit: "B", how: "layout" }),
    fig({ id: "flash.sum", figure: "Sum (.bootcde + slots + staging + log + cells)", value: sum, unit: "B", cmp: "<=", targetValue: FLASH_TARGET, how: "layout", note: `of ${FLASH_BYTES} B on an MDBT42Q` }),
  );

  // ---- measured: the firmware in the virtual device, a year of sessions
  const t0 = performance.now();
  const dev = new VirtualDevice({ board: "MDBT42Q", bundle: source });
  dev.advance(2000);
  const image = encodeProgram(largestProgram());
  {
    // what `massager push` does, into every slot, then back to preset 0 for the button
    const s = await simBehindNoble(dev, { mtu: 53, intervalMs: 7.5, packetsPerInterval: 6 });
    for (let slot = 0; slot < SLOTS; slot++) {
      const r = await push(s.client, largestProgram(), { slot });
      if (r.bytes !== image.length) problems.push(`pushing the largest program into slot ${slot} stored ${r.bytes} B`);
    }
    await s.client.selectProgram(0);
    await s.close();
  }
  const startDay = Math.ceil(dev.clock.now() / DAY_MS) * DAY_MS;
  dev.clock.advanceTo(startDay + 8 * 3_600_000);
  for (let day = 0; day < DAYS; day++) {
    const at = startDay + day * DAY_MS + 8 * 3_600_000; // 08:00 every day
    if (dev.clock.now() < at) dev.clock.advanceTo(at);
    dev.battery.setPercent(100, dev.clock.now()); // charged overnight: the cell is not what this measures
    dev.pressButton(100);
    dev.advance(600);
    dev.advance(245_000); // the 240 s preset, and its end
  }
  const simMs = performance.now() - t0;
  if (dev.errors.length) problems.push(`firmware errors during the year: ${dev.errors.slice(0, 3).join("; ")}`);
  const after = await simBehindNoble(dev, { mtu: 53, intervalMs: 7.5, packetsPerInterval: 6 });
  const info = after.link.info;
  await after.close();
  if (!info || info.held !== DAYS || info.unlogged !== 0)
    problems.push(`after ${DAYS} sessions the device holds ${info?.held} records (${info?.unlogged} unlogged)`);

  const files = dev.flash.debugFiles();
  const by: Record<string, number> = { bundle: 0, programs: 0, log: 0, cells: 0 };
  const names: Record<string, string[]> = { bundle: [], programs: [], log: [], cells: [] };
  for (const f of files) {
    if (f.deleted) continue;
    const k = category(f.name);
    by[k] += fileBytes(f.size);
    names[k].push(f.name);
  }
  const stats = dev.flash.getStats();
  figures.push(
    fig({ id: "flash.measured.bundle", figure: "Measured: .bootcde file", value: by.bundle, unit: "B", how: "VirtualDevice Storage" }),
    fig({ id: "flash.measured.programs", figure: "Measured: 4 slots holding the largest program", value: by.programs, unit: "B", how: "VirtualDevice Storage" }),
    fig({ id: "flash.measured.log", figure: `Measured: log after ${DAYS} real sessions (${names.log.length} segment files)`, value: by.log, unit: "B", how: "VirtualDevice Storage" }),
    fig({ id: "flash.measured.cells", figure: `Measured: cells (${names.cells.join(", ")})`, value: by.cells, unit: "B", how: "VirtualDevice Storage" }),
    fig({ id: "flash.measured.files", figure: "Measured: live files in Storage (getStats().fileBytes)", value: stats.fileBytes, unit: "B", cmp: "<=", targetValue: FLASH_TARGET, how: "VirtualDevice Storage" }),
    fig({ id: "flash.measured.trash", figure: "Measured: trash awaiting compaction", value: stats.trashBytes, unit: "B", how: "VirtualDevice Storage" }),
    fig({ id: "flash.measured.free", figure: "Measured: Storage.getFree() after the year", value: stats.freeBytes, unit: "B", how: "VirtualDevice Storage" }),
  );

  mkdirSync(OUT, { recursive: true });
  writeFileSync(YEAR_IMAGE, dev.flash.toBuffer());
  return {
    figures,
    assumptions: [
      "Storage adds a 32-byte header per file and pads data to 4 bytes (Espruino jsflash.c, as companion/sim/board/flash.ts models it).",
      `The measured year: the largest program (${image.length} B encoded) uploaded into all ${SLOTS} slots over the protocol, then ${DAYS} button sessions of preset 0 (240 s), one a day at 08:00, in virtual time, never synced.`,
      `Bundle target ${BUNDLE_BUDGET} B: BUNDLE_BUDGET in shared/limits.ts, which the build also enforces.`,
    ],
    details: {
      layout: { bootcde, slotFile, slots, staging, segments, segFile, log, logMax, cells, sum },
      measured: { byCategory: by, files: names, stats, flashStats: dev.flash.stats, info, simMs: Math.round(simMs) },
    },
    problems,
  };
});
