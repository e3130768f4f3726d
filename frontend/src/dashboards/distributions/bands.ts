// Where a distribution card draws: the x of each step (by step, relative or wall time), the y of
// each of its nine basis-point values, the nested bands between them, and the step nearest the
// pointer. Pure functions; chart.ts strokes what they say.

import type { Scale } from "../../charts/linear_scale";
import { linearScale, padRange } from "../../charts/linear_scale";
import type { PlotRect } from "../../charts/canvas";
import type { DistributionSeries } from "../../api/distributions";

export type DistributionXAxis = "step" | "relative" | "wall";

/**
 * The bands, outermost first, as pairs of basis-point indices (0..8): min-max, then 6.68% to
 * 93.32%, 15.87% to 84.13%, 30.85% to 69.15%. The median (index 4) is drawn as a line.
 */
export const BANDS: readonly (readonly [number, number])[] = [
  [0, 8],
  [1, 7],
  [2, 6],
  [3, 5],
];
export const MEDIAN = 4;

/** Each step's x on `axis`: its step, its wall time, or seconds since the first step. */
export function xValues(series: DistributionSeries, axis: DistributionXAxis): Float64Array {
  if (axis === "step") return series.steps;
  if (axis === "wall") return series.wallTimes;
  const origin = series.wallTimes.length ? Math.min(...series.wallTimes) : 0;
  return series.wallTimes.map((w) => w - origin);
}

export interface DistributionLayout {
  readonly plot: PlotRect;
  readonly axis: DistributionXAxis;
  readonly x: Scale;
  readonly y: Scale;
  /** Step indices in x order (the order to draw in). */
  readonly order: readonly number[];
  /** Pixel x per step index. */
  readonly px: Float64Array;
  /** Pixel y per step index and basis point, row-major (NaN where the value is missing). */
  readonly py: Float64Array;
}

/** The finite range of every value, padded 5% (a unit around a single value). */
export function valueRange(values: Float64Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo > hi ? [0, 1] : padRange(lo, hi, 0.05);
}

export function layoutDistribution(series: DistributionSeries, axis: DistributionXAxis, plot: PlotRect): DistributionLayout {
  const xs = xValues(series, axis);
  const n = xs.length;
  const order = Array.from(xs.keys()).sort((a, b) => (xs[a] as number) - (xs[b] as number) || a - b);
  const first = n ? (xs[order[0] as number] as number) : 0;
  const last = n ? (xs[order[n - 1] as number] as number) : 1;
  const [x0, x1] = first === last ? padRange(first, last, 0) : [first, last];
  const x = linearScale(x0, x1, plot.left, plot.left + plot.width);
  const [y0, y1] = valueRange(series.values);
  const y = linearScale(y0, y1, plot.top + plot.height, plot.top);
  const px = xs.map((v) => x.map(v));
  const py = series.values.map((v) => (Number.isFinite(v) ? y.map(v) : NaN));
  return { plot, axis, x, y, order, px, py };
}

/**
 * Runs of consecutive steps (in x order) where both values of `pair` are present: each run is
 * drawn as one closed band, so a missing value leaves a gap rather than a spike.
 */
export function bandRuns(layout: DistributionLayout, width: number, pair: readonly [number, number]): number[][] {
  const runs: number[][] = [];
  let current: number[] = [];
  for (const i of layout.order) {
    const ok = Number.isFinite(layout.py[i * width + pair[0]]) && Number.isFinite(layout.py[i * width + pair[1]]);
    if (ok) current.push(i);
    else if (current.length) {
      runs.push(current);
      current = [];
    }
  }
  if (current.length) runs.push(current);
  return runs;
}

/** The step index whose x is nearest pixel `px`, or -1 when there are none. */
export function nearestStep(layout: DistributionLayout, px: number): number {
  let best = -1;
  let distance = Infinity;
  for (const i of layout.order) {
    const d = Math.abs((layout.px[i] as number) - px);
    if (d < distance) [best, distance] = [i, d];
  }
  return best;
}
