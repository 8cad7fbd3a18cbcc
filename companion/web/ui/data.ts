import { MassagerError } from "../../errors";
import { toCsv } from "../../export/csv";
import { toJson } from "../../export/json";
import { rowsFromJsonExport } from "../../export/read";
import type { App } from "../app";
import { byId, el, fileInput, localDate, saveFile } from "./dom";

/*
 * Export and import: this browser's history as the CLI's export files (the same columns and bytes,
 * export/csv.ts and export/json.ts), and a CLI export (`massager export --json`) taken in, so both
 * histories can meet: each session once, a log this browser knows joining its device.
 */
export function mountData(app: App): void {
  const out = byId("data-out");
  const save = (kind: "csv" | "json") => async () => {
    const rows = await app.history.sessions();
    if (!rows.length) throw new MassagerError("there are no sessions to export yet: connect and press “Sync”, or import a CLI export");
    saveFile(`massager-sessions-${localDate()}.${kind}`, kind === "csv" ? "text/csv" : "application/json", kind === "csv" ? toCsv(rows) : toJson(rows));
    return `Saved ${rows.length} session${rows.length === 1 ? "" : "s"} as ${kind.toUpperCase()}.`;
  };
  for (const kind of ["csv", "json"] as const) {
    const b = byId<HTMLButtonElement>(`export-${kind}`);
    b.addEventListener("click", () => app.act(b, out, "Exporting…", save(kind)));
  }
  byId("import").append(
    el("label", { class: "button" }, "Import a CLI export (JSON)…", fileInput("import-file", ".json,application/json", (text, name) =>
      void app.act(null, out, "Importing…", async () => {
        const rows = rowsFromJsonExport(text, name);
        const r = await app.history.importRows(rows);
        app.emit("history");
        return `${name}: ${r.stored} session${r.stored === 1 ? "" : "s"} imported` +
          (r.duplicates ? `, ${r.duplicates} already here` : "") +
          (r.joined ? `; ${r.joined} joined a massager this browser syncs (the same log)` : "") + ".";
      }),
    )),
  );
}
