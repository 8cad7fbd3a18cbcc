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

/** The profile for an Espruino board id; unknown boards get the MDBT42Q default. */
export const boardFor = (id: string | undefined): BoardProfile => {
  for (let i = 0; i < BOARDS.length; i++) if (BOARDS[i].id === id) return BOARDS[i];
  return BOARDS[0];
};

export const boardByCode = (code: number): BoardProfile | undefined => {
  for (let i = 0; i < BOARDS.length; i++) if (BOARDS[i].code === code) return BOARDS[i];
  return undefined;
};
