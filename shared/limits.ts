/**
 * The one limits table. Both sides read it: the companion to validate before sending, the device to
 * refuse or clamp whatever arrives. Numbers only, so the minifier can fold them on the device.
 */
export const LIMITS = {
  /** Intensity in a program is 0..1; 1.0 maps to motorDutyMax, the PWM duty the motor never exceeds. */
  intensityMax: 1.0,
  motorDutyMax: 0.85,
  /** Continuous drive at or above fullPowerLevel (of the cap) for longer than this is throttled. */
  fullPowerLevel: 0.95,
  fullPowerMaxS: 120,
  fullPowerThrottle: 0.7,
  /** Soft start: the motor ramps up over this long whenever a session starts or resumes. */
  softStartMs: 400,
  softStartSteps: 4,
  /** Longest session the device will run, whatever a program says (30 min). */
  longestSessionS: 1800,
  stepMinS: 2,
  stepMaxS: 900,
  maxSteps: 24,
  nameMaxBytes: 24,
  curveMinPoints: 2,
  curveMaxPoints: 16,
  curveStepMinMs: 50,
  curveStepMaxMs: 2000,
  /** Program slots for custom programs (ids 0x10 + slot). */
  slots: 4,
  /** Fixed-size binary log record. */
  recordBytes: 20,
  /** Log segments: files of logSegmentRecords records each; logSegments of them at most. */
  logSegmentRecords: 32,
  logSegments: 13,
  /** Protocol: every packet fits a 20-byte ATT payload; larger MTUs only make it faster. */
  minPayload: 20,
  maxPayload: 128,
  /** Largest reassembled message (op, id, status, body, crc). */
  messageMaxBytes: 320,
  /** Largest data chunk in one PROG_WRITE. */
  chunkMaxBytes: 128,
  /** Stream packets per burst and burst period the device paces its notifications at. */
  txBurst: 4,
  txTickMs: 7.5,
  /** Stream counter is 7 bits and never wraps inside one LOG_READ. */
  streamMaxPackets: 127,
  /** Flash: bundle budget checked by the build; whole-flash target for bundle + programs + log. */
  bundleBudget: 12288,
  flashBytes: 40960,
  flashTarget: 36864,
};

/** Bytes of the largest program the format allows (see program.ts for the layout). */
export const PROGRAM_MAX_BYTES =
  4 + LIMITS.nameMaxBytes + LIMITS.maxSteps * (6 + 2 + LIMITS.curveMaxPoints);
