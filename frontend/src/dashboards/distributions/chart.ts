// A distribution card's canvas: nested shaded bands over the steps (darker towards the median,
// as in TensorBoard), the median as a line, axes, and on hover the nine values at the nearest
// step in a tooltip.
//
// Hooks: distribution-canvas, distribution-tooltip (hidden unless hovering; data-step), whose
// rows are distribution-row (data-bp: the basis point) with the value (td data-value: exact).

import { formatDuration, formatStep, formatValue, formatWallTime } from "../../charts/format";
import { h } from "../../core/dom";
import type { Theme } from "../../core/theme";
import { chartPalette } from "../../core/theme";
import { niceTicks } from "../../charts/linear_scale";
import type { PlotRect } from "../../charts/canvas";
import { drawXAxis, drawYAxis, prepareCanvas, withAlpha } from "../../charts/canvas";
import type { DistributionSeries } from "../../api/distributions";
import type { DistributionLayout, DistributionXAxis } from "./bands";
import { BANDS, MEDIAN, bandRuns, layoutDistribution, nearestStep } from "./bands";

export const CHART_HEIGHT = 240;
const BAND_ALPHA = [0.18, 0.28, 0.4, 0.55];

export interface DistributionStyle {
  readonly axis: DistributionXAxis;
  readonly theme: Theme;
  readonly color: string;
}

export interface DistributionHover {
  readonly index: number;
  readonly step: number;
  readonly wallTime: number;
  /** The nine values at the step (null: not finite), lowest basis point first. */
  readonly values: (number | null)[];
}

export function plotRect(width: number, height: number): PlotRect {
  return { left: 52, top: 8, width: Math.max(10, width - 52 - 14), height: Math.max(10, height - 8 - 22) };
}

/** An x tick label on `axis`. */
export function formatX(axis: DistributionXAxis, value: number): string {
  if (axis === "step") return formatStep(value);
  if (axis === "relative") return formatDuration(value);
  return formatWallTime(value).slice(11);
}

export class DistributionChart {
  readonly element: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  private readonly tooltip: HTMLDivElement;
  private series: DistributionSeries | null = null;
  private style: DistributionStyle | null = null;
  private layout: DistributionLayout | null = null;
  private width: number;
  private hovered: DistributionHover | null = null;

  constructor(width: number) {
    this.width = width;
    this.canvas = h("canvas", { class: "tb-hist-canvas", "data-testid": "distribution-canvas" });
    this.tooltip = h("div", { class: "tb-tooltip tb-hist-tooltip tb-dist-tooltip", "data-testid": "distribution-tooltip" });
    this.tooltip.hidden = true;
    this.element = h("div", { class: "tb-hist-chart" }, this.canvas, this.tooltip);
    this.element.style.height = `${CHART_HEIGHT}px`;
    this.canvas.addEventListener("pointermove", (event) => this.hoverAt(event.offsetX, event.offsetY));
    this.canvas.addEventListener("pointerleave", () => this.hoverAt(null, null));
  }

  get hover(): DistributionHover | null {
    return this.hovered;
  }

  /** Pixel x of step index `index` as last drawn (for tests), or null. */
  pixelOf(index: number): number | null {
    return this.layout?.px[index] ?? null;
  }

  /** Draws `series` at `width` CSS pixels wide. */
  setData(series: DistributionSeries, style: DistributionStyle, width: number): void {
    this.series = series;
    this.style = style;
    if (width > 0) this.width = width;
    if (this.hovered && this.hovered.index >= series.steps.length) this.hovered = null;
    this.draw();
  }

  /** Hovers canvas point x (CSS pixels; null: the pointer left): the nearest step. */
  hoverAt(x: number | null, y: number | null): DistributionHover | null {
    const series = this.series;
    const layout = this.layout;
    let found: DistributionHover | null = null;
    if (x !== null && series && layout && x >= layout.plot.left && x <= layout.plot.left + layout.plot.width) {
      const index = nearestStep(layout, x);
      if (index >= 0) found = this.hoverOf(series, index);
    }
    this.hovered = found;
    this.draw();
    this.showTooltip(found, x ?? 0, y ?? 0);
    return found;
  }

  private hoverOf(series: DistributionSeries, index: number): DistributionHover {
    const width = series.basisPoints.length;
    const values = Array.from(series.values.subarray(index * width, (index + 1) * width), (v) => (Number.isFinite(v) ? v : null));
    return { index, step: series.steps[index] as number, wallTime: series.wallTimes[index] as number, values };
  }

