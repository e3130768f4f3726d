// The uPlot pieces every line chart of runs shares (LineChart, and Custom scalars' margin
// chart): the plot's life in its element (LinePlot: made again when the lines change, fed new
// points otherwise, with the hover tooltip over it), faceted-mode options with the step /
// relative-time / wall-time x axis and the value y axis, x extents over columns, and
// drag-to-zoom on x.
//
//   const plot = new LinePlot(root, width, (width) => ({ options: linePlotOptions({ width, config, series,
//     xRange, yRange, cursor: {}, hooks: { setSelect: [(u) => zoomToSelection(u, (range) => (zoom = range))] },
//     onDoubleClick: reset }), data: data() }));
//   plot.update(linesKey, data);   // rebuilds when linesKey changed, else only sets the data

import uPlot from "uplot";
import { chartPalette } from "../core/theme";
import { formatDuration, formatStep, formatValue } from "./format";
import type { ChartScales, LineChartConfig } from "./line_chart";
import type { Range } from "./scale_range";
import { Tooltip } from "./tooltip";

/** Pixels a drag must cover to zoom (shorter ones are clicks). */
const MIN_SELECTION_PX = 3;

/** `color` (#rrggbb) with an alpha, as rgba(). */
export function withAlpha(color: string, alpha: number): string {
  const hex = color.replace("#", "");
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

/** The x range of ascending columns (widened by 1 each way around a single x), or null when all are empty. */
export function xExtent(columns: Iterable<{ readonly xs: Float64Array }>): Range | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const { xs } of columns) {
    if (xs.length === 0) continue;
    lo = Math.min(lo, xs[0] as number);
    hi = Math.max(hi, xs[xs.length - 1] as number);
  }
  if (lo > hi) return null;
  return lo === hi ? [lo - 1, hi + 1] : [lo, hi];
}

/** Room the y axis and padding take from a chart's width before the plot exists (measured). */
const AXIS_ALLOWANCE = 81;
const MIN_WIDTH = 100;

/** What a plot is made of: its options and first data. */
export interface PlotMaking {
  readonly options: uPlot.Options;
  readonly data: uPlot.AlignedData;
}

/**
 * A chart's uPlot in `root` with the hover tooltip over it: made again (by `make`, for the
 * width) when the lines drawn change, only fed new points when just those do.
 */
export class LinePlot {
  readonly tooltip: Tooltip;
  private readonly root: HTMLElement;
  private readonly make: (width: number) => PlotMaking;
  private current: uPlot | null = null;
  private structure = "";
  private widthPx: number;

  constructor(root: HTMLElement, width: number, make: (width: number) => PlotMaking) {
    this.root = root;
    this.widthPx = Math.max(MIN_WIDTH, Math.floor(width));
    this.make = make;
    this.tooltip = new Tooltip(root);
  }

  /** The uPlot (null before the first draw and after destroy). */
  get uplot(): uPlot | null {
    return this.current;
  }

  /** Width in CSS pixels of the plotting area (estimated before the plot exists). */
  get plotWidth(): number {
    return this.current ? Math.floor(this.current.bbox.width / devicePixelRatio) : Math.max(1, this.widthPx - AXIS_ALLOWANCE);
  }

  /** The x and y ranges shown (null before the first draw). */
  get scales(): ChartScales | null {
    const scales = this.current?.scales;
    if (!scales?.x || !scales.y) return null;
    const { x, y } = scales;
    return { x: [x.min ?? NaN, x.max ?? NaN], y: [y.min ?? NaN, y.max ?? NaN], logY: y.distr === 3 };
  }

  /** Draws new points: makes the plot again when `structure` (what identifies the lines) changed. */
  update(structure: string, data: () => uPlot.AlignedData): void {
    if (!this.current || structure !== this.structure) {
      this.structure = structure;
      this.rebuild();
      return;
    }
    this.current.setData(data(), true);
  }

  /** Makes the plot again (the lines or the options changed). */
  rebuild(): void {
    this.current?.destroy();
    this.current = null;
    this.tooltip.hide();
    const { options, data } = this.make(this.widthPx);
    this.current = new uPlot(options, data, this.root);
    this.root.append(this.tooltip.element);
  }

  resize(width: number, height: number): void {
    this.widthPx = Math.max(MIN_WIDTH, Math.floor(width));
    this.current?.setSize({ width: this.widthPx, height });
  }

  destroy(): void {
    this.current?.destroy();
    this.current = null;
    this.tooltip.element.remove();
  }
}

export interface LinePlotParts {
  readonly width: number;
  readonly config: LineChartConfig;
  readonly series: uPlot.Series[];
  xRange(min: number | null, max: number | null): uPlot.Range.MinMax;
  yRange(): uPlot.Range.MinMax;
  /** Tick spacings of the relative-time axis, in seconds (default: uPlot's). */
  readonly relativeIncrs?: number[];
  /** Hover dots and the hovered index (drag and focus are set here). */
  readonly cursor: Pick<uPlot.Cursor, "points" | "dataIdx">;
  readonly hooks: uPlot.Hooks.Arrays;
  onDoubleClick(): void;
}

/** uPlot options of a line chart in faceted mode (mode 2: every line keeps its own x column). */
export function linePlotOptions(parts: LinePlotParts): uPlot.Options {
  const { config, relativeIncrs } = parts;
  const palette = chartPalette(config.theme);
  const axis = { stroke: palette.axis, grid: { stroke: palette.grid, width: 1 }, ticks: { stroke: palette.grid } };
  const xaxis = config.xaxis;
  return {
    mode: 2 as uPlot.Mode,
    width: parts.width,
    height: config.height,
    legend: { show: false },
    series: parts.series,
    scales: {
      x: { time: xaxis === "wall", auto: true, range: (_u, min, max) => parts.xRange(min, max) },
      y: { auto: true, distr: config.logY ? 3 : 1, log: 10, range: () => parts.yRange() },
    },
    axes: [
      {
        ...axis,
        ...(xaxis === "relative" && relativeIncrs ? { incrs: relativeIncrs } : {}),
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
      ...parts.cursor,
      bind: {
        dblclick: () => () => {
          parts.onDoubleClick();
          return null;
        },
      },
    },
    hooks: parts.hooks,
  };
}

/**
 * After a drag over plot `u`: zooms x to the selected range (when wider than a click) and
 * returns it. `setZoom` records the range before the x scale is set, so the chart's x range
 * function already sees it.
 */
export function zoomToSelection(u: uPlot, setZoom: (range: Range) => void): Range | null {
  const { left, width } = u.select;
  if (width < MIN_SELECTION_PX) return null;
  const range: Range = [u.posToVal(left, "x"), u.posToVal(left + width, "x")];
  u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
  setZoom(range);
  u.setScale("x", { min: range[0], max: range[1] });
  return range;
}
