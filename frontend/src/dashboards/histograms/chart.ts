// A histogram card's canvas: draws the layout of geometry.ts (ridgeline or overlay) with axes,
// and on hover highlights the step and bin under the pointer and shows them in a tooltip.
//
// Hooks: histogram-canvas, histogram-tooltip (hidden unless hovering; data-step, data-bin).

import { formatStep, formatValue } from "../../charts/format";
import { h } from "../../core/dom";
import type { Theme } from "../../core/theme";
import { chartPalette } from "../../core/theme";
import type { HistogramSeries } from "../../api/histograms";
import { niceTicks } from "../../charts/linear_scale";
import { cardBackground, drawXAxis, drawYAxis, mixColor, prepareCanvas } from "../../charts/canvas";
import type { PlotRect } from "../../charts/canvas";
import type { HistogramHover, HistogramLayout, HistogramMode, Slice } from "./geometry";
import { hitTest, layoutHistograms } from "./geometry";

export const CHART_HEIGHT = 260;
const MARGIN = { top: 8, bottom: 22, side: 8, axis: 48 };

export interface HistogramStyle {
  readonly mode: HistogramMode;
  readonly theme: Theme;
  /** The run's colour (#rrggbb): the newest step's; older steps fade towards the background. */
  readonly color: string;
  /** The linked step (core/linked_step.ts): its slice, or the last before it, is outlined. */
  readonly linkedStep?: number | null;
}

/** Where the plot goes inside a canvas of `width` x `height` (the step or count axis beside it). */
export function plotRect(mode: HistogramMode, width: number, height: number): PlotRect {
  const left = mode === "overlay" ? MARGIN.axis : MARGIN.side;
  const right = mode === "offset" ? MARGIN.axis : MARGIN.side;
  return { left, top: MARGIN.top, width: Math.max(10, width - left - right), height: Math.max(10, height - MARGIN.top - MARGIN.bottom) };
}

/** Colour of a slice: the run colour for the newest, fading for older ones. */
export function sliceColor(style: HistogramStyle, age: number): { fill: string; stroke: string } {
  const background = cardBackground(style.theme);
  return {
    fill: mixColor(style.color, background, 0.85 - 0.6 * age),
    stroke: mixColor(style.color, background, 0.6 * (1 - age)),
  };
}

function tracePath(ctx: CanvasRenderingContext2D, layout: HistogramLayout, slice: Slice): void {
  const { left, width } = layout.plot;
  ctx.beginPath();
  ctx.moveTo(left, slice.baseline);
  for (let b = 0; b < slice.ys.length; b++) ctx.lineTo(layout.centers[b] as number, slice.ys[b] as number);
  ctx.lineTo(left + width, slice.baseline);
}

export class HistogramChart {
  readonly element: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  private readonly tooltip: HTMLDivElement;
  private series: HistogramSeries | null = null;
  private style: HistogramStyle | null = null;
  private layout: HistogramLayout | null = null;
  private width: number;
  private hovered: HistogramHover | null = null;
  /** Slices stroked by the last draw (0 until drawn). */
  drawnSlices = 0;
  /** The step of the slice outlined for the linked step (null: none). */
  linkedSlice: number | null = null;

  constructor(width: number) {
    this.width = width;
    this.canvas = h("canvas", { class: "tb-hist-canvas", "data-testid": "histogram-canvas" });
    this.tooltip = h("div", { class: "tb-tooltip tb-hist-tooltip", "data-testid": "histogram-tooltip" });
    this.tooltip.hidden = true;
    this.element = h("div", { class: "tb-hist-chart" }, this.canvas, this.tooltip);
    this.element.style.height = `${CHART_HEIGHT}px`;
    this.canvas.addEventListener("pointermove", (event) => this.hoverAt(event.offsetX, event.offsetY));
    this.canvas.addEventListener("pointerleave", () => this.hoverAt(null, null));
  }

  get hover(): HistogramHover | null {
    return this.hovered;
  }

  /** Draws `series` at `width` CSS pixels wide. */
  setData(series: HistogramSeries, style: HistogramStyle, width: number): void {
    this.series = series;
    this.style = style;
    if (width > 0) this.width = width;
    if (this.hovered && this.hovered.index >= series.steps.length) this.hovered = null;
    this.draw();
  }

  /** Hovers the canvas point (x, y) in CSS pixels (null: the pointer left). */
  hoverAt(x: number | null, y: number | null): HistogramHover | null {
    const found = x === null || y === null || !this.layout || !this.series ? null : hitTest(this.layout, this.series, x, y);
    this.hovered = found;
    this.draw();
    this.showTooltip(found, x ?? 0, y ?? 0);
    return found;
  }

  private draw(): void {
    const series = this.series;
    const style = this.style;
    if (!series || !style) return;
    this.layout = layoutHistograms(series, style.mode, plotRect(style.mode, this.width, CHART_HEIGHT));
    this.drawnSlices = this.layout.slices.length;
    const ctx = prepareCanvas(this.canvas, this.width, CHART_HEIGHT);
    if (ctx) this.paint(ctx, this.layout, series, style);
  }