  private draw(): void {
    const { series, style } = this;
    if (!series || !style) return;
    this.layout = layoutDistribution(series, style.axis, plotRect(this.width, CHART_HEIGHT));
    const ctx = prepareCanvas(this.canvas, this.width, CHART_HEIGHT);
    if (ctx) this.paint(ctx, this.layout, series, style);
  }

  private paint(ctx: CanvasRenderingContext2D, layout: DistributionLayout, series: DistributionSeries, style: DistributionStyle): void {
    const { plot } = layout;
    const bottom = plot.top + plot.height;
    const [x0, x1] = layout.x.domain;
    let xTicks = niceTicks(x0, x1, Math.max(2, Math.floor(plot.width / 90)));
    if (style.axis === "step") xTicks = xTicks.filter((v) => Number.isInteger(v));
    drawXAxis(ctx, style.theme, xTicks.map((v) => ({ pixel: layout.x.map(v), label: formatX(style.axis, v) })), plot.top, bottom);
    const [y0, y1] = layout.y.domain;
    const yTicks = niceTicks(y0, y1, Math.max(2, Math.floor(plot.height / 40)));
    drawYAxis(ctx, style.theme, yTicks.map((v) => ({ pixel: layout.y.map(v), label: formatValue(v) })), plot.left - 6, "right", [plot.left, plot.left + plot.width]);
    const width = series.basisPoints.length;
    BANDS.forEach((pair, band) => {
      ctx.fillStyle = withAlpha(style.color, BAND_ALPHA[band] ?? 0.3);
      for (const run of bandRuns(layout, width, pair)) {
        ctx.beginPath();
        run.forEach((i, k) => (k ? ctx.lineTo : ctx.moveTo).call(ctx, layout.px[i] as number, layout.py[i * width + pair[1]] as number));
        for (let k = run.length - 1; k >= 0; k--) {
          const i = run[k] as number;
          ctx.lineTo(layout.px[i] as number, layout.py[i * width + pair[0]] as number);
        }
        ctx.closePath();
        ctx.fill();
        if (run.length === 1) ctx.fillRect((layout.px[run[0] as number] as number) - 1, layout.py[(run[0] as number) * width + pair[1]] as number, 2, 1);
      }
    });
    ctx.strokeStyle = style.color;
    ctx.lineWidth = 1.5;
    for (const run of bandRuns(layout, width, [MEDIAN, MEDIAN])) {
      ctx.beginPath();
      run.forEach((i, k) => (k ? ctx.lineTo : ctx.moveTo).call(ctx, layout.px[i] as number, layout.py[i * width + MEDIAN] as number));
      ctx.stroke();
    }
    if (this.hovered) this.paintHover(ctx, layout, width, this.hovered.index, style);
  }

  private paintHover(ctx: CanvasRenderingContext2D, layout: DistributionLayout, width: number, index: number, style: DistributionStyle): void {
    const x = layout.px[index] as number;
    ctx.strokeStyle = chartPalette(style.theme).axis;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(Math.round(x) + 0.5, layout.plot.top);
    ctx.lineTo(Math.round(x) + 0.5, layout.plot.top + layout.plot.height);
    ctx.stroke();
    ctx.fillStyle = style.color;
    for (let j = 0; j < width; j++) {
      const y = layout.py[index * width + j] as number;
      if (!Number.isFinite(y)) continue;
      ctx.beginPath();
      ctx.arc(x, y, j === MEDIAN ? 3 : 2, 0, 2 * Math.PI);
      ctx.fill();
    }
  }

  private showTooltip(hover: DistributionHover | null, x: number, y: number): void {
    this.tooltip.hidden = hover === null;
    if (!hover || !this.series) {
      delete this.tooltip.dataset.step;
      return;
    }
    this.tooltip.dataset.step = String(hover.step);
    const rows = this.series.basisPoints
      .map((bp, j) => {
        const value = hover.values[j] ?? null;
        return h(
          "tr",
          { "data-testid": "distribution-row", "data-bp": bp },
          h("th", {}, `${Number((bp / 100).toFixed(2))}%`),
          h("td", { "data-value": value === null ? null : String(value) }, value === null ? "–" : formatValue(value)),
        );
      })
      .reverse();
    this.tooltip.replaceChildren(
      h("div", { "data-testid": "hover-step" }, `Step ${hover.step} · ${formatWallTime(hover.wallTime)}`),
      h("table", {}, h("tbody", {}, ...rows)),
    );
    const flip = x > this.width / 2;
    this.tooltip.style.left = flip ? "" : `${x + 12}px`;
    this.tooltip.style.right = flip ? `${this.width - x + 12}px` : "";
    this.tooltip.style.top = `${Math.max(0, Math.min(y, CHART_HEIGHT - 150))}px`;
  }
}
