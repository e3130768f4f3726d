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
import type { PlotMaking } from "./line_plot";
import { LinePlot, linePlotOptions, withAlpha, xExtent, zoomToSelection } from "./line_plot";
import type { Range } from "./scale_range";
import { finiteValues, logYDomain, yDomain } from "./scale_range";
import { nearestIndex } from "./tooltip";
import type { VectorPlot } from "./export";
import { linesVector } from "./export";
import { formatDuration, formatStep, formatValue, formatWallTime } from "./format";
import { niceTicks } from "./linear_scale";
import type { BandToDraw, SeriesBand } from "./band";
import { BAND_ALPHA, drawBands } from "./band";

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
  /** A filled band under the line (a group of runs: its spread), drawn before every line. */
  readonly band?: SeriesBand | null;
  /** Drawn thin and faint, only its shown line (the members of an expanded group). */
  readonly thin?: boolean;
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
  /** A click on the plot at x (axis units); `extend`: shift held (make a range with the last pick). */
  onPick?(x: number, extend: boolean): void;
}

/** A picked x (a step on the step axis), or range of x, marked on the chart. */
export interface ChartPick {
  readonly x: number;
  readonly x2?: number;
}

const RAW_ALPHA_SMOOTHED = 0.25;
/** A thin series' line (a group's members under the group's line). */
const THIN_ALPHA = 0.6;
/** How long a click waits for a second one (a double-click resets the zoom, picking nothing). */
const DOUBLE_CLICK_MS = 250;
/** Tick spacings for the relative-time axis, in seconds: round minutes, hours and days. */
const DURATION_INCREMENTS = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800,
  1209600, 2592000,
];

export class LineChart {
  private readonly callbacks: LineChartCallbacks;
  private readonly plot: LinePlot;
  private config: LineChartConfig;
  private series: readonly ChartSeries[] = [];
  /** uPlot series index -> index into this.series. */
  private owner: number[] = [];
  private zoom: Range | null = null;
  private pick: ChartPick | null = null;
  private pickTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly marker: HTMLDivElement;
  /** Where the last press on the plot went down (a click picks only if it did not move). */
  private press: { x: number; y: number } | null = null;
  /** uPlot asks for the y range on every scale change; sorting for percentiles is not free. */
  private yCache: { key: string; range: uPlot.Range.MinMax } | null = null;

  constructor(root: HTMLElement, width: number, config: LineChartConfig, callbacks: LineChartCallbacks) {
    this.config = config;
    this.callbacks = callbacks;
    this.plot = new LinePlot(root, width, (plotWidth) => this.make(plotWidth));
    this.marker = document.createElement("div");
    this.marker.dataset.testid = "step-marker";
  }

  /** The uPlot canvas (export), null before the first draw. */
  get canvas(): HTMLCanvasElement | null {
    return this.plot.uplot?.ctx.canvas ?? null;
  }

  /** The plot area inside the canvas, in CSS pixels (export draws the lines there). */
  get plotBox(): { left: number; top: number; width: number; height: number } | null {
    const u = this.plot.uplot;
    if (!u) return null;
    const r = devicePixelRatio || 1;
    return { left: u.bbox.left / r, top: u.bbox.top / r, width: u.bbox.width / r, height: u.bbox.height / r };
  }

