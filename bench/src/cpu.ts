/**
 * Firmware work in the virtual device, per second of virtual time: calls into the motor
 * (analogWrite on the motor pin) and the LED (digitalWrite), timer callbacks, and wake-ups (distinct
 * instants at which a firmware timer ran: each is the chip leaving sleep), during a running session
 * of each preset, and while idle (should be none). A change that wakes the chip more often, or
 * writes the same level again, shows up here. Counted from the host side of the VirtualDevice
 * (its pin bank and clock), so the firmware runs unmodified.
 */
import { VirtualDevice } from "../../companion/sim/board/device";
import { PRESET_NAMES } from "../../shared/presets";
import { type Figure, fig, firmwareSource, round, runSuite } from "./lib";

interface Counts {
  motorCalls: number;
  ledCalls: number;
  unchangedCalls: number;
  pulses: number;
  timerCallbacks: number;
  wakeups: number;
  /** wake-ups after which no output changed */
  idleWakeups: number;
}

function instrument(dev: VirtualDevice) {
  const c: Counts = { motorCalls: 0, ledCalls: 0, unchangedCalls: 0, pulses: 0, timerCallbacks: 0, wakeups: 0, idleWakeups: 0 };
  const pins = dev.pins;
  const motorPin = dev.board.motorPin;
  let changed = false;
  const write = pins.write.bind(pins);
  pins.write = (pin: number, value: number, freq?: number) => {
    if (pin === motorPin) c.motorCalls++;
    else c.ledCalls++;
    const before = pins.level(pin);
    write(pin, value, freq);
    if (pins.level(pin) === before) c.unchangedCalls++;
    else changed = true;
  };
  const pulse = pins.pulse.bind(pins);
  pins.pulse = (pin: number, value: number, times: number[]) => {
    c.pulses++;
    changed = true;
    pulse(pin, value, times);
  };
  const clock = dev.clock;
  let lastInstant = -1;
  let pendingIdle = false;
  const wrap = (fn: (...a: unknown[]) => void) => (...a: unknown[]) => {
    c.timerCallbacks++;
    const now = clock.now();
    if (now !== lastInstant) {
      if (pendingIdle && !changed) c.idleWakeups++;
      c.wakeups++;
      lastInstant = now;
      changed = false;
      pendingIdle = true;
    }
    fn(...a);
  };
  const st = clock.setTimeout.bind(clock);
  const si = clock.setInterval.bind(clock);
  clock.setTimeout = (fn, ms, ...args) => st(wrap(fn), ms, ...args);
  clock.setInterval = (fn, ms, ...args) => si(wrap(fn), ms, ...args);
  return {
    counts: c,
    reset() {
      Object.assign(c, { motorCalls: 0, ledCalls: 0, unchangedCalls: 0, pulses: 0, timerCallbacks: 0, wakeups: 0, idleWakeups: 0 });
      lastInstant = -1;
      pendingIdle = false;
      changed = false;
    },
    /** closes the last wake-up's "changed anything?" check */
    finish() {
      if (pendingIdle && !changed) c.idleWakeups++;
      pendingIdle = false;
    },
  };
}

function perSecond(c: Counts, seconds: number) {
  return {
    motorCallsPerS: c.motorCalls / seconds,
    ledCallsPerS: c.ledCalls / seconds,
    unchangedCallsPerS: c.unchangedCalls / seconds,
    timerCallbacksPerS: c.timerCallbacks / seconds,
    wakeupsPerS: c.wakeups / seconds,
    idleWakeupsPerS: c.idleWakeups / seconds,
  };
}

