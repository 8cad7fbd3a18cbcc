/**
 * The companion against the real interpreter, through the seam it uses for the virtual device
 * (a SimBackend under noble's own classes, companion/sim/interpreter/backend.ts): `massager push`
 * and `massager sync` run in-process as a person runs them, the firmware on the interpreter's own
 * timers in real time.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { main } from "../../companion/cli/main";
import { openHistory } from "../../companion/history/db";
import { InterpreterBackend } from "../../companion/sim/interpreter/backend";
import { SLOT_BASE } from "../../shared/codes";
import { dataFiles } from "../../companion/sim/interpreter/flash-image";
import { actOnTwin, bootInterpreter, bootTwin, describeInterpreter, shortSessions } from "../helpers/interpreter";

const PROGRAM = {
  name: "Evening",
  steps: [
    { region: "front", pattern: "press", duration: 60, intensity: 0.6 },
    { region: "crown", pattern: "custom", duration: 90, intensity: 0.5, curve: [0.2, 0.6, 1.0, 0.6], curveStepMs: 250 },
  ],
};

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describeInterpreter("the companion against the real interpreter", () => {
  it("`massager push` uploads and selects a program, and `massager sync` stores every session once", async () => {
    const twin = await bootTwin();
    actOnTwin(twin, shortSessions(20));
    const dev = await bootInterpreter({ clock: "real", files: dataFiles(twin.flash) });

    const data = (dir = mkdtempSync(join(tmpdir(), "massager-interp-")));
    const cli = async (...argv: string[]) => {
      let stdout = "";
      let stderr = "";
      const code = await main([...argv, "--device", "sim", "--data-dir", data], {
        stdout: { write: (s: string) => (stdout += s), isTTY: false },
        stderr: { write: (s: string) => (stderr += s), isTTY: false },
        env: {},
        simBackend: async () => new InterpreterBackend(dev, { keepDevice: true }),
      });
      return { code, stdout, stderr };
    };

    const file = join(data, "evening.json");
    writeFileSync(file, JSON.stringify(PROGRAM));
    const push = await cli("push", file, "--json");
    expect(push.stderr).toBe("");
    expect(push.code).toBe(0);
    expect(JSON.parse(push.stdout)).toMatchObject({ slot: 0, id: SLOT_BASE, name: "Evening", seconds: 150, selected: true });

    const sync = await cli("sync", "--json");
    expect(sync.stderr).toBe("");
    expect(sync.code).toBe(0);
    expect(JSON.parse(sync.stdout)).toMatchObject({ received: 20, stored: 20, held: 0 });
    const again = await cli("sync", "--json");
    expect(JSON.parse(again.stdout)).toMatchObject({ received: 0, stored: 0, held: 0 });
    const h = openHistory(join(data, "history.sqlite"));
    try {
      expect(h.sessions()).toHaveLength(20);
    } finally {
      h.close();
    }
    expect(dev.errors).toEqual([]);
  });
});
