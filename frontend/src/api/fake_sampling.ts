// What the server does to one series before sending it (docs/http/api.md, GET /api/scalars),
// re-implemented for the in-memory fake: restrict to [xmin, xmax] (plus the nearest point
// outside each end), then keep per pixel column the first, min, max and last point, always
// including the latest point.

/** Index of the first element >= x in ascending `xs`. */
export function lowerBound(xs: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((xs[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first element > x in ascending `xs`. */
export function upperBound(xs: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((xs[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** [start, end) of the points in [xmin, xmax], widened by one point on each side. */
export function rangeIndices(xs: ArrayLike<number>, xmin?: number, xmax?: number): [number, number] {
  if (xmin === undefined || xmax === undefined) return [0, xs.length];
  const start = Math.max(0, lowerBound(xs, xmin) - 1);
  const end = Math.min(xs.length, upperBound(xs, xmax) + 1);
  return [start, Math.max(start, end)];
}

/**
 * Indices (ascending) of the points kept for a plot `width` pixels wide: all of them when
 * there are at most 4 per pixel, else each column's first, min, max and last point.
 */
export function downsampleIndices(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  start: number,
  end: number,
  width: number,
): Uint32Array {
  const n = end - start;
  const columns = Math.max(1, Math.floor(width));
  if (n <= 4 * columns) {
    const all = new Uint32Array(Math.max(0, n));
    for (let i = 0; i < n; i++) all[i] = start + i;
    return all;
  }
  const x0 = xs[start] as number;
  const span = (xs[end - 1] as number) - x0;
  const kept: number[] = [];
  let column = -1;
  let first = 0;
  let min = -1;
  let max = -1;
  let last = 0;
  const flush = (): void => {
    const picks = [first, min, max, last].filter((i) => i >= 0).sort((a, b) => a - b);
    for (let k = 0; k < picks.length; k++) {
      if (k === 0 || picks[k] !== picks[k - 1]) kept.push(picks[k] as number);
    }
  };
  for (let i = start; i < end; i++) {
    const x = xs[i] as number;
    const c = span > 0 ? Math.min(columns - 1, Math.floor(((x - x0) / span) * columns)) : 0;
    if (c !== column) {
      if (column >= 0) flush();
      column = c;
      first = i;
      min = -1;
      max = -1;
    }
    const y = ys[i] as number;
    if (y === y) {
      if (min < 0 || y < (ys[min] as number)) min = i;
      if (max < 0 || y > (ys[max] as number)) max = i;
    }
    last = i;
  }
  flush();
  return Uint32Array.from(kept);
}

/** Gathers `source[indices[k]]` into a new array. */
export function gather(source: ArrayLike<number>, indices: Uint32Array): Float64Array {
  const out = new Float64Array(indices.length);
  for (let k = 0; k < indices.length; k++) out[k] = source[indices[k] as number] as number;
  return out;
}
