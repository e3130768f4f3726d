import { describe, expect, it } from "vitest";
import { ApiError } from "../../api/client";
import { fakeDistributions } from "../../api/fake_histogram_routes";
import { convertDistributions } from "../../api/distributions";
import { bandRuns, BANDS, layoutDistribution, MEDIAN, nearestStep, valueRange, xValues } from "./bands";
import { formatX } from "./chart";

const plot = { left: 0, top: 0, width: 300, height: 100 };

describe("distribution answers", () => {
  it("convert to columns with NaN for missing values", () => {
    const series = convertDistributions(fakeDistributions("r", "t", 3));
    expect(Array.from(series.steps)).toEqual([0, 1, 2]);
    expect(series.basisPoints.length).toBe(9);
    expect(series.values[4]).toBe(5); // step 0, median: 5000 / 1000
    expect(series.values[9]).toBeNaN(); // step 1, minimum: null
    expect(series.values[9 + 8]).toBe(11);
  });

  it("refuse ragged rows", () => {
    const wire = fakeDistributions("r", "t", 2);
    expect(() => convertDistributions({ ...wire, values: [[1, 2], [3]] })).toThrow(ApiError);
    expect(() => convertDistributions({ ...wire, steps: [0] })).toThrow(/1 steps, 2 wall times/);
  });
});

describe("distribution layout", () => {
  const series = convertDistributions(fakeDistributions("r", "t", 4));

  it("places steps on the chosen x axis", () => {
    expect(Array.from(xValues(series, "step"))).toEqual([0, 1, 2, 3]);
    expect(Array.from(xValues(series, "relative"))).toEqual([0, 1, 2, 3]);
    expect(Array.from(xValues(series, "wall"))).toEqual([1000, 1001, 1002, 1003]);
    const layout = layoutDistribution(series, "step", plot);
    expect(Array.from(layout.px)).toEqual([0, 100, 200, 300]);
    expect(formatX("step", 1200)).toBe("1.2k");
    expect(formatX("relative", 90)).toBe("1m 30s");
  });

  it("scales values to the padded finite range", () => {
    expect(valueRange(Float64Array.from([0, 10, NaN, Infinity]))).toEqual([-0.5, 10.5]);
    expect(valueRange(Float64Array.from([NaN]))).toEqual([0, 1]);
    const layout = layoutDistribution(series, "step", plot);
    const [lo, hi] = layout.y.domain;
    expect(lo).toBeCloseTo(-0.65);
    expect(hi).toBeCloseTo(13.65);
    expect(layout.py[4]).toBeCloseTo(layout.y.map(5)); // step 0's median
    expect(layout.py[9]).toBeNaN();
  });

  it("splits bands where a value is missing and finds the nearest step", () => {
    const layout = layoutDistribution(series, "step", plot);
    expect(bandRuns(layout, 9, BANDS[0] as [number, number])).toEqual([[0], [2, 3]]);
    expect(bandRuns(layout, 9, [MEDIAN, MEDIAN])).toEqual([[0, 1, 2, 3]]);
    expect(nearestStep(layout, 140)).toBe(1);
    expect(nearestStep(layout, 290)).toBe(3);
  });

  it("orders steps by x when they were logged out of order", () => {
    const wire = fakeDistributions("r", "t", 3);
    const shuffled = convertDistributions({ ...wire, steps: [2, 0, 1] });
    const layout = layoutDistribution(shuffled, "step", plot);
    expect(layout.order).toEqual([1, 2, 0]);
  });
});
