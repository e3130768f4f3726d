// Draws a GraphLayout as SVG: expanded groups as framed areas with a title bar, collapsed
// groups and nodes as boxes, meta-edges as arrowed paths with their shape labels.
//
// Hooks: graph-group (data-id, data-name, data-label, data-expanded 0|1), graph-node
// (data-id, data-name, data-op), graph-edge (data-from, data-to, data-label, data-count);
// data-selected="1" on the selected box.

import type { GraphData } from "./api";
import type { GraphLayout, LayoutBox, LayoutEdge, Point } from "./layout";
import { HEADER } from "./layout";

const SVG_NS = "http://www.w3.org/2000/svg";
const CHAR = 7;
const SMALL_CHAR = 6;

type SvgAttrs = Record<string, string | number>;

export function svgEl<K extends keyof SVGElementTagNameMap>(tag: K, attrs: SvgAttrs = {}, text?: string): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  if (text !== undefined) el.textContent = text;
  return el;
}

/** `text` cut to fit `width` pixels at `char` px a character, with an ellipsis. */
export function fitText(text: string, width: number, char: number): string {
  const max = Math.max(1, Math.floor(width / char));
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}

/** The arrowhead every edge ends with. */
export function arrowDefs(): SVGDefsElement {
  const defs = svgEl("defs");
  const marker = svgEl("marker", { id: "tbg-arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" });
  marker.append(svgEl("path", { d: "M0,0 L10,5 L0,10 z", class: "tbg-arrow" }));
  defs.append(marker);
  return defs;
}

function pathOf(points: readonly Point[]): string {
  return points.map((p, i) => `${i ? "L" : "M"}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(" ");
}

function drawExpanded(box: LayoutBox, name: string): SVGGElement {
  const g = svgEl("g", { class: "tbg-group tbg-expanded", "data-testid": "graph-group", "data-id": box.id, "data-name": name, "data-label": box.title, "data-expanded": "1" });
  g.append(
    svgEl("rect", { class: "tbg-frame", x: box.x, y: box.y, width: box.width, height: box.height, rx: 8 }),
    svgEl("rect", { class: "tbg-header", "data-role": "toggle", x: box.x, y: box.y, width: box.width, height: HEADER, rx: 8 }),
    svgEl("text", { class: "tbg-toggle", x: box.x + 10, y: box.y + 18 }, "−"),
    svgEl("text", { class: "tbg-title", x: box.x + 26, y: box.y + 18 }, fitText(`${box.title}  ·  ${box.subtitle}`, box.width - 34, CHAR)),
  );
  const title = svgEl("title", {}, `${name}\nClick the title bar to collapse`);
  g.append(title);
  return g;
}

function drawBox(box: LayoutBox, data: GraphData): SVGGElement {
  const group = box.kind === "group";
  const node = group ? null : data.nodes[box.index];
  const name = group ? (data.groups[box.index]?.name ?? "") : (node?.name ?? "");
  const attrs: SvgAttrs = group
    ? { class: "tbg-group tbg-collapsed", "data-testid": "graph-group", "data-id": box.id, "data-name": name, "data-label": box.title, "data-expanded": "0" }
    : { class: `tbg-node${node?.op === "IO Node" ? " tbg-io" : ""}`, "data-testid": "graph-node", "data-id": box.id, "data-name": name, "data-op": node?.op ?? "" };
  const g = svgEl("g", attrs);
  const textWidth = box.width - (group ? 36 : 16);
  const left = box.x + (group ? 28 : 8);
  g.append(svgEl("rect", { class: "tbg-box", x: box.x, y: box.y, width: box.width, height: box.height, rx: group ? 8 : box.height / 2 }));
  if (group) {
    g.append(svgEl("rect", { class: "tbg-stack", x: box.x + 3, y: box.y + box.height, width: box.width - 6, height: 3, rx: 1 }));
    g.append(svgEl("text", { class: "tbg-toggle", x: box.x + 10, y: box.y + box.height / 2 + 5 }, "+"));
  }
  const cx = group ? left : box.x + box.width / 2;
  const anchor = group ? "start" : "middle";
  const twoLines = box.subtitle !== "";
  g.append(svgEl("text", { class: "tbg-label", x: cx, y: box.y + (twoLines ? box.height / 2 - 2 : box.height / 2 + 4), "text-anchor": anchor }, fitText(box.title, textWidth, CHAR)));
  if (twoLines) g.append(svgEl("text", { class: "tbg-sublabel", x: cx, y: box.y + box.height / 2 + 12, "text-anchor": anchor }, fitText(box.subtitle, textWidth, SMALL_CHAR)));
  const shape = node?.shape ? `\nshape ${node.shape}` : "";
  g.append(svgEl("title", {}, group ? `${name}\n${box.subtitle} inside: click to expand` : `${name}\n${node?.op ?? ""}${shape}`));
  return g;
}

function drawEdge(edge: LayoutEdge): SVGElement[] {
  if (edge.points.length < 2) return [];
  const attrs = { class: "tbg-edge", "data-testid": "graph-edge", "data-from": edge.from, "data-to": edge.to, "data-label": edge.label, "data-count": edge.count };
  const path = svgEl("path", { ...attrs, d: pathOf(edge.points), "marker-end": "url(#tbg-arrow)", "stroke-width": Math.min(4, 1.2 + Math.log2(edge.count) * 0.6) });
  if (!edge.label || !edge.labelAt) return [path];
  const label = svgEl("text", { class: "tbg-edge-label", x: edge.labelAt.x, y: edge.labelAt.y + 4, "text-anchor": "middle" }, edge.label);
  return [path, label];
}

/** Replaces the layer's content with the layout. Returns the box elements by id. */
export function renderLayout(layer: SVGGElement, layout: GraphLayout, data: GraphData): Map<string, SVGGElement> {
  const frames = svgEl("g", { class: "tbg-frames" });
  const edges = svgEl("g", { class: "tbg-edges" });
  const boxes = svgEl("g", { class: "tbg-boxes" });
  const byId = new Map<string, SVGGElement>();
  for (const box of layout.boxes) {
    const el = box.expanded ? drawExpanded(box, data.groups[box.index]?.name ?? "") : drawBox(box, data);
    (box.expanded ? frames : boxes).append(el);
    byId.set(box.id, el);
  }
  for (const edge of layout.edges) edges.append(...drawEdge(edge));
  layer.replaceChildren(frames, edges, boxes);
  return byId;
}
