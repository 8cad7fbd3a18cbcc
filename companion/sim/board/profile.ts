/** What a board profile (shared/boards.ts) means to the virtual device. */
import { BOARDS, type BoardProfile } from "../../../shared/boards.js";
import type { GlobalsBoard } from "./realm/host.js";

/** Espruino's default advertised name prefix per board ("Puck.js 1a2b"). */
const ADVERTISED_NAMES: Record<string, string> = { MDBT42Q: "MDBT42Q", PUCKJS: "Puck.js", BANGLEJS2: "Bangle.js" };

/** A board id or profile as a profile; an unknown id throws. */
export function resolveBoard(b: string | BoardProfile): BoardProfile {
  const profile = typeof b === "string" ? BOARDS.find((x) => x.id === b) : b;
  if (!profile) throw new Error(`unknown board "${String(b)}" (known: ${BOARDS.map((x) => x.id).join(", ")})`);
  return profile;
}

export function advertisedName(b: BoardProfile): string {
  return ADVERTISED_NAMES[b.id] ?? b.name;
}

/** The board facts the firmware's globals need. */
export function globalsBoard(b: BoardProfile): GlobalsBoard {
  const maxPin = Math.max(b.motorPin, b.buttonPin, ...b.ledPins) > 31 || b.id === "BANGLEJS2" ? 47 : 31;
  return { id: b.id, name: b.name, ledPins: b.ledPins, buttonPin: b.buttonPin, battery: b.battery === "E" ? "E" : "nrf", vars: b.vars, maxPin };
}

/** A board's cell from empty to full (volts): a coin cell's 2.0…3.0 V, a LiPo's 3.3…4.2 V on Bangle.js 2. */
export function batteryRange(b: BoardProfile): [number, number] {
  return b.id === "BANGLEJS2" ? [3.3, 4.2] : [2.0, 3.0];
}

/** E.getBattery() from the supply voltage, linear over the board's range. */
export function batteryPercentAt(b: BoardProfile, volts: number): number {
  const [lo, hi] = batteryRange(b);
  return Math.round(Math.min(100, Math.max(0, ((volts - lo) / (hi - lo)) * 100)));
}
