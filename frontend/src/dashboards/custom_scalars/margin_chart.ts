// A margin chart over uPlot: per run, the value line (raw faint and smoothed on top when
// smoothing is on, as LineChart draws it) and a filled band between its lower and upper
// lines. Like LineChart (src/charts/line_chart.ts), it uses uPlot's faceted mode so every
// line keeps its own x columns, the y range follows TensorBoard's rules (here over the value
// and both bounds), drag selects an x range (onZoom) and a double click resets it.
//
// The band is drawn by a drawClear hook, under the grid and the lines: the lower line
// forwards and the upper line backwards as one polygon, so the two may be sampled at
// different x (each tag is downsampled on its own).

import uPlot from "uplot";
import { formatDuration, formatStep, formatValue } from "../../charts/format";
import type { ChartScales, ChartSeries, LineChartCallbacks, LineChartConfig } from "../../charts/line_chart";
import type { Range } from "../../charts/scale_range";
import { finiteValues, logYDomain, yDomain } from "../../charts/scale_range";
import { Tooltip, tooltipRows } from "../../charts/tooltip";
import { chartPalette } from "../../core/theme";
import type { DrawnBand } from "./series";
import { bandPolygon } from "./series";

const BAND_ALPHA = 0.2;
const BOUND_ALPHA = 0.45;
const RAW_ALPHA_SMOOTHED = 0.25;

/** What the last draw filled, per band (for tests). */
export interface BandDrawn {
  readonly run: string;
  /** Vertices of the filled polygon (0: no band drawn). */
  readonly vertices: number;
}

export interface MarginChartCallbacks extends LineChartCallbacks {
  /** After every draw: what was filled. */
  onBands?(drawn: readonly BandDrawn[]): void;
}

function withAlpha(color: string, alpha: number): string {
  const hex = color.replace("#", "");
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

function columnsOf(bands: readonly DrawnBand[]): { xs: Float64Array; ys: Float64Array }[] {
  const columns: { xs: Float64Array; ys: Float64Array }[] = [];
  for (const band of bands) {
    if (band.value) columns.push({ xs: band.value.xs, ys: band.value.smoothed ?? band.value.raw });
    if (band.lower) columns.push(band.lower);
    if (band.upper) columns.push(band.upper);
  }
  return columns;
}

function xExtent(bands: readonly DrawnBand[]): Range | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const { xs } of columnsOf(bands)) {
    if (xs.length === 0) continue;
    lo = Math.min(lo, xs[0] as number);
    hi = Math.max(hi, xs[xs.length - 1] as number);
  }
  if (lo > hi) return null;
  return lo === hi ? [lo - 1, hi + 1] : [lo, hi];
}

export class MarginChart {
  private readonly root: HTMLElement;
  private readonly callbacks: MarginChartCallbacks;
  private readonly tooltip: Tooltip;
  private config: LineChartConfig;
  private plot: uPlot | null = null;
  private structure = "";
  private bands: readonly DrawnBand[] = [];
  private zoom: Range | null = null;
  private width: number;
  private drawn: BandDrawn[] = [];

  constructor(root: HTMLElement, width: number, config: LineChartConfig, callbacks: MarginChartCallbacks) {
    this.root = root;
    this.width = Math.max(100, Math.floor(width));
    this.config = config;
    this.callbacks = callbacks;
    this.tooltip = new Tooltip(root);
  }

  get plotWidth(): number {
    return this.plot ? Math.floor(this.plot.bbox.width / devicePixelRatio) : Math.max(1, this.width - 81);
  }

  get scales(): ChartScales | null {
    const scales = this.plot?.scales;
    if (!scales?.x || !scales.y) return null;
    const { x, y } = scales;
    return { x: [x.min ?? NaN, x.max ?? NaN], y: [y.min ?? NaN, y.max ?? NaN], logY: y.distr === 3 };
  }

  /** The bands filled by the last draw. */
  get bandsDrawn(): readonly BandDrawn[] {
    return this.drawn;
  }

  setConfig(config: LineChartConfig): void {
    this.config = config;
    this.rebuild();
  }

  setData(bands: readonly DrawnBand[], zoom: Range | null): void {
    this.bands = bands;
    this.zoom = zoom;
    const structure = bands
      .map((b) => `${b.run}\u0000${b.color}\u0000${b.value ? (b.value.smoothed ? 2 : 1) : 0}${b.lower ? 1 : 0}${b.upper ? 1 : 0}`)
      .join("\u0001");
    if (!this.plot || structure !== this.structure) {
      this.structure = structure;
      this.rebuild();
      return;
    }
    this.plot.setData(this.data(), true);
  }

  resize(width: number): void {
    this.width = Math.max(100, Math.floor(width));
    this.plot?.setSize({ width: this.width, height: this.config.height });
  }

  destroy(): void {
    this.plot?.destroy();
    this.plot = null;
    this.tooltip.element.remove();
  }

  private valueSeries(): ChartSeries[] {
    return this.bands.flatMap((b) => (b.value ? [b.value] : []));
  }

  private data(): uPlot.AlignedData {
    const data: unknown[] = [null];
    for (const band of this.bands) {
      if (band.lower) data.push([band.lower.xs, band.lower.ys]);
      if (band.upper) data.push([band.upper.xs, band.upper.ys]);
      if (band.value) {
        data.push([band.value.xs, band.value.raw]);
        if (band.value.smoothed) data.push([band.value.xs, band.value.smoothed]);
      }
    }
    return data as unknown as uPlot.AlignedData;
  }