runSuite("cpu", async () => {
  const figures: Figure[] = [];
  const problems: string[] = [];
  const details: Record<string, unknown> = {};
  const dev = new VirtualDevice({ board: "MDBT42Q", bundle: firmwareSource() });
  const probe = instrument(dev);

  // ---- idle after boot: one virtual hour
  dev.advance(5_000);
  probe.reset();
  const IDLE_S = 3600;
  dev.advance(IDLE_S * 1000);
  probe.finish();
  const idle = { ...probe.counts, pendingTimers: dev.pendingTimers() };
  figures.push(
    fig({ id: "cpu.idle.wakeups", figure: "Idle (1 h after boot): wake-ups per second", value: round(idle.wakeups / IDLE_S, 4), unit: "/s", cmp: "<=", targetValue: 0, how: "VirtualDevice clock" }),
    fig({ id: "cpu.idle.timers", figure: "Idle: firmware timers armed", value: idle.pendingTimers, unit: "", cmp: "<=", targetValue: 0 }),
  );

  // ---- a session of each preset, started with the button (double presses select the next preset)
  for (let preset = 0; preset < PRESET_NAMES.length; preset++) {
    if (preset > 0) {
      dev.pressButton(80);
      dev.advance(150);
      dev.pressButton(80);
      dev.advance(3_000); // the double press selects the next preset and buzzes its number
    }
    dev.pressButton(100);
    dev.advance(400); // the short-press window closes: the session starts
    const t0 = dev.clock.now();
    probe.reset();
    dev.advance(1_000);
    if (dev.motor === 0 && dev.pendingTimers() === 0) problems.push(`preset ${preset} did not start from the button`);
    dev.advanceUntil(() => dev.pendingTimers() === 0, 2_000_000, 1_000);
    probe.finish();
    const seconds = (dev.clock.now() - t0) / 1000;
    const c = { ...probe.counts };
    const r = perSecond(c, seconds);
    details[`preset${preset}`] = { name: PRESET_NAMES[preset], seconds: round(seconds, 1), counts: c, perSecond: r };
    const tag = `Session "${PRESET_NAMES[preset]}"`;
    figures.push(
      fig({ id: `cpu.p${preset}.wakeups`, figure: `${tag}: wake-ups per second`, value: round(r.wakeupsPerS, 2), unit: "/s", how: `${round(seconds, 0)} s of virtual time` }),
      fig({ id: `cpu.p${preset}.timers`, figure: `${tag}: timer callbacks per second`, value: round(r.timerCallbacksPerS, 2), unit: "/s" }),
      fig({ id: `cpu.p${preset}.motor`, figure: `${tag}: motor analogWrite calls per second`, value: round(r.motorCallsPerS, 2), unit: "/s" }),
      fig({ id: `cpu.p${preset}.led`, figure: `${tag}: LED digitalWrite calls per second`, value: round(r.ledCallsPerS, 3), unit: "/s" }),
      fig({ id: `cpu.p${preset}.wasted`, figure: `${tag}: wake-ups that changed no output, per second`, value: round(r.idleWakeupsPerS, 3), unit: "/s" }),
    );
    dev.advance(60_000);
  }

  // ---- idle again after the sessions
  probe.reset();
  dev.advance(IDLE_S * 1000);
  probe.finish();
  figures.push(
    fig({ id: "cpu.idleAfter.wakeups", figure: "Idle (1 h after the sessions): wake-ups per second", value: round(probe.counts.wakeups / IDLE_S, 4), unit: "/s", cmp: "<=", targetValue: 0 }),
  );
  if (dev.errors.length) problems.push(`firmware errors: ${dev.errors.slice(0, 3).join("; ")}`);
  details.idle = idle;
  details.idleAfter = { ...probe.counts, pendingTimers: dev.pendingTimers() };
  return {
    figures,
    assumptions: [
      "Counted on the host side of the VirtualDevice: every call into the pin bank (analogWrite on the motor pin, digitalWrite on the LED), every firmware timer callback, and every distinct virtual instant at which a firmware timer ran (a wake-up from sleep). BLE and button events are not wake-ups of the firmware's own making and are not counted.",
      "Sessions are started with the button; presets after the first are selected with a double press.",
    ],
    details,
    problems,
  };
});
