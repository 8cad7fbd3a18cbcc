import { CUES, PATTERNS, REGIONS } from "../../../shared/program";
import { programFromJson } from "../../../shared/validate";
import { chooseSlot, push } from "../../device/upload";
import { MassagerError } from "../../errors";
import type { Program } from "../../../shared/program";
import type { App } from "../app";
import { byId, el, fileInput, saveFile } from "./dom";

/*
 * The program editor: a program in the JSON form `massager push` takes, edited in a form or as JSON
 * text (or loaded from a file), checked on every change by the shared validator — the same sentences,
 * naming the same fields, as `massager validate` — and pushed with the CLI's resumable upload
 * (device/upload.ts) into the slot of the same name, or the first free one.
 */
type Json = Record<string, unknown>;

/** Largest program file read (as the CLI's: the binary program is far smaller; this stops a wrong file early). */
const PROGRAM_FILE_MAX_BYTES = 64 * 1024;

const STARTER: Json = {
  name: "Evening",
  steps: [
    { region: "front", pattern: "press", duration: 60, intensity: 0.6 },
    { region: "crown", pattern: "circular", duration: 60, intensity: 0.5 },
  ],
};

export function mountEditor(app: App): void {
  const form = byId("editor-form");
  const text = byId<HTMLTextAreaElement>("editor-json");
  const problems = byId("program-errors");
  const pushButton = byId<HTMLButtonElement>("push-button");
  const out = byId("push-out");
  let model: unknown = structuredClone(STARTER);
  let program: Program | null = null;

  const check = (parseError?: string) => {
    const checked = parseError ? { program: null, errors: [parseError] } : programFromJson(model);
    const errors = checked.errors;
    program = checked.program;
    problems.replaceChildren(...errors.map((e) => el("li", { "data-field": fieldOf(e) }, e)));
    problems.hidden = errors.length === 0;
    for (const input of form.querySelectorAll<HTMLElement>("[data-field]")) {
      const why = errors.find((e) => fieldOf(e) === input.dataset.field);
      input.setAttribute("aria-invalid", why ? "true" : "false");
      input.title = why ?? "";
    }
    pushButton.disabled = !program || !app.conn;
  };
  const changed = (redraw: boolean) => {
    if (redraw) form.replaceChildren(...drawForm(model));
    text.value = JSON.stringify(model, null, 2);
    check();
  };

  form.addEventListener("submit", (e) => e.preventDefault());
  form.addEventListener("input", (e) => {
    model = readForm(form, model);
    changed((e.target as HTMLElement).dataset.redraw === "1");
  });
  form.addEventListener("click", (e) => {
    const act = (e.target as HTMLElement).dataset.act;
    if (!act) return;
    const m = asObject(model);
    const steps = Array.isArray(m.steps) ? m.steps : [];
    if (act === "add") steps.push({ region: "back", pattern: "press", duration: 60, intensity: 0.6 });
    else steps.splice(Number(act.slice(7)), 1); // "remove-N"
    model = { ...m, steps };
    changed(true);
  });
  text.addEventListener("input", () => {
    try {
      model = JSON.parse(text.value);
    } catch (err) {
      return check(`program: is not JSON (${(err as Error).message.split("\n")[0]}); a program is a JSON object with a name and steps`);
    }
    form.replaceChildren(...drawForm(model));
    check();
  });
  byId("editor-files").append(
    el("label", { class: "button" }, "Load a JSON file…", fileInput("program-file", ".json,application/json", (body, name, size) => {
      if (size > PROGRAM_FILE_MAX_BYTES)
        return check(`${name}: ${size} bytes is too large for a program file (the limit is ${PROGRAM_FILE_MAX_BYTES / 1024} KB); check that this is the program you meant`);
      try {
        model = JSON.parse(body);
      } catch (err) {
        return check(`${name}: is not JSON (${(err as Error).message.split("\n")[0]}); a program is a JSON object with a name and steps`);
      }
      changed(true);
    })),
    el("button", { type: "button", id: "save-program" }, "Save as JSON"),
  );
  byId("save-program").addEventListener("click", () =>
    saveFile(`${String(asObject(model).name || "program").replace(/[^\w.-]+/g, "-")}.json`, "application/json", text.value + "\n"),
  );

  pushButton.addEventListener("click", () =>
    app.act(pushButton, out, "Uploading…", async () => {
      const c = app.owned();
      if (!program) throw new MassagerError("the program has errors (listed above); fix them first");
      const slot = chooseSlot((await c.client.programs()).entries, program.name);
      const r = await push(c.client, program, { slot, onProgress: (p) => (out.textContent = `Uploading… ${p.sent} of ${p.total} bytes`) });
      app.emit("programs");
      return (
        `“${r.name}” (${Math.round(r.seconds / 6) / 10} min, ${r.bytes} bytes) is in slot ${r.slot}` +
        (r.selected ? " and selected: a button press starts it" : "") +
        (r.resumedFrom > 0 ? ` (resumed at byte ${r.resumedFrom})` : "") + "."
      );
    }),
  );
  app.on("link", () => (pushButton.disabled = !program || !app.conn));
  changed(true);
}

