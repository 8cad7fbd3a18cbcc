/**
 * The one limits table. Both sides read it: the companion to validate before sending, the device to
 * refuse or clamp whatever arrives. Each limit is a top-level number constant, so the bundler inlines
 * it where the device uses it (an object's properties would never be folded).
 */
/** Intensity in a program is 0..1; 1.0 maps to MOTOR_DUTY_MAX, the PWM duty the motor never exceeds. */
export const INTENSITY_MAX = 1.0;
export const MOTOR_DUTY_MAX = 0.85;
/** Continuous drive at or above FULL_POWER_LEVEL (of the cap) for longer than this is throttled. */
export const FULL_POWER_LEVEL = 0.95;
export const FULL_POWER_MAX_S = 120;
export const FULL_POWER_THROTTLE = 0.7;
/** Soft start: the motor ramps up over this long whenever a session starts or resumes. */
export const SOFT_START_MS = 400;
export const SOFT_START_STEPS = 4;
/** Longest session the device will run, whatever a program says (30 min). */
export const LONGEST_SESSION_S = 1800;
export const STEP_MIN_S = 2;
export const STEP_MAX_S = 900;
export const MAX_STEPS = 24;
export const NAME_MAX_BYTES = 24;
export const CURVE_MIN_POINTS = 2;
export const CURVE_MAX_POINTS = 16;
export const CURVE_STEP_MIN_MS = 50;
export const CURVE_STEP_MAX_MS = 2000;
/** Program slots for custom programs (ids 0x10 + slot). */
export const SLOTS = 4;
/** Log segments: files of LOG_SEGMENT_RECORDS records each; LOG_SEGMENTS of them at most. */
export const LOG_SEGMENT_RECORDS = 32;
export const LOG_SEGMENTS = 13;
/** Protocol: every packet fits a 20-byte ATT payload; larger MTUs only make it faster. */
export const MIN_PAYLOAD = 20;
export const MAX_PAYLOAD = 128;
/** Largest reassembled message (op, id, status, body, crc) the companion accepts (a PROG_LIST reply). */
export const MESSAGE_MAX_BYTES = 320;
/** Largest request the device reassembles: a PROG_WRITE of CHUNK_MAX_BYTES with its signature. */
export const REQUEST_MAX_BYTES = 160;
/** Largest data chunk in one PROG_WRITE. */
export const CHUNK_MAX_BYTES = 128;
/** Stream packets per burst and burst period the device paces its notifications at. */
export const TX_BURST = 3;
/**
 * Log streams are flow-controlled by credits: the device keeps at most STREAM_WINDOW stream packets
 * beyond the last credit in flight (fewer than the radio's transmit queue holds, with room for a reply
 * or an event, so none is dropped for want of room however slow the link), and the central credits
 * every STREAM_CREDIT_EVERY packets.
 */
export const STREAM_WINDOW = 6;
export const STREAM_CREDIT_EVERY = 4;
export const TX_TICK_MS = 7.5;
/** Stream counter is 7 bits and never wraps inside one LOG_READ. */
export const STREAM_MAX_PACKETS = 127;
/** Records one LOG_READ streams at most (the device keeps their sequence numbers in RAM: 512 bytes). */
export const STREAM_MAX_RECORDS = 128;
/**
 * The build refuses a bundle (dist/firmware.js: pretokenised, as flashed) larger than this, and the
 * bench reports against it: 12 KB of the MDBT42Q's 40 KB of Storage, the rest for the programs, the
 * log and the journal (bench/src/flash.ts measures a year of them).
 */
export const BUNDLE_BUDGET = 12 * 1024;
export const FLASH_BYTES = 40960;
export const FLASH_TARGET = 36864;


/** Bytes of the largest program the format allows (see program.ts for the layout). */
export const PROGRAM_MAX_BYTES = 4 + NAME_MAX_BYTES + MAX_STEPS * (6 + 2 + CURVE_MAX_POINTS);

/**
 * Owners (messages.ts AUTH / PAIR): up to OWNER_SLOTS keys of OWNER_KEY_BYTES; a signed request
 * carries a counter and the first SIGNATURE_MAC_BYTES of its HMAC-SHA-256. Holding the button for
 * TRUST_HOLD_MS while idle opens the pairing window (and the console, when it is locked) for
 * TRUST_WINDOW_MS.
 */
export const OWNER_SLOTS = 4;
export const OWNER_KEY_BYTES = 16;
export const NONCE_BYTES = 8;
export const AUTH_MAC_BYTES = 16;
export const SIGNATURE_MAC_BYTES = 8;
export const SIGNATURE_BYTES = 2 + SIGNATURE_MAC_BYTES;
export const TRUST_HOLD_MS = 5000;
export const TRUST_WINDOW_MS = 60000;

/**
 * Battery, in percent of the board's reading (E.getBattery(), or NRF.getBattery() volts mapped
 * BATTERY_EMPTY_V..BATTERY_FULL_V). States change with hysteresis, so a reading that wobbles around
 * a threshold does not flap: Low below BATTERY_LOW, back to Ok only at BATTERY_LOW + BATTERY_HYSTERESIS;
 * Critical below BATTERY_CRITICAL, back only at BATTERY_CRITICAL + BATTERY_HYSTERESIS. Under the motor
 * the cell sags: a reading taken with the motor at duty d is raised by d × BATTERY_SAG_PER_DUTY points.
 * During a session the device reads at its own timer's wake-ups, at most every BATTERY_SAMPLE_MS (no
 * wake-up of its own, none at all when idle); BATTERY_CRITICAL_READINGS readings in a row below
 * Critical end it (motor ramped off in three steps over BATTERY_RAMP_MS, the record's end reason "battery").
 * The volts map as a coin cell's usable range, 2.0 V empty to 3.0 V fresh: the same linear range
 * Espruino's own E.getBattery() uses on Puck.js, so every board reads a cell alike.
 */
export const BATTERY_LOW = 20;
export const BATTERY_CRITICAL = 8;
export const BATTERY_HYSTERESIS = 5;
export const BATTERY_SAG_PER_DUTY = 12;
export const BATTERY_EMPTY_V = 2.0;
export const BATTERY_FULL_V = 3.0;
export const BATTERY_SAMPLE_MS = 10000;
export const BATTERY_CRITICAL_READINGS = 2;
export const BATTERY_RAMP_MS = 600;
