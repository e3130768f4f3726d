// A line chart of several runs over uPlot, in uPlot's faceted mode (mode 2): every run keeps
// its own columnar x/y typed arrays, so runs sampled at different x never get joined into one
// padded table. Per run it draws the raw line faint and the smoothed line on top.
//
// Interaction: drag selects an x range (reported through onZoom, so the owner can fetch finer
// data), double-click resets (onResetZoom), hover shows the tooltip. The y range follows
// TensorBoard's rules (scale_range.ts) over the points inside the x window.

import uPlot from "uplot";
import type { XAxis } from "../api/client";
import type { Theme } from "../core/theme";
import { chartPalette } from "../core/theme";
import { formatDuration, formatStep, formatValue } from "./format";
import type { Range } from "./scale_range";
import { finiteValues, logYDomain, yDomain } from "./scale_range";
import { Tooltip, nearestIndex, tooltipRows } from "./tooltip";

export interface ChartSeries {
  readonly label: string;
  readonly color: string;
  /** x in the axis' units (step, seconds since the first point, or unix seconds). */
  readonly xs: Float64Array;
  readonly steps: Float64Array;
  readonly wallTimes: Float64Array;
  readonly firstWallTime: number | null;
  readonly raw: Float64Array;
  /** null: no smoothing, the raw line is drawn at full strength. */
  readonly smoothed: Float64Array | null;
}

export interface LineChartConfig {
  readonly xaxis: XAxis;
  readonly logY: boolean;
  readonly ignoreOutliers: boolean;
  readonly theme: Theme;
  readonly height: number;
}

/** The x and y ranges a chart shows, in axis units (window.__trainboard reports them). */
export interface ChartScales {
  readonly x: [number, number];
  readonly y: [number, number];
  readonly logY: boolean;
}

export interface LineChartCallbacks {
  onZoom(xmin: number, xmax: number): void;
  onResetZoom(): void;
}

const RAW_ALPHA_SMOOTHED = 0.25;
/** Tick spacings for the relative-time axis, in seconds: round minutes, hours and days. */
const DURATION_INCREMENTS = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800,
  1209600, 2592000,
];

function withAlpha(color: string, alpha: number): string {
  const hex = color.replace("#", "");
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

function xExtent(series: readonly ChartSeries[]): Range | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    if (s.xs.length === 0) continue;
    lo = Math.min(lo, s.xs[0] as number);
    hi = Math.max(hi, s.xs[s.xs.length - 1] as number);
  }
  if (lo > hi) return null;
  return lo === hi ? [lo - 1, hi + 1] : [lo, hi];
}

export class LineChart {
  private readonly root: HTMLElement;
  private readonly callbacks: LineChartCallbacks;
  private readonly tooltip: Tooltip;
  private config: LineChartConfig;
  private plot: uPlot | null = null;
  private structure = "";
  private series: readonly ChartSeries[] = [];
  /** uPlot series index -> index into this.series. */
  private owner: number[] = [];
  private zoom: Range | null = null;
  private width: number;
  /** uPlot asks for the y range on every scale change; sorting for percentiles is not free. */
  private yCache: { key: string; range: uPlot.Range.MinMax } | null = null;

  constructor(root: HTMLElement, width: number, config: LineChartConfig, callbacks: LineChartCallbacks) {
    this.root = root;
    this.width = Math.max(100, Math.floor(width));
    this.config = config;
    this.callbacks = callbacks;
    this.tooltip = new Tooltip(root);
  }

  /** Width in CSS pixels of the plotting area (what the server downsamples to). */
  get plotWidth(): number {
    return this.plot ? Math.floor(this.plot.bbox.width / devicePixelRatio) : Math.max(1, this.width - 81);
  }

  get zoomRange(): Range | null {
    return this.zoom;
  }

  get scales(): ChartScales | null {
    if (!this.plot) return null;
    const { x, y } = this.plot.scales;
    if (!x || !y) return null;
    return { x: [x.min ?? NaN, x.max ?? NaN], y: [y.min ?? NaN, y.max ?? NaN], logY: y.distr === 3 };
  }

  setConfig(config: LineChartConfig): void {
    this.config = config;
    this.yCache = null;
    this.rebuild();
  }

