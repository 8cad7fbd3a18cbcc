/**
 * RAM on the real interpreter: Espruino 2v29 built for Linux with a Puck.js pool of 2,630
 * variables (ESPRUINO_BIN; companion/sim/interpreter/), the bundle booted from flash as a board
 * boots it. The firmware's own variables are the interpreter's process.memory().usage (after a
 * garbage collection) less the harness's own: the same .boot0 and driver link booted with a
 * trivial bundle. Peaks are the highest usage sampled at every firmware callback the harness runs,
 * every notification and every pin write during a scenario, less the baseline's own sampled peak
 * (a sample counts the few variables of the call it is made in).
 *
 * Budgets (issue 10): ≤ 900 after boot; ≤ 1,300 at the peak of a sync of 128 records, of an upload
 * and commit of the largest program, and of a session of it. A miss fails `npm run bench` (run.mjs).
 * Variables here are 17 bytes, 13 on a board: strings and typed arrays take about a quarter more
 * variables there, which the budgets leave room for.
 */
import { VirtualDevice } from "../../companion/sim/board/device";
import { InterpreterCentral } from "../../companion/sim/interpreter/central";
import { InterpreterDevice } from "../../companion/sim/interpreter/device";
import { type FlashFile, dataFiles } from "../../companion/sim/interpreter/flash-image";
import { ESPRUINO_BIN_HINT, espruinoBin } from "../../companion/sim/interpreter/locate";
import { push } from "../../companion/device/upload";
import { nodeHmac } from "../../companion/owners/keys";
import { Status } from "../../shared/codes";
import { PRESET_COUNT, PRESET_NAMES, presetProgram } from "../../shared/presets";
import { encodeProgram, totalSeconds } from "../../shared/program";
import { type Figure, fig, simBehindNoble, firmwareSource, largestProgram, runSuite } from "./lib";

const BOARD = "PUCKJS";
const VOLTS = 2.9;
const BOOT_BUDGET = 900;
const PEAK_BUDGET = 1300;
const RECORDS = 128;
const OWNER_KEY = new Uint8Array(16).map((_, i) => 0x40 + i);
/** Debounce + the double-press window: a short press acts this long after its release. */
const SHORT_ACTS_AFTER_RELEASE = 25 + 350;