  /** The chart as vectors (lines, axes, grid), null before the first draw. */
  vector(): VectorPlot | null {
    const box = this.plotBox;
    const scales = this.scales;
    const canvas = this.canvas;
    if (!box || !scales || !canvas) return null;
    const xaxis = this.config.xaxis;
    return linesVector(
      {
        width: canvas.width / (devicePixelRatio || 1),
        height: canvas.height / (devicePixelRatio || 1),
        box,
        x: scales.x,
        y: scales.y,
        logY: scales.logY,
        theme: this.config.theme,
        bands: this.bands(),
        lines: this.series.flatMap((s) => {
          if (s.thin) return [{ xs: s.xs, ys: s.smoothed ?? s.raw, color: withAlpha(s.color, THIN_ALPHA), width: 1 }];
          const raw = { xs: s.xs, ys: s.raw, color: s.smoothed ? withAlpha(s.color, RAW_ALPHA_SMOOTHED) : s.color, width: 1 };
          return s.smoothed ? [raw, { xs: s.xs, ys: s.smoothed, color: s.color, width: 1.5 }] : [raw];
        }),
        xLabel: (v) => (xaxis === "step" ? formatStep(v) : xaxis === "relative" ? formatDuration(v) : formatWallTime(v)),
        yLabel: formatValue,
      },
      niceTicks,
    );
  }

  /** Marks `pick` on the plot (null: none). */
  setPick(pick: ChartPick | null): void {
    this.pick = pick;
    const u = this.plot.uplot;
    if (u) this.placeMarker(u);
  }

  /** Width in CSS pixels of the plotting area (what the server downsamples to). */
  get plotWidth(): number {
    return this.plot.plotWidth;
  }

  get zoomRange(): Range | null {
    return this.zoom;
  }

  get scales(): ChartScales | null {
    return this.plot.scales;
  }

  setConfig(config: LineChartConfig): void {
    this.config = config;
    this.yCache = null;
    this.plot.rebuild();
  }

  /** Draws `series`; `zoom` is the x window to show (null: everything). */
  setData(series: readonly ChartSeries[], zoom: Range | null): void {
    this.series = series;
    this.zoom = zoom;
    this.yCache = null;
    const structure = series.map((s) => `${s.label}\u0000${s.color}\u0000${s.smoothed ? 1 : 0}${s.thin ? "t" : ""}`).join("\u0001");
    this.plot.update(structure, () => this.data());
  }

  resize(width: number): void {
    this.plot.resize(width, this.config.height);
  }

  destroy(): void {
    if (this.pickTimer !== null) clearTimeout(this.pickTimer);
    this.plot.destroy();
  }

  private data(): uPlot.AlignedData {
    const data: unknown[] = [null];
    for (const s of this.series) {
      if (s.thin) {
        data.push([s.xs, s.smoothed ?? s.raw]);
        continue;
      }
      data.push([s.xs, s.raw]);
      if (s.smoothed) data.push([s.xs, s.smoothed]);
    }
    return data as unknown as uPlot.AlignedData;
  }

  private make(width: number): PlotMaking {
    this.owner = [-1];
    const seriesOpts: uPlot.Series[] = [{}];
    this.series.forEach((s, i) => {
      if (s.thin) {
        seriesOpts.push({ label: s.label, stroke: withAlpha(s.color, THIN_ALPHA), width: 1 });
        this.owner.push(i);
        return;
      }
      const faint = s.smoothed !== null;
      seriesOpts.push({ label: s.label, stroke: faint ? withAlpha(s.color, RAW_ALPHA_SMOOTHED) : s.color, width: 1 });
      this.owner.push(i);
      if (s.smoothed) {
        seriesOpts.push({ label: `${s.label} (smoothed)`, stroke: s.color, width: 1.5 });
        this.owner.push(i);
      }
    });
    return { options: this.options(seriesOpts, width), data: this.data() };
  }

