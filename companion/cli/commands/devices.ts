import { scan } from "../../ble/scan";
import type { ParsedOptions } from "../commands";
import type { Context } from "../context";
import { table } from "../format";

export interface DevicesData {
  /** Each massager found: its address (`device`, what --device takes), its name, the signal in dBm. */
  devices: { device: string; device_name: string; rssi: number }[];
  seconds: number;
}

export async function run(o: ParsedOptions, ctx: Context): Promise<DevicesData> {
  const { noble, kind } = await ctx.noble();
  const seconds = (o.options.timeout as number | undefined) ?? (kind === "sim" ? 0.3 : 5);
  const found = await scan(noble, { timeoutMs: seconds * 1000 });
  return { devices: found.map((f) => ({ device: f.address, device_name: f.name, rssi: f.rssi })), seconds };
}

export function text(d: DevicesData): string {
  if (d.devices.length === 0)
    return `no massagers found in ${d.seconds} s; wake one with a button press and run \`massager devices\` again (or use --device sim)`;
  return table(d.devices.map((x) => [x.device_name, x.device, `${x.rssi} dBm`]), ["NAME", "ADDRESS", "SIGNAL"]);
}