  private paint(ctx: CanvasRenderingContext2D, layout: HistogramLayout, series: HistogramSeries, style: HistogramStyle): void {
    const { plot } = layout;
    const bottom = plot.top + plot.height;
    if (series.xMin !== null && series.xMax !== null) {
      const ticks = niceTicks(series.xMin, series.xMax, Math.max(2, Math.floor(plot.width / 80)));
      drawXAxis(ctx, style.theme, ticks.map((v) => ({ pixel: layout.x.map(v), label: formatValue(v) })), plot.top, bottom);
    }
    this.paintYAxis(ctx, layout, style.theme);
    const hoveredSlice = this.hovered ? layout.slices.find((s) => s.index === this.hovered?.index) : undefined;
    ctx.lineJoin = "round";
    for (const slice of layout.slices) {
      const colors = sliceColor(style, slice.age);
      tracePath(ctx, layout, slice);
      if (layout.mode === "offset") {
        ctx.fillStyle = colors.fill;
        ctx.fill();
      }
      ctx.strokeStyle = colors.stroke;
      ctx.lineWidth = slice.age === 1 ? 1.5 : 1;
      ctx.stroke();
    }
    this.linkedSlice = null;
    const linked = style.linkedStep ?? null;
    if (linked !== null) {
      let chosen: Slice | undefined;
      for (const slice of layout.slices) {
        const step = series.steps[slice.index] as number;
        if (step <= linked && (!chosen || step >= (series.steps[chosen.index] as number))) chosen = slice;
      }
      if (chosen) {
        this.linkedSlice = series.steps[chosen.index] as number;
        tracePath(ctx, layout, chosen);
        ctx.strokeStyle = chartPalette(style.theme).text;
        ctx.lineWidth = 2.5;
        ctx.setLineDash([4, 3]);
        ctx.stroke();
        ctx.setLineDash([]);
      }
    }
    if (hoveredSlice && this.hovered) this.paintHover(ctx, layout, hoveredSlice, this.hovered, style);
  }

  private paintYAxis(ctx: CanvasRenderingContext2D, layout: HistogramLayout, theme: Theme): void {
    const { plot } = layout;
    const [lo, hi] = layout.y.domain;
    const count = Math.max(2, Math.floor(plot.height / 40));
    if (layout.mode === "offset") {
      const ticks = niceTicks(Math.min(lo, hi), Math.max(lo, hi), count).filter((v) => Number.isInteger(v));
      const labels = (ticks.length ? ticks : [lo]).map((v) => ({ pixel: layout.y.map(v), label: formatStep(v) }));
      drawYAxis(ctx, theme, labels, plot.left + plot.width + 6, "left", null);
    } else {
      const labels = niceTicks(lo, hi, count).map((v) => ({ pixel: layout.y.map(v), label: formatValue(v) }));
      drawYAxis(ctx, theme, labels, plot.left - 6, "right", [plot.left, plot.left + plot.width]);
    }
  }

  private paintHover(ctx: CanvasRenderingContext2D, layout: HistogramLayout, slice: Slice, hover: HistogramHover, style: HistogramStyle): void {
    const palette = chartPalette(style.theme);
    tracePath(ctx, layout, slice);
    ctx.strokeStyle = palette.text;
    ctx.lineWidth = 2;
    ctx.stroke();
    const x0 = layout.x.map(hover.left);
    const x1 = layout.x.map(hover.right);
    const top = slice.ys[hover.bin] as number;
    ctx.fillStyle = mixColor(style.color, cardBackground(style.theme), 0.3);
    ctx.globalAlpha = 0.5;
    ctx.fillRect(x0, top, Math.max(1, x1 - x0), slice.baseline - top);
    ctx.globalAlpha = 1;
  }

  private showTooltip(hover: HistogramHover | null, x: number, y: number): void {
    this.tooltip.hidden = hover === null;
    if (!hover) {
      delete this.tooltip.dataset.step;
      delete this.tooltip.dataset.bin;
      return;
    }
    this.tooltip.dataset.step = String(hover.step);
    this.tooltip.dataset.bin = String(hover.bin);
    this.tooltip.replaceChildren(
      h("div", { "data-testid": "hover-step" }, `Step ${hover.step}`),
      h("div", { "data-testid": "hover-range" }, `[${formatValue(hover.left)}, ${formatValue(hover.right)})`),
      h("div", { "data-testid": "hover-count" }, `count ${formatValue(hover.count)}`),
    );
    const flip = x > this.width / 2;
    this.tooltip.style.left = flip ? "" : `${x + 12}px`;
    this.tooltip.style.right = flip ? `${this.width - x + 12}px` : "";
    this.tooltip.style.top = `${Math.max(0, y - 40)}px`;
  }
}