/** The field a validator sentence names ("steps[2].intensity: …" → "steps[2].intensity"; curve levels → the curve). */
function fieldOf(sentence: string): string {
  const m = /^(name|steps\[\d+\](?:\.\w+)?)/.exec(sentence);
  return m ? m[1] : "program";
}

function asObject(v: unknown): Json {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : {};
}

const options = (names: string[], current: unknown, blank?: string) => [
  ...(blank !== undefined ? [el("option", { value: "", selected: current === undefined }, blank)] : []),
  ...names.map((n) => el("option", { value: n, selected: n === current }, n)),
];

/** The form for a program in JSON form: its name, and one fieldset per step. */
function drawForm(model: unknown): HTMLElement[] {
  const m = asObject(model);
  const steps = Array.isArray(m.steps) ? m.steps : [];
  const field = (label: string, control: HTMLElement) => el("label", {}, el("span", {}, label), control);
  const value = (v: unknown) => (v === undefined ? "" : String(v));
  return [
    field("Name", el("input", { type: "text", id: "program-name", "data-field": "name", value: value(m.name), maxlength: 40 })),
    ...steps.map((raw, i) => {
      const s = asObject(raw);
      const f = (k: string) => `steps[${i}].${k}`;
      const custom = s.pattern === "custom";
      return el(
        "fieldset", { class: "step", "data-step": i },
        el("legend", {}, `Step ${i + 1}`),
        field("Region", el("select", { "data-field": f("region"), "data-key": "region" }, ...options(REGIONS, s.region))),
        field("Pattern", el("select", { "data-field": f("pattern"), "data-key": "pattern", "data-redraw": "1" }, ...options(PATTERNS, s.pattern))),
        field("Seconds", el("input", { type: "number", "data-field": f("duration"), "data-key": "duration", value: value(s.duration), min: 0, step: 1 })),
        field("Intensity (0–1)", el("input", { type: "number", "data-field": f("intensity"), "data-key": "intensity", value: value(s.intensity), min: 0, step: 0.05 })),
        field("Cue", el("select", { "data-field": f("cue"), "data-key": "cue" }, ...options(CUES, s.cue, "default"))),
        custom && field("Curve (levels 0–1)", el("input", { type: "text", "data-field": f("curve"), "data-key": "curve", value: Array.isArray(s.curve) ? s.curve.join(", ") : value(s.curve) })),
        custom && field("Curve step (ms)", el("input", { type: "number", "data-field": f("curveStepMs"), "data-key": "curveStepMs", value: value(s.curveStepMs), step: 10 })),
        el("button", { type: "button", class: "remove", "data-act": `remove-${i}` }, "Remove step"),
      );
    }),
    el("button", { type: "button", id: "add-step", "data-act": "add" }, "Add a step"),
  ];
}

/** The model with the form's values: numbers where the field holds one, the text where it does not (the validator names it). */
function readForm(form: HTMLElement, model: unknown): Json {
  const m = { ...asObject(model) };
  m.name = form.querySelector<HTMLInputElement>("#program-name")?.value ?? m.name;
  const old = Array.isArray(m.steps) ? m.steps : [];
  m.steps = [...form.querySelectorAll<HTMLFieldSetElement>("fieldset.step")].map((set, i) => {
    const s: Json = { ...asObject(old[i]) };
    for (const c of set.querySelectorAll<HTMLInputElement | HTMLSelectElement>("[data-key]")) {
      const k = c.dataset.key!;
      const v = c.value.trim();
      if (v === "") delete s[k];
      else if (k === "curve") {
        const levels = v.split(/[\s,]+/).filter(Boolean).map(Number);
        s[k] = levels.some((x) => Number.isNaN(x)) ? v : levels;
      } else s[k] = c instanceof HTMLInputElement && c.type === "number" ? Number(v) : v;
    }
    if (s.pattern !== "custom") {
      // the fields only a custom pattern has go with it
      delete s.curve;
      delete s.curveStepMs;
    }
    return s;
  });
  return m;
}
