// Parallel coordinates: one vertical axis per visible column (hyperparameters, then metrics),
// one polyline per session in its run's colour (joining the axes it has values on). Axes span every selected session, so they
// stay put while filtering; sessions filtered out are drawn faint grey behind the others.
// Dragging along an axis brushes a range: it becomes that column's filter (a min-max range,
// or the categories inside it); a click on the axis without dragging clears it.
//
// Hooks: hparams-parallel (svg), hparams-axis (data-column), hparams-brush (data-column),
// hparams-line (data-run; class tb-hp-dimmed when filtered out).

import type { Column, Session } from "./api";
import type { AxisScale, ColumnFilter, Filters } from "./model";
import { axisScale, isActive, valueKey } from "./model";

const SVG = "http://www.w3.org/2000/svg";
const HEIGHT = 380;
const TOP = 46;
const BOTTOM = 24;
const SIDE = 60;
const AXIS_HIT_WIDTH = 24;
const MIN_DRAG_PX = 3;

export interface ParallelCallbacks {
  brush(column: string, filter: ColumnFilter | null): void;
  color(run: string): string;
}

export interface ParallelDebug {
  readonly axes: readonly string[];
  /** Sessions drawn in colour (passing every filter). */
  readonly lines: number;
  /** Sessions drawn faint (filtered out). */
  readonly dimmed: number;
}

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  return el;
}

function title(text: string): SVGTitleElement {
  const t = svg("title");
  t.textContent = text;
  return t;
}

function shorten(text: string, max = 16): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The y pixel of position t (0 bottom, 1 top). */
function yOf(t: number): number {
  return TOP + (1 - t) * (HEIGHT - TOP - BOTTOM);
}

function tOf(y: number): number {
  return Math.min(1, Math.max(0, 1 - (y - TOP) / (HEIGHT - TOP - BOTTOM)));
}

/** The brush span [t0, t1] a filter covers on an axis, or null. */
function brushSpan(scale: AxisScale, filter: ColumnFilter | undefined): [number, number] | null {
  if (!filter || !isActive(filter)) return null;
  if (scale.categorical) {
    const keys = filter.values ?? scale.categories.map(valueKey);
    const ts = scale.categories.filter((v) => keys.includes(valueKey(v))).map((v) => scale.position(v) as number);
    if (ts.length === 0) return null;
    const pad = scale.categories.length > 1 ? 0.5 / (scale.categories.length - 1) : 0.5;
    return [Math.max(0, Math.min(...ts) - pad / 2), Math.min(1, Math.max(...ts) + pad / 2)];
  }
  const [lo, hi] = scale.domain;
  const low = scale.position(Math.max(filter.min ?? lo, lo)) ?? 0;
  const high = scale.position(Math.min(filter.max ?? hi, hi)) ?? 1;
  return [Math.min(low, high), Math.max(low, high)];
}

export class ParallelView {
  readonly element: HTMLElement;
  private readonly callbacks: ParallelCallbacks;
  private last: ParallelDebug = { axes: [], lines: 0, dimmed: 0 };

  constructor(callbacks: ParallelCallbacks) {
    this.callbacks = callbacks;
    this.element = document.createElement("div");
    this.element.className = "tb-hp-parallel-wrap";
  }

  get debug(): ParallelDebug {
    return this.last;
  }

  /** Draws `all` sessions on axes over `all`; those in `shown` in colour, the rest faint. */
  render(columns: readonly Column[], all: readonly Session[], shown: readonly Session[], filters: Filters): void {
    const width = Math.max(this.element.clientWidth || 900, SIDE * 2 + 80 * Math.max(1, columns.length - 1));
    const root = svg("svg", { width, height: HEIGHT, class: "tb-hp-parallel", "data-testid": "hparams-parallel" });
    const scales = columns.map((c) => axisScale(c, all));
    const step = columns.length > 1 ? (width - 2 * SIDE) / (columns.length - 1) : 0;
    const xs = columns.map((_, i) => (columns.length > 1 ? SIDE + i * step : width / 2));
    const passing = new Set(shown.map((s) => s.run));
    const dimmed = all.filter((s) => !passing.has(s.run));
    const lines = svg("g", { class: "tb-hp-lines" });
    for (const s of dimmed) lines.append(this.line(s, scales, xs, true));
    for (const s of shown) lines.append(this.line(s, scales, xs, false));
    root.append(lines);
    scales.forEach((scale, i) => root.append(this.axis(scale, xs[i] as number, filters.get(scale.column.id))));
    this.element.replaceChildren(root);
    this.last = { axes: columns.map((c) => c.id), lines: shown.length, dimmed: dimmed.length };
  }

