import { boardByCode } from "../../../shared/boards";
import { BATTERY_NAMES, Battery } from "../../../shared/codes";
import { INFO_CLOCK_SET, INFO_OWNER, INFO_PROTECTED, type Info } from "../../../shared/messages";
import type { App } from "../app";
import { byId, el } from "./dom";

/*
 * The header's Connect button and the device panel: name, firmware, battery, clock and the sessions
 * waiting for a sync, from the connection's INFO (what only owners learn is left out for others).
 */
export function mountDevice(app: App): void {
  const connect = byId<HTMLButtonElement>("connect");
  const disconnect = byId<HTMLButtonElement>("disconnect");
  const state = byId("link-state");
  const out = byId("connect-out");
  const facts = byId("device-facts");

  connect.addEventListener("click", () =>
    app.act(connect, out, "Choose the massager in the browser's list…", async () => {
      if (!(await app.connect())) return "No massager was chosen.";
      return "";
    }),
  );

  disconnect.addEventListener("click", () => app.act(disconnect, out, "Disconnecting…", () => app.disconnect()));

  app.on("link", () => {
    const c = app.conn;
    disconnect.hidden = !c;
    state.textContent = !c ? "not connected" : c.link.isConnected ? `connected to ${c.link.name}` : `${c.link.name}: link lost (the next action reconnects)`;
    state.className = c?.link.isConnected ? "state on" : "state off";
    facts.replaceChildren(...(c?.link.info ? rows(c.link.name, c.link.info, c.link.payload) : [el("p", {}, "Connect to see the massager.")]));
  });
}

function rows(name: string, i: Info, payload: number): HTMLElement[] {
  const open = !(i.flags & INFO_PROTECTED) || !!(i.flags & INFO_OWNER);
  const battery = i.battery === 255 ? "unknown" : `${i.battery}%`;
  const state = BATTERY_NAMES[i.batteryState] ?? `state ${i.batteryState}`;
  const list: [string, string, string][] = [
    ["name", "Name", name],
    ["firmware", "Firmware", `${i.firmware} (protocol ${i.proto}) on ${boardByCode(i.board)?.name ?? `board ${i.board}`}`],
    ["battery", "Battery", i.batteryState === Battery.Ok ? battery : `${battery}, ${state}: charge it${i.batteryState === Battery.Critical ? " (no session starts)" : " soon"}`],
  ];
  if (open) {
    list.push(
      ["clock", "Clock", i.flags & INFO_CLOCK_SET ? new Date(i.time * 1000).toLocaleString() : "not set (Sync sets it)"],
      ["held", "Sessions waiting", `${i.held} to sync (newest #${i.newest}, acknowledged up to #${i.acked})` + (i.unlogged ? `; ${i.unlogged} not logged: its flash was full` : "")],
    );
  } else {
    list.push(["held", "Sessions waiting", "only its owners can see (see “Who may use it”)"]);
  }
  list.push(["link", "Link", `${payload}-byte packets`]);
  return [el("dl", {}, ...list.flatMap(([k, dt, dd]) => [el("dt", {}, dt), el("dd", { "data-fact": k }, dd)]))];
}
