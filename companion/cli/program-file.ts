import { readFileSync, statSync } from "node:fs";
import { crc32 } from "../../shared/crc";
import { type Program, encodeProgram, totalSeconds } from "../../shared/program";
import { programFromJson } from "../../shared/validate";
import { ProgramFileError } from "../errors";

/** Largest program file read (the binary program is far smaller; this stops a wrong file early). */
const PROGRAM_FILE_MAX_BYTES = 64 * 1024;

export interface ProgramFile {
  file: string;
  program: Program;
  image: Uint8Array;
  crc: number;
  seconds: number;
}

/**
 * Reads, parses and validates a program file with the shared validator, before anything is sent.
 * Every failure is one line naming the file and the field: `p.json: steps[2].intensity: 1.4 is above the limit 1.0`.
 */
export function readProgramFile(file: string): ProgramFile {
  let text: string;
  try {
    const size = statSync(file).size;
    if (size > PROGRAM_FILE_MAX_BYTES)
      throw new ProgramFileError(`${file}: ${size} bytes is too large for a program file (the limit is ${PROGRAM_FILE_MAX_BYTES / 1024} KB); check that this is the program you meant`);
    text = readFileSync(file, "utf8");
  } catch (err) {
    if (err instanceof ProgramFileError) throw err;
    const code = (err as { code?: string }).code;
    if (code === "ENOENT") throw new ProgramFileError(`${file}: no such file; check the path`);
    if (code === "EISDIR") throw new ProgramFileError(`${file}: is a folder, not a program file`);
    throw new ProgramFileError(`${file}: cannot be read (${code ?? (err as Error).message}); check its permissions`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ProgramFileError(`${file}: is not JSON (${(err as Error).message.split("\n")[0]}); a program is a JSON object with a name and steps`);
  }
  const { program, errors } = programFromJson(json);
  if (!program || errors.length) {
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more; run \`massager validate ${file}\` to see all)` : "";
    throw new ProgramFileError(`${file}: ${errors[0]}${more}`, errors);
  }
  const image = encodeProgram(program);
  return { file, program, image, crc: crc32(image, 0, image.length, 0), seconds: totalSeconds(program) };
}
