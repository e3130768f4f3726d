// Linear scales and round tick values for the canvas charts of Histograms and Distributions.

export interface Scale {
  readonly domain: readonly [number, number];
  readonly range: readonly [number, number];
  /** Domain value -> pixel. */
  map(value: number): number;
  /** Pixel -> domain value. */
  invert(pixel: number): number;
}

/** Maps [d0, d1] linearly onto [r0, r1]; a zero-width domain maps to the range's middle. */
export function linearScale(d0: number, d1: number, r0: number, r1: number): Scale {
  const span = d1 - d0;
  const k = span !== 0 && Number.isFinite(span) ? (r1 - r0) / span : 0;
  const middle = (r0 + r1) / 2;
  return {
    domain: [d0, d1],
    range: [r0, r1],
    map: (v) => (k === 0 ? middle : r0 + (v - d0) * k),
    invert: (p) => (k === 0 ? d0 : d0 + (p - r0) / k),
  };
}

/** A 1, 2 or 5 x 10^k step giving about `count` ticks over [lo, hi]. */
export function tickStep(lo: number, hi: number, count: number): number {
  const raw = (hi - lo) / Math.max(1, count);
  if (!(raw > 0) || !Number.isFinite(raw)) return 0;
  const power = Math.floor(Math.log10(raw));
  const error = raw / Math.pow(10, power);
  const factor = error >= Math.sqrt(50) ? 10 : error >= Math.sqrt(10) ? 5 : error >= Math.sqrt(2) ? 2 : 1;
  return factor * Math.pow(10, power);
}

/** Round values inside [lo, hi], about `count` of them (just `lo` when the range is empty). */
export function niceTicks(lo: number, hi: number, count: number): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  const step = tickStep(lo, hi, count);
  if (step === 0) return [lo];
  const ticks: number[] = [];
  const first = Math.ceil(lo / step);
  const last = Math.floor(hi / step);
  for (let i = first; i <= last; i++) {
    // Multiplying (not adding) keeps 0.1 * 3 from drifting; toPrecision trims the rest.
    ticks.push(Number((i * step).toPrecision(12)));
  }
  return ticks;
}

/** [lo, hi] padded by `fraction` of its span on both sides (a unit around a single value). */
export function padRange(lo: number, hi: number, fraction: number): [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (hi === lo) {
    const half = lo === 0 ? 0.5 : Math.abs(lo) * 0.1;
    return [lo - half, hi + half];
  }
  const pad = (hi - lo) * fraction;
  return [lo - pad, hi + pad];
}
