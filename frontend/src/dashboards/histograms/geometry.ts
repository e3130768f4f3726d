// Where a histogram card draws each step, and what is under the pointer: pure functions of
// the series, the mode and the plot rectangle (the canvas code only strokes what this says).
//
// Offset mode (TensorBoard's default): a ridgeline. Each step's histogram rises from its own
// baseline; baselines go down the plot by step, so the oldest is at the back (top) and the
// newest in front (bottom, drawn last). Overlay mode: every step from one baseline, on one
// count axis, the newest drawn last.

import type { HistogramSeries } from "../../api/histograms";
import type { PlotRect } from "../../charts/canvas";
import type { Scale } from "../../charts/linear_scale";
import { linearScale } from "../../charts/linear_scale";

export type HistogramMode = "offset" | "overlay";

export interface Slice {
  /** Index of the step in the series. */
  readonly index: number;
  readonly step: number;
  /** 0 for the oldest step drawn, 1 for the newest (colour and emphasis follow it). */
  readonly age: number;
  readonly baseline: number;
  /** Pixel y of each bin's count, at the bin centres `HistogramLayout.centers`. */
  readonly ys: Float64Array;
}

export interface HistogramLayout {
  readonly mode: HistogramMode;
  readonly plot: PlotRect;
  readonly x: Scale;
  /** Pixel x of each bin's centre. */
  readonly centers: Float64Array;
  /** The largest count of any bin of any step (heights scale to it). */
  readonly maxCount: number;
  /** Offset: the step axis (baselines); overlay: the count axis. */
  readonly y: Scale;
  /** Back to front: the order to draw in. */
  readonly slices: readonly Slice[];
}

/** Share of the plot's height the tallest bin of a step takes in offset mode. */
export const OFFSET_SLICE_HEIGHT = 0.4;

export function binWidth(series: HistogramSeries): number {
  if (series.xMin === null || series.xMax === null || series.bins === 0) return 0;
  return (series.xMax - series.xMin) / series.bins;
}

/** Step indices ordered by step (ties keep their order): oldest first. */
function byStep(steps: Float64Array): number[] {
  return Array.from(steps.keys()).sort((a, b) => (steps[a] as number) - (steps[b] as number) || a - b);
}

export function layoutHistograms(series: HistogramSeries, mode: HistogramMode, plot: PlotRect): HistogramLayout {
  const n = series.steps.length;
  const bins = series.bins;
  const xMin = series.xMin ?? 0;
  const xMax = series.xMax ?? 1;
  const x = linearScale(xMin, xMax, plot.left, plot.left + plot.width);
  const w = binWidth(series);
  const centers = new Float64Array(bins);
  for (let b = 0; b < bins; b++) centers[b] = x.map(xMin + (b + 0.5) * w);
  let maxCount = 0;
  for (const c of series.counts) if (c > maxCount) maxCount = c;
  const bottom = plot.top + plot.height;
  const order = byStep(series.steps);
  const firstStep = n ? (series.steps[order[0] as number] as number) : 0;
  const lastStep = n ? (series.steps[order[n - 1] as number] as number) : 0;
  const offset = mode === "offset" && n > 1;
  const sliceHeight = offset ? plot.height * OFFSET_SLICE_HEIGHT : plot.height;
  const y = mode === "offset" ? linearScale(firstStep, lastStep, plot.top + sliceHeight, bottom) : linearScale(0, maxCount || 1, bottom, plot.top);
  const slices = order.map((index, rank) => {
    const baseline = offset ? y.map(series.steps[index] as number) : bottom;
    const ys = new Float64Array(bins);
    for (let b = 0; b < bins; b++) {
      const count = series.counts[index * bins + b] as number;
      ys[b] = baseline - (maxCount > 0 ? (count / maxCount) * sliceHeight : 0);
    }
    return { index, step: series.steps[index] as number, age: n > 1 ? rank / (n - 1) : 1, baseline, ys };
  });
  return { mode, plot, x, centers, maxCount, y, slices };
}

export interface HistogramHover {
  /** Index of the step in the series. */
  readonly index: number;
  readonly step: number;
  readonly wallTime: number;
  readonly bin: number;
  /** The bin: [left, right) and its count (resampled onto the card's grid). */
  readonly left: number;
  readonly right: number;
  readonly count: number;
}

/** The bin of the grid at pixel x, or -1 outside the plot. */
export function binAt(layout: HistogramLayout, series: HistogramSeries, px: number): number {
  const { left, width } = layout.plot;
  if (series.xMin === null || px < left || px > left + width || series.bins === 0) return -1;
  const value = layout.x.invert(px);
  return Math.min(series.bins - 1, Math.max(0, Math.floor((value - series.xMin) / binWidth(series))));
}

/** The slice index (into layout.slices) under (px, py) for bin `bin`. */
function sliceAt(layout: HistogramLayout, bin: number, py: number): number {
  const slices = layout.slices;
  if (layout.mode === "overlay") {
    let best = -1;
    let distance = Infinity;
    slices.forEach((slice, i) => {
      const d = Math.abs((slice.ys[bin] as number) - py);
      if (d <= distance) [best, distance] = [i, d];
    });
    return best;
  }
  // Offset: the front-most ridge covering the pointer, else the nearest baseline below it,
  // else the nearest baseline.
  for (let i = slices.length - 1; i >= 0; i--) {
    const slice = slices[i] as Slice;
    if (py <= slice.baseline && py >= (slice.ys[bin] as number)) return i;
  }
  let best = -1;
  let distance = Infinity;
  slices.forEach((slice, i) => {
    const below = slice.baseline >= py;
    const d = Math.abs(slice.baseline - py) + (below ? 0 : 1e6);
    if (d < distance) [best, distance] = [i, d];
  });
  return best;
}

/** What is under the pointer at (px, py) in CSS pixels of the canvas, or null. */
export function hitTest(layout: HistogramLayout, series: HistogramSeries, px: number, py: number): HistogramHover | null {
  const { top, height } = layout.plot;
  if (py < top || py > top + height || layout.slices.length === 0) return null;
  const bin = binAt(layout, series, px);
  if (bin < 0) return null;
  const found = sliceAt(layout, bin, py);
  if (found < 0) return null;
  return hoverAt(series, (layout.slices[found] as Slice).index, bin);
}

/** The hover data of step `index`, bin `bin`. */
export function hoverAt(series: HistogramSeries, index: number, bin: number): HistogramHover {
  const w = binWidth(series);
  const left = (series.xMin ?? 0) + bin * w;
  return {
    index,
    step: series.steps[index] as number,
    wallTime: series.wallTimes[index] as number,
    bin,
    left,
    right: left + w,
    count: series.counts[index * series.bins + bin] as number,
  };
}