  /** Draws `series`; `zoom` is the x window to show (null: everything). */
  setData(series: readonly ChartSeries[], zoom: Range | null): void {
    this.series = series;
    this.zoom = zoom;
    this.yCache = null;
    const structure = series.map((s) => `${s.label}\u0000${s.color}\u0000${s.smoothed ? 1 : 0}`).join("\u0001");
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

  private data(): uPlot.AlignedData {
    const data: unknown[] = [null];
    for (const s of this.series) {
      data.push([s.xs, s.raw]);
      if (s.smoothed) data.push([s.xs, s.smoothed]);
    }
    return data as unknown as uPlot.AlignedData;
  }

  private rebuild(): void {
    this.plot?.destroy();
    this.plot = null;
    this.tooltip.hide();
    this.owner = [-1];
    const seriesOpts: uPlot.Series[] = [{}];
    this.series.forEach((s, i) => {
      const faint = s.smoothed !== null;
      seriesOpts.push({ label: s.label, stroke: faint ? withAlpha(s.color, RAW_ALPHA_SMOOTHED) : s.color, width: 1 });
      this.owner.push(i);
      if (s.smoothed) {
        seriesOpts.push({ label: `${s.label} (smoothed)`, stroke: s.color, width: 1.5 });
        this.owner.push(i);
      }
    });
    this.plot = new uPlot(this.options(seriesOpts), this.data(), this.root);
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
          ...(xaxis === "relative" ? { incrs: DURATION_INCREMENTS } : {}),
          values:
            xaxis === "wall"
              ? undefined
              : (_u: uPlot, splits: (number | null)[]) =>
                  splits.map((v) => (v === null ? "" : xaxis === "step" ? formatStep(v) : formatDuration(v))),
        },
        // uPlot leaves null holes in log-scale splits for ticks it does not label.
        { ...axis, size: 56, values: (_u: uPlot, splits: (number | null)[]) => splits.map((v) => (v === null ? "" : formatValue(v))) },
      ],
      cursor: {
        drag: { x: true, y: false, setScale: false },
        focus: { prox: -1 },
        // A hover dot per line costs a DOM node per series: only for cards with few lines.
        // (Where dots are wanted, `show` stays uPlot's own function: it creates them; a plain
        // `true` would replace it and draw none.)
        points: series.length <= 33 ? { size: 6 } : { show: false },
        dataIdx: (u: uPlot, seriesIdx: number) => this.hoverIndex(u, seriesIdx),
        bind: {
          dblclick: () => () => {
            this.resetZoom();
            return null;
          },
        },
      },
      hooks: {
        setSelect: [(u: uPlot) => this.onSelect(u)],
        setCursor: [(u: uPlot) => this.onCursor(u)],
      },
    };
  }

  private xRange(min: number | null, max: number | null): uPlot.Range.MinMax {
    if (this.zoom) return [this.zoom[0], this.zoom[1]];
    const extent = xExtent(this.series);
    if (extent) return extent;
    return [min ?? 0, max ?? 1];
  }

  private yRange(): uPlot.Range.MinMax {
    const key = this.zoom ? `${this.zoom[0]}:${this.zoom[1]}` : "";
    if (this.yCache?.key === key) return this.yCache.range;
    const columns = this.series.map((s) => ({ xs: s.xs, ys: s.smoothed ?? s.raw }));
    const values = finiteValues(columns, this.zoom);
    const { logY, ignoreOutliers } = this.config;
    const range = logY ? logYDomain(values, ignoreOutliers) : yDomain(values, ignoreOutliers);
    this.yCache = { key, range };
    return range;
  }

  private hoverIndex(u: uPlot, seriesIdx: number): number | null {
    const s = this.series[this.owner[seriesIdx] ?? -1];
    if (!s || u.cursor.left === undefined || u.cursor.left < 0) return null;
    const i = nearestIndex(s.xs, u.posToVal(u.cursor.left, "x"));
    return i < 0 ? null : i;
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
    const extent = xExtent(this.series);
    if (this.plot && extent) this.plot.setScale("x", { min: extent[0], max: extent[1] });
    this.callbacks.onResetZoom();
  }

  private onCursor(u: uPlot): void {
    const left = u.cursor.left;
    const top = u.cursor.top;
    if (left === undefined || top === undefined || left < 0) {
      this.tooltip.hide();
      return;
    }
    const rows = tooltipRows(this.series, u.posToVal(left, "x"));
    const plotLeft = u.bbox.left / devicePixelRatio;
    const plotTop = u.bbox.top / devicePixelRatio;
    this.tooltip.show(rows, this.config.xaxis, plotLeft + left, plotTop + top, this.root.clientWidth || u.width);
  }
}
