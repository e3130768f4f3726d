// The scatter-plot matrix: hyperparameters (columns) against metrics (rows), one point per
// session (after filters) that has both values, in its run's colour. Axes span every
// selected session, as in the parallel coordinates.
//
// Hooks: hparams-scatter (svg), hparams-scatter-cell (data-x, data-y: column ids),
// hparams-point (data-run), hparams-scatter-empty.

import { h } from "../../core/dom";
import type { Column, Session } from "./api";
import type { AxisScale } from "./model";
import { axisScale, formatCell } from "./model";

const SVG = "http://www.w3.org/2000/svg";
const LEFT = 150;
const BOTTOM = 52;
const GAP = 10;
const MAX_CELL = 200;
const MIN_CELL = 90;
const PAD = 8;

export interface ScatterDebug {
  readonly rows: readonly string[];
  readonly columns: readonly string[];
  readonly points: number;
}

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  return el;
}

/** The first and last ticks of an axis (its extent), for the matrix's edges. */
function ends(scale: AxisScale): { t: number; label: string }[] {
  const ticks = scale.ticks();
  if (ticks.length <= 2) return ticks;
  return [ticks[0] as { t: number; label: string }, ticks[ticks.length - 1] as { t: number; label: string }];
}

function text(content: string, attrs: Record<string, string | number>, max = 16): SVGTextElement {
  const el = svg("text", attrs);
  el.textContent = content.length > max ? `${content.slice(0, max - 1)}…` : content;
  const tip = svg("title");
  tip.textContent = content;
  el.append(tip);
  return el;
}

export class ScatterView {
  readonly element: HTMLElement;
  private readonly color: (run: string) => string;
  private last: ScatterDebug = { rows: [], columns: [], points: 0 };

  constructor(color: (run: string) => string) {
    this.color = color;
    this.element = h("div", { class: "tb-hp-scatter-wrap" });
  }

  get debug(): ScatterDebug {
    return this.last;
  }

  render(columns: readonly Column[], all: readonly Session[], shown: readonly Session[]): void {
    const xs = columns.filter((c) => c.kind === "hparam");
    const ys = columns.filter((c) => c.kind === "metric");
    if (xs.length === 0 || ys.length === 0) {
      const why = ys.length === 0 ? "No metrics to plot: add_hparams' metric_dict is empty, or its columns are hidden." : "No hyperparameter columns shown.";
      this.element.replaceChildren(h("div", { class: "tb-empty", "data-testid": "hparams-scatter-empty" }, why));
      this.last = { rows: ys.map((c) => c.id), columns: xs.map((c) => c.id), points: 0 };
      return;
    }
    const available = (this.element.clientWidth || 900) - LEFT;
    const cell = Math.max(MIN_CELL, Math.min(MAX_CELL, Math.floor(available / xs.length) - GAP));
    const width = LEFT + xs.length * (cell + GAP);
    const height = ys.length * (cell + GAP) + BOTTOM;
    const root = svg("svg", { width, height, class: "tb-hp-scatter", "data-testid": "hparams-scatter" });
    const xScales = xs.map((c) => axisScale(c, all));
    const yScales = ys.map((c) => axisScale(c, all));
    let points = 0;
    yScales.forEach((yScale, row) => {
      const top = row * (cell + GAP);
      root.append(text(yScale.column.label, { x: LEFT - 44, y: top + cell / 2, "text-anchor": "end", class: "tb-hp-axis-name tb-hp-kind-metric" }));
      for (const tick of ends(yScale)) {
        root.append(text(tick.label, { x: LEFT - 4, y: top + PAD + (1 - tick.t) * (cell - 2 * PAD) + 3, "text-anchor": "end", class: "tb-hp-tick" }, 7));
      }
      xScales.forEach((xScale, col) => {
        const left = LEFT + col * (cell + GAP);
        const g = this.cell(xScale, yScale, shown, left, top, cell);
        points += g.childElementCount - 1;
        root.append(g);
      });
    });
    const bottom = ys.length * (cell + GAP);
    xScales.forEach((xScale, col) => {
      const left = LEFT + col * (cell + GAP);
      for (const tick of ends(xScale)) {
        const anchor = tick.t < 0.5 ? "start" : tick.t > 0.5 ? "end" : "middle";
        root.append(text(tick.label, { x: left + PAD + tick.t * (cell - 2 * PAD), y: bottom + 8, "text-anchor": anchor, class: "tb-hp-tick" }, 8));
      }
      const label = xScale.column.label + (xScale.log ? " (log)" : "");
      root.append(text(label, { x: left + cell / 2, y: bottom + 30, "text-anchor": "middle", class: "tb-hp-axis-name tb-hp-kind-hparam" }));
    });
    this.element.replaceChildren(root);
    this.last = { rows: ys.map((c) => c.id), columns: xs.map((c) => c.id), points };
  }

  private cell(xScale: AxisScale, yScale: AxisScale, sessions: readonly Session[], left: number, top: number, size: number): SVGGElement {
    const g = svg("g", { class: "tb-hp-cell", "data-testid": "hparams-scatter-cell", "data-x": xScale.column.id, "data-y": yScale.column.id });
    g.append(svg("rect", { x: left, y: top, width: size, height: size, class: "tb-hp-cell-frame" }));
    const inner = size - 2 * PAD;
    for (const s of sessions) {
      const xv = s.values.get(xScale.column.id);
      const yv = s.values.get(yScale.column.id);
      const tx = xScale.position(xv);
      const ty = yScale.position(yv);
      if (tx === null || ty === null) continue;
      const dot = svg("circle", {
        cx: (left + PAD + tx * inner).toFixed(1),
        cy: (top + PAD + (1 - ty) * inner).toFixed(1),
        r: 3.5,
        fill: this.color(s.run),
        class: "tb-hp-point",
        "data-testid": "hparams-point",
        "data-run": s.run,
      });
      const tip = svg("title");
      tip.textContent = `${s.run}\n${xScale.column.label} = ${formatCell(xv, xScale.column)}\n${yScale.column.label} = ${formatCell(yv, yScale.column)}`;
      dot.append(tip);
      g.append(dot);
    }
    return g;
  }
}
