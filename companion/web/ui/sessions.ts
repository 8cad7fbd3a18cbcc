import { sync, type SyncSummary } from "../../device/sync";
import { toRecord } from "../../export/columns";
import { historyLines } from "../../report/history";
import type { App } from "../app";
import { byId, el } from "./dom";

/*
 * Sync and the sessions list: the CLI's sync engine (device/sync.ts) into the page's IndexedDB
 * history — every record once, acknowledged only after it is stored, what arrived before a lost
 * link kept and the rest read on the next Sync — and the last sessions as `massager history` lists
 * them.
 */
const SHOWN = 12;

export function mountSessions(app: App): void {
  const button = byId<HTMLButtonElement>("sync-button");
  const out = byId("sync-out");
  const bar = byId<HTMLProgressElement>("sync-progress");
  const list = byId("history");

  button.addEventListener("click", () =>
    app.act(button, out, "Syncing…", async () => {
      const c = app.owned();
      const deviceId = await app.historyId(c);
      bar.hidden = false;
      try {
        const s = await sync(c.client, app.history, {
          deviceId,
          onProgress: (p) => {
            bar.max = Math.max(1, p.total);
            bar.value = p.received;
          },
        });
        await c.client.info(); // what the massager holds now, for the device panel
        return summary(c.link.name, s);
      } finally {
        bar.hidden = true;
        app.emit("history"); // what a failed sync stored is history too
      }
    }),
  );

  const show = async () => {
    const rows = await app.history.sessions();
    const lines = historyLines(rows.slice(-SHOWN).map(toRecord));
    list.replaceChildren(
      el("p", { id: "history-count" }, rows.length ? `${rows.length} session${rows.length === 1 ? "" : "s"} in this browser's history${rows.length > SHOWN ? `; the last ${SHOWN}:` : ":"}` : "No sessions in this browser's history yet."),
      ...(lines.length ? [el("pre", {}, lines.join("\n"))] : []),
    );
  };
  app.on("history", () => void show());
}

function summary(name: string, s: SyncSummary): string {
  const n = (k: number, one: string, many = one + "s") => `${k} ${k === 1 ? one : many}`;
  const parts = [
    `${name}: ${n(s.stored, "new session")} stored` +
      (s.duplicates ? ` (${s.duplicates} already here)` : "") +
      (s.acked ? `; acknowledged up to #${s.acked}, the massager holds ${s.held}.` : "."),
  ];
  if (s.retries || s.gaps) parts.push(`The link needed ${n(s.retries, "retry", "retries")} and ${n(s.gaps, "read")} asked again.`);
  if (s.endedForBattery) parts.push(`${n(s.endedForBattery, "session")} ended early because the battery ran low: charge the massager.`);
  if (s.unlogged) parts.push(`The massager could not log ${n(s.unlogged, "session")} (its flash was full): sync more often.`);
  return parts.join(" ");
}
