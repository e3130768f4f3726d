// Y-axis ranges as TensorBoard computes them (vz_chart_helpers computeDomain): finite values
// only; with "ignore outliers" the 5th..95th percentile instead of min..max; 20% padding; the
// axis starts just below 0 when that less than doubles the span; then rounded to nice ticks.

export type Range = [number, number];

/** d3.quantile on ascending values: linear interpolation at (n - 1) * p. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  if (p <= 0 || n === 1) return sorted[0] as number;
  if (p >= 1) return sorted[n - 1] as number;
  const i = (n - 1) * p;
  const lo = Math.floor(i);
  const a = sorted[lo] as number;
  const b = sorted[lo + 1] as number;
  return a + (b - a) * (i - lo);
}

/** d3's tickIncrement: a 1/2/5 x 10^k step giving about `count` ticks over [start, stop]. */
function tickStep(start: number, stop: number, count: number): number {
  const step = (stop - start) / count;
  const power = Math.floor(Math.log10(step));
  const error = step / Math.pow(10, power);
  const factor = error >= Math.sqrt(50) ? 10 : error >= Math.sqrt(10) ? 5 : error >= Math.sqrt(2) ? 2 : 1;
  return factor * Math.pow(10, power);
}

/** Widens [lo, hi] to multiples of a round tick step (d3's scale.nice()). */
export function niceRange(lo: number, hi: number, count = 10): Range {
  if (!(hi > lo) || !Number.isFinite(lo) || !Number.isFinite(hi)) return [lo, hi];
  let previous = NaN;
  for (let k = 0; k < 10; k++) {
    const step = tickStep(lo, hi, count);
    if (step === previous || !Number.isFinite(step) || step <= 0) break;
    lo = Math.floor(lo / step) * step;
    hi = Math.ceil(hi / step) * step;
    previous = step;
  }
  return [lo, hi];
}

/** Collects the finite values of `columns` (optionally only where lo <= x <= hi). */
export function finiteValues(
  columns: readonly { xs: ArrayLike<number>; ys: ArrayLike<number> }[],
  window: Range | null,
): Float64Array {
  let total = 0;
  for (const c of columns) total += c.ys.length;
  const out = new Float64Array(total);
  let n = 0;
  for (const { xs, ys } of columns) {
    for (let i = 0; i < ys.length; i++) {
      const y = ys[i] as number;
      if (!Number.isFinite(y)) continue;
      if (window) {
        const x = xs[i] as number;
        if (x < window[0] || x > window[1]) continue;
      }
      out[n++] = y;
    }
  }
  return out.subarray(0, n);
}

/** TensorBoard's y domain for finite `values` (sorted in place when ignoring outliers). */
export function yDomain(values: Float64Array, ignoreOutliers: boolean): Range {
  if (values.length === 0) return [-0.1, 1.1];
  let a: number;
  let b: number;
  if (ignoreOutliers) {
    values.sort();
    a = quantileSorted(values, 0.05);
    b = quantileSorted(values, 0.95);
  } else {
    [a, b] = minMax(values);
  }
  const span = b - a;
  const padding = span === 0 ? Math.abs(a) * 1.1 + 1.1 : span * 0.2;
  const lower = a >= 0 && a < span ? -0.1 * b : a - padding;
  return niceRange(lower, b + padding);
}

/** The y domain for a log axis: TensorBoard's rule applied to log10 of the positive values. */
export function logYDomain(values: Float64Array, ignoreOutliers: boolean): Range {
  const logs = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v > 0) logs[n++] = Math.log10(v);
  }
  if (n === 0) return [0.1, 10];
  const used = logs.subarray(0, n);
  let a: number;
  let b: number;
  if (ignoreOutliers) {
    used.sort();
    a = quantileSorted(used, 0.05);
    b = quantileSorted(used, 0.95);
  } else {
    [a, b] = minMax(used);
  }
  const padding = b === a ? 0.5 : (b - a) * 0.2;
  return [niceLogBound(Math.pow(10, a - padding), false), niceLogBound(Math.pow(10, b + padding), true)];
}

/** The nearest 1, 2 or 5 x 10^k at or below (or above, with `up`) a positive value. */
export function niceLogBound(value: number, up: boolean): number {
  const power = Math.floor(Math.log10(value));
  const base = Math.pow(10, power);
  const steps = up ? [1, 2, 5, 10] : [10, 5, 2, 1];
  for (const m of steps) {
    // Round first: 10 ** power is inexact, and 3 * 0.1 must not read as 0.30000000000000004.
    const bound = Number((m * base).toPrecision(12));
    if (up ? bound >= value : bound <= value) return bound;
  }
  return up ? base * 10 : base;
}

function minMax(values: Float64Array): Range {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}
