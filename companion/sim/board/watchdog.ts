/**
 * The nRF52 watchdog as E.enableWatchdog starts it: its period cannot change once started, and
 * only a reset (`stop()`) ends it. In auto mode the idle loop kicks it, so it bites only while
 * the device is hung.
 */
import type { HostTimer, VirtualClock } from "./clock.js";

export interface WatchdogDevice {
  isRunning(): boolean;
  isHung(): boolean;
  /** The watchdog fired: reset the device. */
  bite(): void;
}

export class Watchdog {
  private readonly periodMs: number;
  private auto = true;
  private lastKick: number;
  private timer?: HostTimer;
  private stopped = false;

  constructor(
    private readonly clock: VirtualClock,
    seconds: number,
    private readonly device: WatchdogDevice,
  ) {
    this.periodMs = Math.max(1, seconds * 1000);
    this.lastKick = clock.now();
  }

  /** E.enableWatchdog (first or again): set the mode and count from now. */
  enable(auto: boolean): void {
    this.auto = auto;
    this.lastKick = this.clock.now();
    this.arm();
  }

  kick(): void {
    this.lastKick = this.clock.now();
  }

  /** The device hung: the idle loop no longer kicks, so the watchdog starts counting. */
  hung(): void {
    if (this.auto) this.lastKick = this.clock.now();
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
  }

  /** One host timer at lastKick + period; when it fires early (kicked meanwhile) it re-arms. */
  private arm(): void {
    this.timer?.cancel();
    this.timer = undefined;
    if (this.auto && this.device.isRunning()) return; // the idle loop kicks it
    this.timer = this.clock.hostTimeout(() => {
      if (this.stopped) return;
      const due = this.lastKick + this.periodMs;
      if (due > this.clock.now() && !(this.auto && this.device.isHung())) {
        this.arm();
        return;
      }
      this.device.bite();
    }, Math.max(0, this.lastKick + this.periodMs - this.clock.now()));
  }
}
