import { describe, expect, it } from "vitest";
import { finiteValues, logYDomain, niceLogBound, niceRange, quantileSorted, yDomain } from "./scale_range";

describe("y ranges", () => {
  it("computes quantiles as d3.quantile does", () => {
    const sorted = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(quantileSorted(sorted, 0.05)).toBeCloseTo(1.45, 12);
    expect(quantileSorted(sorted, 0.95)).toBeCloseTo(9.55, 12);
    expect(quantileSorted(sorted, 0.5)).toBe(5.5);
    expect(quantileSorted(Float64Array.from([3]), 0.95)).toBe(3);
  });

  it("ignores outliers with the 5th-95th percentile range", () => {
    const values = Array.from({ length: 100 }, (_, i) => 10 + (i % 10) / 10);
    values[50] = 1e6;
    const [lo, hi] = yDomain(Float64Array.from(values), true);
    expect(hi).toBeLessThan(20);
    expect(lo).toBeGreaterThan(5);
    const [, hiAll] = yDomain(Float64Array.from(values), false);
    expect(hiAll).toBeGreaterThanOrEqual(1e6);
  });

  it("pads by 20% and starts just below zero when that less than doubles the span", () => {
    // a=1, b=3: span 2 > a, so [-0.1*b, b + 0.2*span] = [-0.3, 3.4], niced to steps of 0.5.
    expect(yDomain(Float64Array.from([1, 3]), false)).toEqual([-0.5, 3.5]);
    // a=10, b=11: no zero; padding 0.2 each side.
    const [lo, hi] = yDomain(Float64Array.from([10, 11]), false);
    expect(lo).toBeCloseTo(9.8, 12);
    expect(hi).toBeCloseTo(11.2, 12);
  });

  it("handles constant and empty input like TensorBoard", () => {
    expect(yDomain(new Float64Array(0), true)).toEqual([-0.1, 1.1]);
    const [lo, hi] = yDomain(Float64Array.from([2, 2, 2]), true);
    expect(lo).toBeLessThan(2);
    expect(hi).toBeGreaterThan(2);
  });

  it("rounds to nice ticks", () => {
    expect(niceRange(0.13, 9.87)).toEqual([0, 10]);
  });

  it("keeps only finite values inside the x window", () => {
    const values = finiteValues(
      [{ xs: [0, 1, 2, 3], ys: [1, NaN, Infinity, 4] }, { xs: [5], ys: [9] }],
      [0, 3],
    );
    expect(Array.from(values)).toEqual([1, 4]);
  });

  it("rounds log bounds to 1, 2 or 5 times a power of ten", () => {
    expect(niceLogBound(0.3981, false)).toBe(0.2);
    expect(niceLogBound(0.3981, true)).toBe(0.5);
    expect(niceLogBound(7, true)).toBe(10);
    expect(niceLogBound(1000, false)).toBe(1000);
  });

  it("works in log space for a log axis", () => {
    const [lo, hi] = logYDomain(Float64Array.from([0, -1, 0.001, 10, 1000]), false);
    expect(lo).toBeGreaterThan(0);
    expect(lo).toBeLessThanOrEqual(0.001);
    expect(hi).toBeGreaterThanOrEqual(1000);
  });
});