  private options(series: uPlot.Series[], width: number): uPlot.Options {
    return linePlotOptions({
      width,
      config: this.config,
      series,
      xRange: (min, max) => this.xRange(min, max),
      yRange: () => this.yRange(),
      relativeIncrs: DURATION_INCREMENTS,
      cursor: {
        // A hover dot per line costs a DOM node per series: only for cards with few lines.
        // (Where dots are wanted, `show` stays uPlot's own function: it creates them; a plain
        // `true` would replace it and draw none.)
        points: series.length <= 33 ? { size: 6 } : { show: false },
        dataIdx: (u: uPlot, seriesIdx: number) => this.hoverIndex(u, seriesIdx),
      },
      hooks: {
        setSelect: [(u: uPlot) => this.onSelect(u)],
        setCursor: [(u: uPlot) => this.plot.tooltip.follow(u, this.series, this.config.xaxis)],
        drawClear: [(u: uPlot) => drawBands(u, this.bands(), this.config.logY)],
        ready: [(u: uPlot) => this.bindPick(u)],
        draw: [(u: uPlot) => this.placeMarker(u)],
      },
      onDoubleClick: () => this.resetZoom(),
    });
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
    const columns = this.series.flatMap((s) => [
      { xs: s.xs, ys: s.smoothed ?? s.raw },
      ...(s.band ? [{ xs: s.xs, ys: s.band.low }, { xs: s.xs, ys: s.band.high }] : []),
    ]);
    const values = finiteValues(columns, this.zoom);
    const { logY, ignoreOutliers } = this.config;
    const range = logY ? logYDomain(values, ignoreOutliers) : yDomain(values, ignoreOutliers);
    this.yCache = { key, range };
    return range;
  }

  /** The bands of the series that have one, in their colours. */
  private bands(): BandToDraw[] {
    return this.series.flatMap((s) => (s.band ? [{ xs: s.xs, low: s.band.low, high: s.band.high, fill: withAlpha(s.color, BAND_ALPHA) }] : []));
  }

  private hoverIndex(u: uPlot, seriesIdx: number): number | null {
    const s = this.series[this.owner[seriesIdx] ?? -1];
    if (!s || u.cursor.left === undefined || u.cursor.left < 0) return null;
    const i = nearestIndex(s.xs, u.posToVal(u.cursor.left, "x"));
    return i < 0 ? null : i;
  }

  private onSelect(u: uPlot): void {
    const range = zoomToSelection(u, (zoom) => (this.zoom = zoom));
    if (range) this.callbacks.onZoom(range[0], range[1]);
  }

  private bindPick(u: uPlot): void {
    u.over.append(this.marker);
    u.over.addEventListener("mousedown", (event) => (this.press = { x: event.clientX, y: event.clientY }));
    u.over.addEventListener("click", (event) => {
      const press = this.press;
      this.press = null;
      if (this.pickTimer !== null) clearTimeout(this.pickTimer);
      this.pickTimer = null;
      // A double-click resets the zoom: it picks nothing (so a click waits to see if a second follows).
      if (event.detail > 1 || !press || Math.abs(event.clientX - press.x) > 2 || Math.abs(event.clientY - press.y) > 2) return;
      const x = u.posToVal(event.clientX - u.over.getBoundingClientRect().left, "x");
      const extend = event.shiftKey;
      this.pickTimer = setTimeout(() => {
        this.pickTimer = null;
        this.callbacks.onPick?.(x, extend);
      }, DOUBLE_CLICK_MS);
    });
  }

  private placeMarker(u: uPlot): void {
    const pick = this.pick;
    this.marker.hidden = pick === null;
    if (!pick) return;
    const a = u.valToPos(pick.x, "x");
    const b = pick.x2 === undefined ? a : u.valToPos(pick.x2, "x");
    const left = Math.min(a, b);
    this.marker.className = pick.x2 === undefined ? "tb-step-marker" : "tb-step-band";
    this.marker.style.left = `${left}px`;
    this.marker.style.width = pick.x2 === undefined ? "0" : `${Math.max(1, Math.abs(b - a))}px`;
    this.marker.style.height = `${u.over.clientHeight || u.bbox.height / (devicePixelRatio || 1)}px`;
  }

  private resetZoom(): void {
    this.zoom = null;
    const extent = xExtent(this.series);
    if (extent) this.plot.uplot?.setScale("x", { min: extent[0], max: extent[1] });
    this.callbacks.onResetZoom();
  }
}