runSuite("ram", async () => {
  const bin = espruinoBin();
  if (!bin) return { figures: [], skipped: ESPRUINO_BIN_HINT };
  const bundle = firmwareSource();
  const boot = (b: string, files?: FlashFile[]) => InterpreterDevice.boot({ bin, bundle: b, board: BOARD, volts: VOLTS, files });
  const figures: Figure[] = [];
  const details: Record<string, unknown> = {};
  const problems: string[] = [];

  // ---- the harness's own use, and the cost of a function
  const base = await usage(await boot("0;"));
  const total = base.total;
  // 100 names in a module's scope (as the bundle's functions are), kept alive by one closure
  const scope = (value: (i: number) => string) =>
    `(function(){var ${Array.from({ length: 100 }, (_, i) => `f${i}=${value(i)}`).join(",")};global.k=function(){return f0;};})();`;
  const fns = await usage(await boot(scope((i) => `function(a){return a+${i};}`)));
  const nums = await usage(await boot(scope((i) => String(i))));
  figures.push(
    fig({ id: "ram.harness", figure: "Harness's own use (.boot0 shims + driver link, trivial bundle), subtracted below", value: base.usage, unit: "vars", how: `of ${total}` }),
    fig({ id: "ram.perFunction", figure: "One live function of one parameter, named in a module's scope (100 of them)", value: (fns.usage - base.usage) / 100, unit: "vars", how: `a number named there: ${(nums.usage - base.usage) / 100}` }),
  );

  // ---- after boot
  const fresh = await boot(bundle);
  const afterBoot = (await usage(fresh, false)).usage - base.usage;
  await fresh.close();
  figures.push(fig({ id: "ram.boot", figure: "Firmware after boot", value: afterBoot, unit: "vars", cmp: "<=", targetValue: BOOT_BUDGET, hard: true }));

  // ---- the budgeted scenarios: each run for its sampled peak, then again in a pool squeezed to
  // the harness + the budget, which must hold every transient too (a sample can fall between them)
  const logged = twin();
  shortSessions(logged, RECORDS);
  // the same log on a device with an owner: the sync runs after AUTH, every request signed (SHA-256 on the device)
  const owned = twin();
  shortSessions(owned, RECORDS);
  owned.buttonDown(); // the 5-second hold: the trust window, for PAIR
  owned.advance(5200);
  owned.buttonUp();
  owned.advance(500);
  const o = await simBehindNoble(owned, { mtu: 53 });
  if ((await o.client.pair(OWNER_KEY, 0)) !== 0) throw new Error("PAIR on the virtual device failed");
  await o.close();
  const image = encodeProgram(largestProgram());
  const committed = twin(); // the largest program committed on the virtual device: its commit here may run out
  const s = await simBehindNoble(committed, { mtu: 53 });
  await push(s.client, largestProgram(), { slot: 0 });
  await s.close();
  const budgeted: Array<{ id: string; figure: string; what: string; files?: FlashFile[]; body: (dev: InterpreterDevice) => Promise<void> }> = [
    {
      id: "ram.sync128",
      figure: `Firmware at the peak of a sync of ${RECORDS} records (50 B payload, credits, ack)`,
      what: `sync of ${RECORDS} records`,
      files: dataFiles(logged.flash),
      body: async (dev) => {
        const c = await central(dev);
        const r = await c.sync();
        if (r.records.length !== RECORDS || r.reads !== 1) throw new Error(`the sync read ${r.records.length} records in ${r.reads} reads`);
      },
    },
    {
      id: "ram.ownerSync128",
      figure: `Firmware at the peak of an owner's sync of ${RECORDS} records (AUTH, every request signed)`,
      what: `owner's sync of ${RECORDS} records`,
      files: dataFiles(owned.flash),
      body: async (dev) => {
        const c = await central(dev);
        if ((await c.auth(0, OWNER_KEY, nodeHmac)).status !== Status.Ok) throw new Error("AUTH was refused");
        const r = await c.sync();
        if (r.records.length !== RECORDS) throw new Error(`the owner's sync read ${r.records.length} records`);
      },
    },
    {
      id: "ram.upload",
      figure: `Firmware at the peak of an upload and commit of the largest program (${image.length} B)`,
      what: "upload and commit of the largest program",
      body: async (dev) => {
        const r = await (await central(dev)).upload(0, image);
        if (r.status !== Status.Ok) throw new Error(`PROG_COMMIT answered status ${r.status}`);
      },
    },
    {
      id: "ram.sessionLargest",
      figure: "Firmware at the peak of a session of the largest program (to its end)",
      what: "session of the largest program",
      files: dataFiles(committed.flash),
      body: async (dev) => {
        await dev.press(100);
        await dev.advance(SHORT_ACTS_AFTER_RELEASE + totalSeconds(largestProgram()) * 1000 + 1000);
      },
    },
  ];
  for (const b of budgeted) {
    figures.push(peakFigure(b.id, b.figure, await scenario(b.what, await boot(bundle, b.files), b.body)));
    const squeezed = await scenario(`${b.what}, squeezed to ${PEAK_BUDGET}`, await boot(bundle, b.files), b.body, PEAK_BUDGET);
    details[`${b.id}.squeezed`] = squeezed;
    figures.push(fig({
      id: `${b.id}.fits`, figure: `The ${b.what} with only ${PEAK_BUDGET} variables left to the firmware: ran to its end (1) or not (0)`, value: squeezed.ran === "to its end" ? 1 : 0,
      unit: "", cmp: "==", targetValue: 1, hard: true, note: squeezed.ran === "to its end" ? undefined : squeezed.ran,
    }));
  }

  // ---- a session of each preset, for the record
  for (let i = 0; i < PRESET_COUNT; i++) {
    const r = await scenario(`session of "${PRESET_NAMES[i]}"`, await boot(bundle), async (dev) => {
      for (let k = 0; k < i; k++) {
        await dev.press(80);
        await dev.advance(120);
        await dev.press(80);
        await dev.advance(3000);
      }
      await dev.memory({ resetPeak: true }); // the selection's buzz is not the session
      await dev.press(100);
      await dev.advance(SHORT_ACTS_AFTER_RELEASE + totalSeconds(presetProgram(i)!) * 1000 + 1000);
    });
    figures.push(peakFigure(`ram.preset${i}`, `Firmware at the peak of a session of "${PRESET_NAMES[i]}"`, r, false));
  }

  return {
    figures,
    details,
    problems,
    assumptions: [
      `interpreter: ESPRUINO_BIN (Espruino 2v29 for Linux, pool of ${total} variables of 17 bytes; a Puck.js has the same pool of 13-byte variables)`,
      "firmware = usage − the harness booted with a trivial bundle; peaks sampled at every firmware callback, notification and pin write",
      "a scenario that runs out of memory is reported as the whole pool the harness leaves the firmware (a lower bound) and misses its budget",
      `each budgeted scenario runs again with the pool filled up to the harness's peak + ${PEAK_BUDGET}: it must still run to its end, transients between samples included (fragmentation aside)`,
    ],
  };

  /** process.memory() after a garbage collection; closes the device unless told not to. */
  async function usage(dev: InterpreterDevice, close = true) {
    const m = await dev.memory();
    if (close) await dev.close();
    return m;
  }

  /**
   * Runs a scenario from a reset peak; its firmware peak, or the whole pool left if it ran out.
   * `squeeze`: first fill the pool (an array of zeros, one variable each) so that only that many
   * variables are left to the firmware, measured from the baseline's own peak.
   */
  async function scenario(what: string, dev: InterpreterDevice, body: (dev: InterpreterDevice) => Promise<void>, squeeze?: number) {
    try {
      if (squeeze !== undefined) await dev.command(`global.__b=[];for(var i=0;i<${total - base.peak - squeeze - 2};i++)__b.push(0);`);
      await dev.memory({ resetPeak: true });
      await body(dev);
      const m = await dev.memory();
      if (dev.errors.length) throw new Error(dev.errors.join(" | "));
      return { peak: m.peak - base.peak, after: m.usage - base.usage, ran: "to its end" };
    } catch (e) {
      const msg = (e as Error).message.split("\n")[0].replace(/; errors:$/, "");
      problems.push(`${what}: ${msg}`);
      return { peak: total - base.usage, after: NaN, ran: /memory/i.test(msg) ? "out of memory" : `failed: ${msg}` };
    } finally {
      await dev.close();
    }
  }

  function peakFigure(id: string, figure: string, r: { peak: number; after: number; ran: string }, budget = true): Figure {
    details[id] = r;
    const note = r.ran === "to its end" ? `${r.after} after it` : `${r.ran}: the whole pool the harness leaves, a lower bound`;
    return budget ? fig({ id, figure, value: r.peak, unit: "vars", cmp: "<=", targetValue: PEAK_BUDGET, hard: true, note }) : fig({ id, figure, value: r.peak, unit: "vars", note });
  }
});

/** n button sessions stopped by a long press: n log records. */
function shortSessions(d: VirtualDevice, n: number): void {
  for (let i = 0; i < n; i++) {
    d.pressButton(100);
    d.advance(500);
    d.pressButton(1700);
    d.advance(200);
  }
}

function twin(): VirtualDevice {
  const d = new VirtualDevice({ bundle: firmwareSource(), board: BOARD, batteryVolts: VOLTS, batterySteady: true });
  d.advance(0);
  return d;
}

async function central(dev: InterpreterDevice): Promise<InterpreterCentral> {
  const c = new InterpreterCentral(dev);
  await c.connect({ mtu: 53 });
  if ((await c.info()).status !== Status.Ok) throw new Error("INFO failed");
  return c;
}
