/**
 * Board profiles: every pin and board difference in one table. Pins are numeric indices (Dn = n),
 * which every Espruino pin function accepts. The device picks its row from process.env.BOARD.
 */
export interface BoardProfile {
  /** Espruino's process.env.BOARD value. */
  id: string;
  name: string;
  /** Small number carried in the INFO reply. */
  code: number;
  motorPin: number;
  buttonPin: number;
  /** LED pins, first is the cue LED; empty when the board has none. */
  ledPins: number[];
  /** PWM frequency for the motor (Hz). */
  pwmFreq: number;
  /** "nrf": NRF.getBattery() volts (MDBT42Q has no E.getBattery); "E": E.getBattery() percent. */
  battery: string;
  /** ATT MTU the firmware answers with; payload is mtu - 3. */
  mtu: number;
  /** Flash available to Storage, and JS variables. */
  flashBytes: number;
  vars: number;
}

export const BOARDS: BoardProfile[] = [
  { id: "MDBT42Q", name: "MDBT42Q breakout", code: 1, motorPin: 13, buttonPin: 0, ledPins: [1, 2],
    pwmFreq: 200, battery: "nrf", mtu: 53, flashBytes: 40960, vars: 2950 },
  { id: "PUCKJS", name: "Puck.js", code: 2, motorPin: 28, buttonPin: 0, ledPins: [5, 4, 3],
    pwmFreq: 200, battery: "E", mtu: 53, flashBytes: 40960, vars: 2630 },
  { id: "BANGLEJS2", name: "Bangle.js 2", code: 3, motorPin: 19, buttonPin: 17, ledPins: [],
    pwmFreq: 200, battery: "E", mtu: 131, flashBytes: 8388608, vars: 12000 },
];

/** What the device needs of its own row (the firmware's board lookup; names, flash and vars stay out). */
export interface DeviceBoard {
  code: number;
  motorPin: number;
  buttonPin: number;
  /** The cue LED (the first of ledPins), -1 when the board has none. */
  cueLed: number;
  pwmFreq: number;
  /** 1: E.getBattery() percent; 0: NRF.getBattery() volts. */
  battery: number;
  mtu: number;
}

/**
 * The firmware's lookup: boardFor(id)'s device fields (code = index + 1; test/shared/codecs.test.ts
 * checks them against BOARDS). Unknown boards get the MDBT42Q default. The rows are one string of
 * bytes read by offset (less flash than arrays, and garbage once the board is known): per board
 * motorPin, buttonPin, cueLed (255: none), E.getBattery (1) or NRF volts (0), mtu. Every board drives
 * its motor's PWM at 200 Hz.
 */
export const deviceBoard = (id: string | undefined): DeviceBoard => {
  const i = Math.max(0, ["MDBT42Q", "PUCKJS", "BANGLEJS2"].indexOf(id as string));
  const r = (k: number): number => {
    return "\x0d\x00\x01\x00\x35\x1c\x00\x05\x01\x35\x13\x11\xff\x01\x83".charCodeAt(i * 5 + k);
  };
  return { code: i + 1, motorPin: r(0), buttonPin: r(1), cueLed: r(2) > 254 ? -1 : r(2), pwmFreq: 200, battery: r(3), mtu: r(4) };
};

/** The profile for an Espruino board id; unknown boards get the MDBT42Q default. */
export const boardFor = (id: string | undefined): BoardProfile => {
  for (let i = 0; i < BOARDS.length; i++) if (BOARDS[i].id === id) return BOARDS[i];
  return BOARDS[0];
};

export const boardByCode = (code: number): BoardProfile | undefined => {
  for (let i = 0; i < BOARDS.length; i++) if (BOARDS[i].code === code) return BOARDS[i];
  return undefined;
};
