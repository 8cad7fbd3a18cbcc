import { BATTERY_NAMES, Battery, END_NAMES, NO_END, SLOT_BASE, STATE_NAMES, State } from "../../../shared/codes";
import type { ProgramEntry, SessionStatus } from "../../../shared/messages";
import { PRESET_COUNT, PRESET_NAMES } from "../../../shared/presets";
import { REGIONS } from "../../../shared/program";
import type { App } from "../app";
import { byId, el } from "./dom";

/*
 * The massager's programs and its session: select one, start, pause, resume, stop, delete a custom
 * one; the session's state follows the device's EVT_STATUS events.
 */
export function mountControl(app: App): void {
  const list = byId("programs");
  const out = byId("control-out");
  const status = byId("session-status");
  let entries: ProgramEntry[] = [];
  let selected = -1;
  let unsubscribe: (() => void) | null = null;

  const show = (s: SessionStatus) => {
    status.dataset.state = STATE_NAMES[s.state] ?? String(s.state);
    status.textContent = describe(s, entries);
  };
  const refresh = async () => {
    const c = app.owned();
    const r = await c.client.programs();
    entries = r.entries;
    selected = r.selected;
    list.replaceChildren(
      ...entries.map((e) =>
        el("li", {},
          el("label", {},
            el("input", { type: "radio", name: "program", value: e.id, checked: e.id === selected, "data-program": e.name }),
            ` ${e.name} `, el("small", {}, `${Math.round(e.seconds / 6) / 10} min · ${e.id >= SLOT_BASE ? `slot ${e.id - SLOT_BASE}` : "preset"}`)),
          e.id >= SLOT_BASE ? el("button", { type: "button", class: "delete", "data-delete": e.id - SLOT_BASE }, "Delete") : null),
      ),
    );
    show(await c.client.status());
  };

  app.on("programs", () => {
    unsubscribe?.();
    unsubscribe = null;
    const c = app.conn;
    if (!c || c.link.ownerRefused) {
      list.replaceChildren();
      status.textContent = c ? "Only the massager's owners can see its programs." : "Connect to see the massager's programs.";
      return;
    }
    unsubscribe = c.client.onStatus(show);
    void app.act(null, out, "Reading the programs…", async () => void (await refresh()));
  });

  list.addEventListener("change", (e) => {
    const id = Number((e.target as HTMLInputElement).value);
    void app.act(null, out, "Selecting…", async () => {
      await app.owned().client.selectProgram(id);
      await refresh();
      return `${programName(id, entries)} is selected: a button press starts it.`;
    });
  });
  list.addEventListener("click", (e) => {
    const slot = (e.target as HTMLElement).dataset.delete;
    if (slot === undefined) return;
    void app.act(e.target as HTMLButtonElement, out, "Deleting…", async () => {
      await app.owned().client.deleteProgram(Number(slot));
      await refresh();
      return `Slot ${slot} is empty now.`;
    });
  });

  const actions: [string, string, (app: App) => Promise<void>][] = [
    ["start-button", "Starting…", (a) => a.owned().client.start()],
    ["pause-button", "Pausing…", (a) => a.owned().client.pause()],
    ["resume-button", "Resuming…", (a) => a.owned().client.resume()],
    ["stop-button", "Stopping…", (a) => a.owned().client.stop()],
  ];
  for (const [id, busy, run] of actions) {
    const b = byId<HTMLButtonElement>(id);
    b.addEventListener("click", () =>
      app.act(b, out, busy, async () => {
        await run(app);
        show(await app.owned().client.status());
      }),
    );
  }
}

function programName(id: number, entries: ProgramEntry[]): string {
  return entries.find((e) => e.id === id)?.name ?? (id < PRESET_COUNT ? PRESET_NAMES[id] : `custom slot ${id - SLOT_BASE}`);
}

const clock = (s: number) => `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;

/** One line for the session's state, as `massager status` says it. */
function describe(s: SessionStatus, entries: ProgramEntry[]): string {
  const battery = s.batteryState === Battery.Ok ? "" : ` · battery ${s.battery}%, ${BATTERY_NAMES[s.batteryState]}: charge it`;
  const state = STATE_NAMES[s.state] ?? `state ${s.state}`;
  if (s.state === State.Idle) return `Idle: a button press starts ${programName(s.selected, entries)}.${battery}`;
  const name = programName(s.program, entries);
  if (s.state === State.Finished || s.state === State.Stopped) {
    const why = s.lastEnd === NO_END ? "" : ` (${END_NAMES[s.lastEnd] ?? `end ${s.lastEnd}`})`;
    return `${state[0].toUpperCase()}${state.slice(1)}: ${name}, ${clock(s.elapsed)} of ${clock(s.planned)}${why}.${battery}`;
  }
  return `${state[0].toUpperCase()}${state.slice(1)}: ${name}, step ${s.step + 1}, ${REGIONS[s.region] ?? "?"}, ${clock(s.elapsed)} of ${clock(s.planned)}, motor at ${s.level}%.${battery}`;
}
