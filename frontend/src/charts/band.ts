// Bands: the filled area between a low and a high column under a line (grouped runs draw
// their spread so: min–max, ± std or a percentile range, computed on the server). A band is
// cut into segments of consecutive points where both ends are drawable; each segment is one
// polygon (the high edge left to right, then the low edge back), so a gap in the data stays a
// gap. The same segments give the canvas fill (drawBands, from uPlot's drawClear hook, so the
// lines are drawn over it) and the SVG polygons of an export (bandPolygons).

import type uPlot from "uplot";

/** A line's band and what its hover rows say about it. */
export interface SeriesBand {
  readonly low: Float64Array;
  readonly high: Float64Array;
  /** Members with a finite value at each point. */
  readonly count: Float64Array;
  /** Members of the group in all. */
  readonly members: number;
  /** What the line is ("mean", "median"). */
  readonly stat: string;
  /** What the band is ("min–max", "± std", "p10–p90"). */
  readonly kind: string;
}

/** The fill of a band drawn in `color`'s colour. */
export const BAND_ALPHA = 0.2;

/**
 * Index ranges [start, end) of the runs of consecutive points where `ok` holds for both the
 * low and the high value (non-finite values, and non-positive ones on a log scale, break a run).
 */
export function bandSegments(low: ArrayLike<number>, high: ArrayLike<number>, ok: (v: number) => boolean = Number.isFinite): [number, number][] {
  const out: [number, number][] = [];
  let start = -1;
  const n = Math.min(low.length, high.length);
  for (let i = 0; i < n; i++) {
    const good = ok(low[i] as number) && ok(high[i] as number);
    if (good && start < 0) start = i;
    else if (!good && start >= 0) {
      out.push([start, i]);
      start = -1;
    }
  }
  if (start >= 0) out.push([start, n]);
  return out;
}

/** The outline of one segment: the high edge left to right, then the low edge right to left. */
export function bandOutline(
  xs: ArrayLike<number>,
  low: ArrayLike<number>,
  high: ArrayLike<number>,
  [start, end]: [number, number],
  x: (v: number) => number,
  y: (v: number) => number,
): [number, number][] {
  const points: [number, number][] = [];
  for (let i = start; i < end; i++) points.push([x(xs[i] as number), y(high[i] as number)]);
  for (let i = end - 1; i >= start; i--) points.push([x(xs[i] as number), y(low[i] as number)]);
  return points;
}

/** SVG polygon "points" of each segment of a band, through the scales `x` and `y`. */
export function bandPolygons(
  xs: ArrayLike<number>,
  low: ArrayLike<number>,
  high: ArrayLike<number>,
  x: (v: number) => number,
  y: (v: number) => number,
  ok?: (v: number) => boolean,
): string[] {
  return bandSegments(low, high, ok).map((segment) =>
    bandOutline(xs, low, high, segment, x, y)
      .map(([px, py]) => `${px.toFixed(2)},${py.toFixed(2)}`)
      .join(" "),
  );
}

/** One band to draw: its x column, edges and fill colour. */
export interface BandToDraw {
  readonly xs: Float64Array;
  readonly low: Float64Array;
  readonly high: Float64Array;
  readonly fill: string;
}

/**
 * Fills `bands` on plot `u`'s canvas inside its plot box. A one-point segment is drawn as a
 * one-pixel bar, so an isolated step's spread still shows.
 */
export function drawBands(u: uPlot, bands: readonly BandToDraw[], logY: boolean): void {
  if (bands.length === 0) return;
  const ctx = u.ctx;
  const { left, top, width, height } = u.bbox;
  const ok = logY ? (v: number) => Number.isFinite(v) && v > 0 : Number.isFinite;
  const px = (v: number): number => u.valToPos(v, "x", true);
  const py = (v: number): number => u.valToPos(v, "y", true);
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top, width, height);
  ctx.clip();
  for (const band of bands) {
    ctx.fillStyle = band.fill;
    for (const segment of bandSegments(band.low, band.high, ok)) {
      const outline = bandOutline(band.xs, band.low, band.high, segment, px, py);
      if (segment[1] - segment[0] === 1) {
        const [[x, yHigh], [, yLow]] = outline as [[number, number], [number, number]];
        const w = Math.max(1, devicePixelRatio || 1);
        ctx.fillRect(x - w / 2, Math.min(yHigh, yLow), w, Math.max(1, Math.abs(yLow - yHigh)));
        continue;
      }
      ctx.beginPath();
      outline.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y)));
      ctx.closePath();
      ctx.fill();
    }
  }
  ctx.restore();
}
