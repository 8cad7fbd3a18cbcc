/**
 * A folder to boot the interpreter in: its ./espruino.flash holds the given Storage files, written
 * by the interpreter itself in a first interactive run (Storage.write by offset, 300 bytes a
 * command, each file then checked by its CRC-32), as espruino-tools writes them to a board.
 * Images are cached per set of files for the life of the process; every boot gets its own copy, so
 * what one scenario writes to flash never reaches another.
 */
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { crc32 } from "../../../shared/crc";
import type { Flash } from "../board/flash";
import { EarlyExitError, EspruinoProcess, inlineLink } from "./espruino-process";

export interface FlashFile {
  name: string;
  bytes: Uint8Array;
}

/** A flash's Storage files but its boot code (a virtual device's logs, programs and cells, say): what the interpreter boots with. */
export function dataFiles(flash: Flash): FlashFile[] {
  return flash.list().filter((name) => !name.startsWith(".boot")).map((name) => ({ name, bytes: flash.readBytes(name)! }));
}

/** Bytes of a file per command line (400 characters of base64: the line stays under COMMAND_MAX). */
const CHUNK = 300;
export const FLASH_FILE = "espruino.flash";

let cacheRoot: string | undefined;
const images = new Map<string, Promise<string>>();

/** Every temporary folder of this process goes when it exits. */
function scratch(): string {
  if (!cacheRoot) {
    cacheRoot = mkdtempSync(path.join(tmpdir(), "massager-espruino-"));
    const root = cacheRoot;
    process.once("exit", () => rmSync(root, { recursive: true, force: true }));
  }
  return cacheRoot;
}

/** A fresh folder whose espruino.flash holds `files` (the cached image's copy). */
export async function flashFolder(bin: string, files: FlashFile[]): Promise<string> {
  const hash = createHash("sha256");
  for (const f of files) hash.update(`${f.name}\0${f.bytes.length}\0`).update(f.bytes);
  const key = hash.digest("hex").slice(0, 16);
  let image = images.get(key);
  if (!image) {
    image = writeImage(bin, path.join(scratch(), `image-${key}`), files);
    images.set(key, image);
    image.catch(() => images.delete(key));
  }
  const src = await image;
  const dir = mkdtempSync(path.join(scratch(), "boot-"));
  copyFileSync(path.join(src, FLASH_FILE), path.join(dir, FLASH_FILE));
  return dir;
}

/** Starts the interpreter again when it dies before it links (the Linux build's console race: espruino-process.ts). */
export async function startWithRetry(start: () => Promise<EspruinoProcess>, tries = 3): Promise<EspruinoProcess> {
  for (let i = 1; ; i++) {
    try {
      return await start();
    } catch (e) {
      if (!(e instanceof EarlyExitError) || i >= tries) throw e;
    }
  }
}

async function writeImage(bin: string, dir: string, files: FlashFile[]): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const p = await startWithRetry(() => {
    if (existsSync(path.join(dir, FLASH_FILE))) rmSync(path.join(dir, FLASH_FILE));
    return EspruinoProcess.start(bin, dir, inlineLink);
  });
  const checks: string[] = [];
  p.onMarker((m) => {
    if (m.startsWith("R")) checks.push(m.slice(1));
  });
  try {
    for (const f of files) {
      const name = JSON.stringify(f.name);
      for (let o = 0; o < Math.max(1, f.bytes.length); o += CHUNK) {
        const b64 = Buffer.from(f.bytes.subarray(o, o + CHUNK)).toString("base64");
        await p.command(`require("Storage").write(${name},atob("${b64}"),${o},${f.bytes.length})`);
      }
      await p.command(`print("@@R"+E.CRC32(require("Storage").read(${name})))`);
      const want = crc32(f.bytes, 0, f.bytes.length, 0) >>> 0;
      const got = Number(checks.pop());
      if (got >>> 0 !== want) throw new Error(`writing ${f.name} into the interpreter's flash failed (CRC ${got} instead of ${want}); output:\n${p.tail()}`);
    }
    if (p.errors.length) throw new Error(`writing the interpreter's flash failed:\n${p.errors.join("\n")}`);
  } finally {
    await p.close();
  }
  return dir;
}
