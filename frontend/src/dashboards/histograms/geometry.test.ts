import { describe, expect, it } from "vitest";
import type { HistogramSeries } from "../../api/histograms";
import { decodeHistogramsBinary } from "../../api/histograms";
import { linearScale, niceTicks, padRange, tickStep } from "../../charts/linear_scale";
import { encodeHistogramsBinary } from "../../api/histograms_binary_encode";
import { mixColor, withAlpha } from "../../charts/canvas";
import { binAt, hitTest, hoverAt, layoutHistograms, OFFSET_SLICE_HEIGHT } from "./geometry";

/** Steps 0, 10, 20 (given out of order: 20 first) of 4 bins over [0, 4]. */
function series(): HistogramSeries {
  return {
    run: "r",
    tag: "t",
    totalSteps: 3,
    bins: 4,
    xMin: 0,
    xMax: 4,
    steps: Float64Array.from([20, 0, 10]),
    wallTimes: Float64Array.from([1020, 1000, 1010]),
    counts: Float32Array.from([0, 0, 2, 8, 8, 2, 0, 0, 0, 4, 4, 0]),
  };
}

const plot = { left: 10, top: 0, width: 400, height: 100 };

describe("histogram layout", () => {
  it("draws one slice per step, oldest first, the newest in front at the bottom", () => {
    const layout = layoutHistograms(series(), "offset", plot);
    expect(layout.slices.map((s) => s.step)).toEqual([0, 10, 20]);
    expect(layout.slices.map((s) => s.age)).toEqual([0, 0.5, 1]);
    const baselines = layout.slices.map((s) => s.baseline);
    expect(baselines[0]).toBeCloseTo(OFFSET_SLICE_HEIGHT * 100);
    expect(baselines[2]).toBe(100);
    expect(baselines[1]).toBeCloseTo((40 + 100) / 2);
    expect(Array.from(layout.centers)).toEqual([60, 160, 260, 360]);
    // The tallest bin of all (8) reaches the slice height above its baseline.
    expect(layout.maxCount).toBe(8);
    expect(layout.slices[2]?.ys[3]).toBeCloseTo(100 - 40);
    expect(layout.slices[2]?.ys[0]).toBe(100);
  });

  it("overlays every step on one count axis", () => {
    const layout = layoutHistograms(series(), "overlay", plot);
    expect(layout.slices.every((s) => s.baseline === 100)).toBe(true);
    expect(layout.slices[0]?.ys[0]).toBeCloseTo(0); // 8 of 8: the top of the plot
    expect(layout.y.map(4)).toBeCloseTo(50);
  });

  it("gives a single step the whole height, and an empty series no slices", () => {
    const one = { ...series(), steps: Float64Array.from([5]), wallTimes: Float64Array.from([1]), counts: Float32Array.from([1, 2, 3, 4]) };
    const layout = layoutHistograms(one, "offset", plot);
    expect(layout.slices[0]?.baseline).toBe(100);
    expect(layout.slices[0]?.ys[3]).toBe(0);
    const none = { ...series(), steps: new Float64Array(0), wallTimes: new Float64Array(0), counts: new Float32Array(0), xMin: null, xMax: null };
    expect(layoutHistograms(none, "offset", plot).slices).toEqual([]);
  });
});

describe("histogram hover", () => {
  it("finds the bin under the pointer", () => {
    const layout = layoutHistograms(series(), "overlay", plot);
    expect(binAt(layout, series(), 10)).toBe(0);
    expect(binAt(layout, series(), 165)).toBe(1);
    expect(binAt(layout, series(), 410)).toBe(3);
    expect(binAt(layout, series(), 5)).toBe(-1);
  });

  it("picks the front-most ridge covering the pointer in offset mode", () => {
    const s = series();
    const layout = layoutHistograms(s, "offset", plot);
    // Bin 3 of step 20 (the front) rises from 100 to 60: the pointer at y=80 is on it.
    expect(hitTest(layout, s, 370, 80)).toMatchObject({ step: 20, bin: 3, left: 3, right: 4, count: 8, wallTime: 1020 });
    // Bin 0 of step 0 (the back) rises from 40 to 0: above every other ridge.
    expect(hitTest(layout, s, 50, 20)).toMatchObject({ step: 0, bin: 0, count: 8 });
    expect(hitTest(layout, s, 50, 120)).toBeNull();
  });

  it("picks the nearest curve in overlay mode", () => {
    const s = series();
    const layout = layoutHistograms(s, "overlay", plot);
    expect(hitTest(layout, s, 370, 2)).toMatchObject({ step: 20, count: 8 });
    // Steps 0 and 10 both have no count there: the newer one, drawn in front, wins.
    expect(hitTest(layout, s, 370, 95)).toMatchObject({ step: 10, count: 0 });
    expect(hitTest(layout, s, 260, 52)).toMatchObject({ step: 10, bin: 2, count: 4 });
    expect(hitTest(layout, s, 260, 74)).toMatchObject({ step: 20, bin: 2, count: 2 });
    expect(hoverAt(s, 2, 1)).toMatchObject({ step: 10, bin: 1, left: 1, right: 2, count: 4 });
  });
});

describe("binary answer", () => {
  it("decodes what the server's layout encodes", () => {
    const decoded = decodeHistogramsBinary(encodeHistogramsBinary(series()));
    expect(decoded).toMatchObject({ run: "r", tag: "t", totalSteps: 3, bins: 4, xMin: 0, xMax: 4 });
    expect(Array.from(decoded.steps)).toEqual([20, 0, 10]);
    expect(Array.from(decoded.wallTimes)).toEqual([1020, 1000, 1010]);
    expect(Array.from(decoded.counts)).toEqual(Array.from(series().counts));
  });

  it("refuses truncated or inconsistent bodies", () => {
    expect(() => decodeHistogramsBinary(new ArrayBuffer(2))).toThrow(/2-byte body/);
    const body = encodeHistogramsBinary(series());
    expect(() => decodeHistogramsBinary(body.slice(0, body.byteLength - 8))).toThrow(/outside/);
    const wrong = encodeHistogramsBinary({ ...series(), bins: 5 });
    expect(() => decodeHistogramsBinary(wrong)).toThrow(/12 counts for 3 steps of 5 bins/);
  });
});

describe("axes and colours", () => {
  it("makes round ticks and linear scales", () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(-3.3, 7.1, 4)).toEqual([-2, 0, 2, 4, 6]);
    expect(niceTicks(5, 5, 4)).toEqual([5]);
    expect(tickStep(0, 1000, 10)).toBe(100);
    const s = linearScale(0, 10, 100, 200);
    expect(s.map(5)).toBe(150);
    expect(s.invert(120)).toBe(2);
    expect(linearScale(3, 3, 0, 10).map(3)).toBe(5);
    expect(padRange(1, 1, 0.1)).toEqual([0.9, 1.1]);
    expect(padRange(0, 10, 0.1)).toEqual([-1, 11]);
  });

  it("mixes hex colours", () => {
    expect(mixColor("#000000", "#ffffff", 0.5)).toBe("#808080");
    expect(mixColor("#1f77b4", "#ffffff", 0)).toBe("#1f77b4");
    expect(mixColor("red", "#ffffff", 0.5)).toBe("red");
    expect(withAlpha("#ff0000", 0.5)).toBe("rgba(255, 0, 0, 0.5)");
  });
});
