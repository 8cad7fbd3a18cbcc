import { ProgramFileError } from "../../errors";
import type { ParsedOptions } from "../commands";
import type { Context } from "../context";
import { minutes } from "../format";
import { readProgramFile } from "../program-file";
import { plural } from "../../words";

/*
 * `massager validate FILE`: a valid file's summary on stdout; anything wrong with it, whether the file
 * itself (missing, not JSON…) or the rules it breaks, on stderr with exit 4, each problem a sentence
 * naming its field (with --json: the error object, `errors` listing them all).
 */
export interface ValidateData {
  file: string;
  valid: true;
  name: string;
  steps: number;
  seconds: number;
  bytes: number;
  crc: string;
}

export async function run(o: ParsedOptions, _ctx: Context): Promise<ValidateData> {
  let f;
  try {
    f = readProgramFile(o.args.file);
  } catch (err) {
    if (err instanceof ProgramFileError && err.errors.length > 1)
      throw new ProgramFileError(`${o.args.file}: ${err.errors.length} problems:`, err.errors, true);
    throw err;
  }
  return {
    file: f.file, valid: true, name: f.program.name, steps: f.program.steps.length, seconds: f.seconds,
    bytes: f.image.length, crc: f.crc.toString(16).padStart(8, "0"),
  };
}

export function text(d: ValidateData): string {
  return `${d.file}: "${d.name}" is valid: ${plural(d.steps, "step")}, ${minutes(d.seconds)}, ${d.bytes} bytes on the device`;
}
