/*
 * The few DOM helpers every panel uses: build an element, an SVG element, save a file, read one.
 */
type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined>;

function fill<E extends Element>(e: E, attrs: Attrs | undefined, children: Child[]): E {
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === null || v === undefined || v === false) continue;
    e.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) e.append(typeof c === "number" ? String(c) : c);
  return e;
}

/** `el("button", { id: "sync" }, "Sync")` */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs, ...children: Child[]): HTMLElementTagNameMap[K] {
  return fill(document.createElement(tag), attrs, children);
}

const SVG_NS = "http://www.w3.org/2000/svg";

export function svg(tag: string, attrs?: Attrs, ...children: Child[]): SVGElement {
  return fill(document.createElementNS(SVG_NS, tag) as SVGElement, attrs, children);
}

/** The element with this id (the page's skeleton has it). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`the page lacks #${id}`);
  return e as T;
}

/** Offers `text` as a file to save (the browser's download). */
export function saveFile(name: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = el("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file input that hands each chosen file's text to `take` (then clears itself, so the same file can be chosen again). */
export function fileInput(id: string, accept: string, take: (text: string, name: string, size: number) => void): HTMLInputElement {
  const input = el("input", { type: "file", id, accept });
  input.addEventListener("change", async () => {
    const f = input.files?.[0];
    if (!f) return;
    const text = await f.text();
    input.value = "";
    take(text, f.name, f.size);
  });
  return input;
}

/** Today's date as YYYY-MM-DD (local), for file names. */
export function localDate(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}
