import { EXIT, ProgramFileError } from "../../errors";
import type { ParsedOptions } from "../commands";
import type { Context } from "../context";
import { minutes } from "../format";
import { readProgramFile } from "../program-file";

export interface ValidateData {
  file: string;
  valid: boolean;
  errors: string[];
  name?: string;
  steps?: number;
  seconds?: number;
  bytes?: number;
  crc?: string;
}

export async function run(o: ParsedOptions, _ctx: Context): Promise<ValidateData> {
  try {
    const f = readProgramFile(o.args.file);
    return {
      file: f.file, valid: true, errors: [], name: f.program.name, steps: f.program.steps.length, seconds: f.seconds,
      bytes: f.image.length, crc: f.crc.toString(16).padStart(8, "0"),
    };
  } catch (err) {
    // a file that is valid JSON but breaks the rules: list every problem; anything else is an error
    if (err instanceof ProgramFileError && err.errors.length) return { file: o.args.file, valid: false, errors: err.errors };
    throw err;
  }
}

export function text(d: ValidateData): string {
  if (d.valid) return `${d.file}: "${d.name}" is valid: ${d.steps} steps, ${minutes(d.seconds!)}, ${d.bytes} bytes on the device`;
  return [`${d.file}: ${d.errors.length} problem${d.errors.length === 1 ? "" : "s"}:`, ...d.errors.map((e) => `  ${e}`)].join("\n");
}

export function exitCode(d: ValidateData): number {
  return d.valid ? EXIT.ok : EXIT.input;
}
