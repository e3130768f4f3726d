// A margin chart over uPlot: per run, the value line (raw faint and smoothed on top when
// smoothing is on, as LineChart draws it) and a filled band between its lower and upper
// lines. Like LineChart (src/charts/line_chart.ts), it uses uPlot's faceted mode so every
// line keeps its own x columns, the y range follows TensorBoard's rules (here over the value
// and both bounds), drag selects an x range (onZoom) and a double click resets it.
//
// The band is drawn by a drawClear hook, under the grid and the lines: the lower line
// forwards and the upper line backwards as one polygon, so the two may be sampled at
// different x (each tag is downsampled on its own).

import type uPlot from "uplot";
import type { ChartScales, ChartSeries, LineChartCallbacks, LineChartConfig } from "../../charts/line_chart";
import type { PlotMaking } from "../../charts/line_plot";
import { LinePlot, linePlotOptions, withAlpha, xExtent, zoomToSelection } from "../../charts/line_plot";
import type { Range } from "../../charts/scale_range";
import { finiteValues, logYDomain, yDomain } from "../../charts/scale_range";
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

function columnsOf(bands: readonly DrawnBand[]): { xs: Float64Array; ys: Float64Array }[] {
  const columns: { xs: Float64Array; ys: Float64Array }[] = [];
  for (const band of bands) {
    if (band.value) columns.push({ xs: band.value.xs, ys: band.value.smoothed ?? band.value.raw });
    if (band.lower) columns.push(band.lower);
    if (band.upper) columns.push(band.upper);
  }
  return columns;
}

export class MarginChart {
  private readonly callbacks: MarginChartCallbacks;
  private readonly plot: LinePlot;
  private config: LineChartConfig;
  private bands: readonly DrawnBand[] = [];
  private zoom: Range | null = null;
  private drawn: BandDrawn[] = [];

  constructor(root: HTMLElement, width: number, config: LineChartConfig, callbacks: MarginChartCallbacks) {
    this.config = config;
    this.callbacks = callbacks;
    this.plot = new LinePlot(root, width, (plotWidth) => this.make(plotWidth));
  }

  get plotWidth(): number {
    return this.plot.plotWidth;
  }

  get scales(): ChartScales | null {
    return this.plot.scales;
  }

  /** The bands filled by the last draw. */
  get bandsDrawn(): readonly BandDrawn[] {
    return this.drawn;
  }

  setConfig(config: LineChartConfig): void {
    this.config = config;
    this.plot.rebuild();
  }

  setData(bands: readonly DrawnBand[], zoom: Range | null): void {
    this.bands = bands;
    this.zoom = zoom;
    const structure = bands
      .map((b) => `${b.run}\u0000${b.color}\u0000${b.value ? (b.value.smoothed ? 2 : 1) : 0}${b.lower ? 1 : 0}${b.upper ? 1 : 0}`)
      .join("\u0001");
    this.plot.update(structure, () => this.data());
  }

  resize(width: number): void {
    this.plot.resize(width, this.config.height);
  }

  destroy(): void {
    this.plot.destroy();
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

  private make(width: number): PlotMaking {
    return { options: this.options(this.seriesOptions(), width), data: this.data() };
  }

  private options(series: uPlot.Series[], width: number): uPlot.Options {
    return linePlotOptions({
      width,
      config: this.config,
      series,
      xRange: (min, max) => this.xRange(min, max),
      yRange: () => this.yRange(),
      cursor: { points: { show: false } },
      hooks: {
        drawClear: [(u: uPlot) => this.drawBands(u)],
        setSelect: [(u: uPlot) => this.onSelect(u)],
        setCursor: [(u: uPlot) => this.plot.tooltip.follow(u, this.valueSeries(), this.config.xaxis)],
      },
      onDoubleClick: () => this.resetZoom(),
    });
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
    return xExtent(columnsOf(this.bands)) ?? [min ?? 0, max ?? 1];
  }

  private yRange(): uPlot.Range.MinMax {
    const values = finiteValues(columnsOf(this.bands), this.zoom);
    const { logY, ignoreOutliers } = this.config;
    return logY ? logYDomain(values, ignoreOutliers) : yDomain(values, ignoreOutliers);
  }

  private onSelect(u: uPlot): void {
    const range = zoomToSelection(u, (zoom) => (this.zoom = zoom));
    if (range) this.callbacks.onZoom(range[0], range[1]);
  }

  private resetZoom(): void {
    this.zoom = null;
    const extent = xExtent(columnsOf(this.bands));
    if (extent) this.plot.uplot?.setScale("x", { min: extent[0], max: extent[1] });
    this.callbacks.onResetZoom();
  }
}