  private line(session: Session, scales: readonly AxisScale[], xs: readonly number[], dim: boolean): SVGPathElement {
    // An axis the session has no value on (sessions may log different hparams) is skipped:
    // the line joins its neighbours, so every session stays one readable line.
    let d = "";
    scales.forEach((scale, i) => {
      const t = scale.position(session.values.get(scale.column.id));
      if (t === null) return;
      d += `${d ? "L" : "M"}${(xs[i] as number).toFixed(1)},${yOf(t).toFixed(1)}`;
    });
    const path = svg("path", {
      d: d || "M0,0",
      class: dim ? "tb-hp-line tb-hp-dimmed" : "tb-hp-line",
      "data-testid": "hparams-line",
      "data-run": session.run,
      stroke: dim ? "var(--border)" : this.callbacks.color(session.run),
    });
    path.append(title(session.run));
    return path;
  }

  private axis(scale: AxisScale, x: number, filter: ColumnFilter | undefined): SVGGElement {
    const id = scale.column.id;
    const g = svg("g", { class: "tb-hp-axis", "data-testid": "hparams-axis", "data-column": id });
    g.append(svg("line", { x1: x, x2: x, y1: yOf(0), y2: yOf(1), class: "tb-hp-axis-line" }));
    for (const tick of scale.ticks().slice(0, 12)) {
      const y = yOf(tick.t);
      g.append(svg("line", { x1: x - 3, x2: x + 3, y1: y, y2: y, class: "tb-hp-axis-line" }));
      const label = svg("text", { x: x + 6, y: y + 3, class: "tb-hp-tick" });
      label.textContent = shorten(tick.label, 10);
      g.append(label);
    }
    const name = svg("text", { x, y: TOP - 24, "text-anchor": "middle", class: `tb-hp-axis-name tb-hp-kind-${scale.column.kind}` });
    name.textContent = shorten(scale.column.label) + (scale.log ? " (log)" : "");
    name.append(title(scale.column.label));
    g.append(name);
    const span = brushSpan(scale, filter);
    if (span) {
      const [t0, t1] = span;
      g.append(svg("rect", { x: x - 8, width: 16, y: yOf(t1), height: Math.max(2, yOf(t0) - yOf(t1)), class: "tb-hp-brush", "data-testid": "hparams-brush", "data-column": id }));
    }
    const hit = svg("rect", { x: x - AXIS_HIT_WIDTH / 2, width: AXIS_HIT_WIDTH, y: yOf(1) - 6, height: yOf(0) - yOf(1) + 12, class: "tb-hp-axis-hit" });
    hit.append(title(`Drag along ${scale.column.label} to filter; click to clear`));
    this.brushable(hit, g, scale, x);
    g.append(hit);
    return g;
  }

  private brushable(hit: SVGRectElement, g: SVGGElement, scale: AxisScale, x: number): void {
    hit.addEventListener("pointerdown", (down: PointerEvent) => {
      down.preventDefault();
      const box = (hit.ownerSVGElement as SVGSVGElement).getBoundingClientRect();
      const y0 = down.clientY - box.top;
      const preview = svg("rect", { x: x - 8, width: 16, y: y0, height: 0, class: "tb-hp-brush tb-hp-brushing" });
      g.insertBefore(preview, hit);
      const move = (e: PointerEvent): void => {
        const y = e.clientY - box.top;
        preview.setAttribute("y", String(Math.min(y0, y)));
        preview.setAttribute("height", String(Math.abs(y - y0)));
      };
      const up = (e: PointerEvent): void => {
        window.removeEventListener("pointermove", move);
        window.removeEventListener("pointerup", up);
        const y1 = e.clientY - box.top;
        preview.remove();
        const id = scale.column.id;
        if (Math.abs(y1 - y0) < MIN_DRAG_PX) this.callbacks.brush(id, null);
        else this.callbacks.brush(id, scale.filterBetween(tOf(y0), tOf(y1)));
      };
      window.addEventListener("pointermove", move);
      window.addEventListener("pointerup", up);
    });
  }
}
