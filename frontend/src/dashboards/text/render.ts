// Text summaries as safe DOM: Markdown by markdown-it with raw HTML off (so `<script>` or
// `<img onerror>` in a summary is shown as text), then a second line of defence over the
// parsed result: only the elements and attributes markdown-it itself produces are kept,
// and links and images only with safe URLs (http, https, mailto, relative; images also
// inline PNG/GIF/JPEG/WebP). The HTML is parsed in an inert <template>, so nothing in it
// runs or loads before it is checked.
//
// Hooks: text-markdown (a rendered text), text-table (a table; cells text-cell with
// data-row / data-col), text-note (the "2-D slice" and "rows cut" notes).

import { h } from "../../core/dom";
import type { TextContent } from "./api";

/** What render needs of markdown-it. */
export interface MarkdownRenderer {
  render(source: string): string;
}

const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  a: ["href", "title"],
  img: ["src", "alt", "title"],
  ol: ["start"],
  code: ["class"],
  th: ["style"],
  td: ["style"],
  ...Object.fromEntries(
    ["p", "h1", "h2", "h3", "h4", "h5", "h6", "em", "strong", "s", "del", "pre", "blockquote", "ul", "li", "hr", "br"]
      .concat(["table", "thead", "tbody", "tr", "sup", "sub"])
      .map((tag) => [tag, [] as string[]]),
  ),
};
const SAFE_LINK = /^(https?:|mailto:)/i;
const SAFE_IMAGE = /^(https?:|data:image\/(png|gif|jpeg|webp);)/i;
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const ALIGN = /^text-align:\s*(left|right|center)$/;

/** Whether `url` may be a link (`image`: an image source): safe schemes or relative. */
export function isSafeUrl(url: string, image = false): boolean {
  // Browsers ignore control characters and spaces in schemes ("java\tscript:"): so do we.
  const compact = url.replace(/[\u0000-\u0020\u007f]/g, "");
  if (!HAS_SCHEME.test(compact)) return !(image && compact.startsWith("//")); // relative
  return (image ? SAFE_IMAGE : SAFE_LINK).test(compact);
}

function cleanAttributes(el: Element, allowed: readonly string[]): void {
  for (const attr of [...el.attributes]) {
    const name = attr.name.toLowerCase();
    const ok =
      allowed.includes(name) &&
      (name === "href" ? isSafeUrl(attr.value) : name === "src" ? isSafeUrl(attr.value, true) : true) &&
      (name !== "style" || ALIGN.test(attr.value.trim()));
    if (!ok) el.removeAttribute(attr.name);
  }
  if (el.tagName === "A" && el.hasAttribute("href")) {
    el.setAttribute("target", "_blank");
    el.setAttribute("rel", "noopener noreferrer nofollow");
  }
}

/** Removes every element and attribute not on the allow-list (element text is kept). */
export function sanitize(root: DocumentFragment | Element): void {
  for (const el of [...root.querySelectorAll("*")]) {
    const allowed = ALLOWED[el.tagName.toLowerCase()];
    if (allowed === undefined) {
      // Unknown elements go with their content when it could run or load (script, style,
      // iframe...); anything else is replaced by its text.
      const inert = ["SCRIPT", "STYLE", "IFRAME", "OBJECT", "EMBED", "TEMPLATE", "NOSCRIPT", "SVG", "MATH"];
      if (inert.includes(el.tagName.toUpperCase())) el.remove();
      else el.replaceWith(el.ownerDocument.createTextNode(el.textContent ?? ""));
      continue;
    }
    cleanAttributes(el, allowed);
  }
}

/** `source` rendered as Markdown into safe, inert-until-attached DOM. */
export function renderMarkdown(md: MarkdownRenderer, source: string, doc: Document = document): DocumentFragment {
  const template = doc.createElement("template");
  template.innerHTML = md.render(source);
  sanitize(template.content);
  return doc.importNode(template.content, true);
}

function note(text: string): HTMLElement {
  return h("p", { class: "tb-text-note", "data-testid": "text-note" }, text);
}

function renderTable(md: MarkdownRenderer, rows: readonly (readonly string[])[]): HTMLTableElement {
  const body = h("tbody");
  rows.forEach((row, r) => {
    const tr = h("tr");
    row.forEach((cell, c) => {
      const td = h("td", { class: "tb-markdown", "data-testid": "text-cell", "data-row": r, "data-col": c });
      td.append(renderMarkdown(md, cell));
      tr.append(td);
    });
    body.append(tr);
  });
  return h("table", { class: "tb-text-table", "data-testid": "text-table" }, body);
}

/** One step's content: its Markdown, or its table of Markdown cells with notes. */
export function renderContent(md: MarkdownRenderer, content: TextContent): HTMLElement {
  const root = h("div", { class: "tb-text-content" });
  if (content.markdown !== null || content.table === null) {
    const text = h("div", { class: "tb-markdown", "data-testid": "text-markdown" });
    text.append(renderMarkdown(md, content.markdown ?? ""));
    root.append(text);
    return root;
  }
  if (content.sliced) {
    const shape = content.shape.join("×");
    root.append(note(`This text summary has ${content.shape.length} dimensions (${shape}); showing its 2-D slice [0, …, 0, :, :].`));
  }
  root.append(renderTable(md, content.table));
  if (content.totalRows > content.table.length) {
    root.append(note(`Showing the first ${content.table.length} of ${content.totalRows} rows.`));
  }
  return root;
}
