// Smoothing of one series, columnar in and out.
//
// emaSmooth is TensorBoard's "classic" debiased exponential moving average
// (line_chart_v2/data_transformer.ts classicSmoothing): non-finite values pass through and
// do not advance the debias count, and a constant series is returned unsmoothed (TB #786).
//
// timeEmaSmooth weights by x distance instead of by point count, so curves with different
// point densities smooth alike: between consecutive finite points the running average
// decays by weight ** (dx / (range / 1000)), range being the series' whole x extent. On
// 1001 evenly spaced points it equals emaSmooth. The server implements the same formulas
// (docs/http/api.md, smoothing_kind).

import type { SmoothingKind } from "../api/client";

export const DEFAULT_SMOOTHING = 0.6;
export const MAX_SMOOTHING = 0.999;
/** Virtual points per x range in the time-weighted EMA. */
export const TIME_EMA_RESOLUTION = 1000;

function clampWeight(weight: number): number {
  if (!Number.isFinite(weight) || weight <= 0) return 0;
  return weight >= 1 ? 1 : weight;
}

function isConstant(values: ArrayLike<number>): boolean {
  const first = values[0];
  for (let i = 1; i < values.length; i++) {
    if (values[i] !== first) return false;
  }
  // A lone NaN is not "constant" in TensorBoard either (NaN != NaN).
  return values.length === 0 || first === first;
}

/** TensorBoard's debiased EMA. Returns a new array the length of `values`. */
export function emaSmooth(values: ArrayLike<number>, weight: number): Float64Array {
  const w = clampWeight(weight);
  const n = values.length;
  const out = new Float64Array(n);
  if (isConstant(values)) {
    for (let i = 0; i < n; i++) out[i] = values[i] as number;
    return out;
  }
  let last = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const y = values[i] as number;
    if (!Number.isFinite(y)) {
      out[i] = y;
      continue;
    }
    last = last * w + (1 - w) * y;
    count++;
    const debias = w === 1 ? 1 : 1 - Math.pow(w, count);
    out[i] = last / debias;
  }
  return out;
}

/** Time-weighted (x-weighted) debiased EMA; `xs` must be ascending. */
export function timeEmaSmooth(xs: ArrayLike<number>, values: ArrayLike<number>, weight: number): Float64Array {
  const w = clampWeight(weight);
  const n = values.length;
  const out = new Float64Array(n);
  if (isConstant(values)) {
    for (let i = 0; i < n; i++) out[i] = values[i] as number;
    return out;
  }
  const range = n > 1 ? (xs[n - 1] as number) - (xs[0] as number) : 0;
  const unit = Number.isFinite(range) && range > 0 ? range / TIME_EMA_RESOLUTION : 0;
  let numerator = 0;
  let denominator = 0;
  let prevX = NaN;
  for (let i = 0; i < n; i++) {
    const y = values[i] as number;
    if (!Number.isFinite(y)) {
      out[i] = y;
      continue;
    }
    const x = xs[i] as number;
    if (denominator > 0) {
      // Without a usable x extent, fall back to one decay per point (the classic EMA).
      const exponent = unit > 0 ? Math.max(0, x - prevX) / unit : 1;
      const decay = Math.pow(w, exponent);
      numerator *= decay;
      denominator *= decay;
    }
    numerator += y;
    denominator += 1;
    out[i] = numerator / denominator;
    prevX = x;
  }
  return out;
}

/** Smooths with the given kind; weight 0 returns a copy of `values`. */
export function smooth(
  kind: SmoothingKind,
  xs: ArrayLike<number>,
  values: ArrayLike<number>,
  weight: number,
): Float64Array {
  if (clampWeight(weight) === 0) return Float64Array.from(values as ArrayLike<number>);
  return kind === "time_ema" ? timeEmaSmooth(xs, values, weight) : emaSmooth(values, weight);
}