  private seriesOptions(): uPlot.Series[] {
    const series: uPlot.Series[] = [{}];
    for (const band of this.bands) {
      const bound = { stroke: withAlpha(band.color, BOUND_ALPHA), width: 1 };
      if (band.lower) series.push({ label: `${band.run} (lower)`, ...bound });
      if (band.upper) series.push({ label: `${band.run} (upper)`, ...bound });
      if (band.value) {
        const faint = band.value.smoothed !== null;
        series.push({ label: band.value.label, stroke: faint ? withAlpha(band.color, RAW_ALPHA_SMOOTHED) : band.color, width: 1.5 });
        if (band.value.smoothed) series.push({ label: `${band.value.label} (smoothed)`, stroke: band.color, width: 1.5 });
      }
    }
    return series;
  }

  private rebuild(): void {
    this.plot?.destroy();
    this.plot = null;
    this.tooltip.hide();
    this.plot = new uPlot(this.options(this.seriesOptions()), this.data(), this.root);
    this.root.append(this.tooltip.element);
  }

  private options(series: uPlot.Series[]): uPlot.Options {
    const palette = chartPalette(this.config.theme);
    const axis = { stroke: palette.axis, grid: { stroke: palette.grid, width: 1 }, ticks: { stroke: palette.grid } };
    const xaxis = this.config.xaxis;
    return {
      mode: 2 as uPlot.Mode,
      width: this.width,
      height: this.config.height,
      legend: { show: false },
      series,
      scales: {
        x: { time: xaxis === "wall", auto: true, range: (_u, min, max) => this.xRange(min, max) },
        y: { auto: true, distr: this.config.logY ? 3 : 1, log: 10, range: () => this.yRange() },
      },
      axes: [
        {
          ...axis,
          values:
            xaxis === "wall"
              ? undefined
              : (_u: uPlot, splits: (number | null)[]) =>
                  splits.map((v) => (v === null ? "" : xaxis === "step" ? formatStep(v) : formatDuration(v))),
        },
        { ...axis, size: 56, values: (_u: uPlot, splits: (number | null)[]) => splits.map((v) => (v === null ? "" : formatValue(v))) },
      ],
      cursor: {
        drag: { x: true, y: false, setScale: false },
        focus: { prox: -1 },
        points: { show: false },
        bind: {
          dblclick: () => () => {
            this.resetZoom();
            return null;
          },
        },
      },
      hooks: {
        drawClear: [(u: uPlot) => this.drawBands(u)],
        setSelect: [(u: uPlot) => this.onSelect(u)],
        setCursor: [(u: uPlot) => this.onCursor(u)],
      },
    };
  }

  private drawBands(u: uPlot): void {
    const ctx = u.ctx;
    const { left, top, width, height } = u.bbox;
    const drawn: BandDrawn[] = [];
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    for (const band of this.bands) {
      if (!band.lower || !band.upper) {
        drawn.push({ run: band.run, vertices: 0 });
        continue;
      }
      const polygon = bandPolygon(band.lower, band.upper);
      const logY = this.config.logY;
      const points = polygon.filter(([, y]) => !logY || y > 0);
      if (points.length >= 3) {
        ctx.beginPath();
        points.forEach(([x, y], i) => {
          const px = u.valToPos(x, "x", true);
          const py = u.valToPos(y, "y", true);
          if (i === 0) ctx.moveTo(px, py);
          else ctx.lineTo(px, py);
        });
        ctx.closePath();
        ctx.fillStyle = withAlpha(band.color, BAND_ALPHA);
        ctx.fill();
      }
      drawn.push({ run: band.run, vertices: points.length >= 3 ? points.length : 0 });
    }
    ctx.restore();
    this.drawn = drawn;
    this.callbacks.onBands?.(drawn);
  }

  private xRange(min: number | null, max: number | null): uPlot.Range.MinMax {
    if (this.zoom) return [this.zoom[0], this.zoom[1]];
    return xExtent(this.bands) ?? [min ?? 0, max ?? 1];
  }

  private yRange(): uPlot.Range.MinMax {
    const values = finiteValues(columnsOf(this.bands), this.zoom);
    const { logY, ignoreOutliers } = this.config;
    return logY ? logYDomain(values, ignoreOutliers) : yDomain(values, ignoreOutliers);
  }

  private onSelect(u: uPlot): void {
    const { left, width } = u.select;
    if (width < 3) return;
    const xmin = u.posToVal(left, "x");
    const xmax = u.posToVal(left + width, "x");
    u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
    this.zoom = [xmin, xmax];
    u.setScale("x", { min: xmin, max: xmax });
    this.callbacks.onZoom(xmin, xmax);
  }

  private resetZoom(): void {
    this.zoom = null;
    const extent = xExtent(this.bands);
    if (this.plot && extent) this.plot.setScale("x", { min: extent[0], max: extent[1] });
    this.callbacks.onResetZoom();
  }

  private onCursor(u: uPlot): void {
    const { left, top } = u.cursor;
    if (left === undefined || top === undefined || left < 0) {
      this.tooltip.hide();
      return;
    }
    const rows = tooltipRows(this.valueSeries(), u.posToVal(left, "x"));
    const plotLeft = u.bbox.left / devicePixelRatio;
    const plotTop = u.bbox.top / devicePixelRatio;
    this.tooltip.show(rows, this.config.xaxis, plotLeft + left, plotTop + top, this.root.clientWidth || u.width);
  }
}
