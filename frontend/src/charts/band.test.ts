// @vitest-environment happy-dom
import { describe, expect, it } from "vitest";
import { bandOutline, bandPolygons, bandSegments, drawBands } from "./band";
import { linesVector } from "./export";
import { niceTicks } from "./linear_scale";
import type uPlot from "uplot";

const id = (v: number): number => v;

describe("band segments", () => {
  it("cuts a band where either edge is not finite", () => {
    const low = [0, 1, NaN, 3, 4, 5, 6];
    const high = [1, 2, 3, 4, Infinity, 6, 7];
    expect(bandSegments(low, high)).toEqual([
      [0, 2],
      [3, 4],
      [5, 7],
    ]);
    expect(bandSegments([], [])).toEqual([]);
    expect(bandSegments([NaN], [1])).toEqual([]);
  });

  it("takes the drawable test given (log scale: positive values only)", () => {
    expect(bandSegments([0, 1, 2], [1, 2, 3], (v) => v > 0)).toEqual([[1, 3]]);
  });

  it("outlines a segment along the high edge and back along the low edge", () => {
    expect(bandOutline([10, 20, 30], [1, 2, 3], [4, 5, 6], [0, 3], id, id)).toEqual([
      [10, 4],
      [20, 5],
      [30, 6],
      [30, 3],
      [20, 2],
      [10, 1],
    ]);
  });

  it("gives an SVG polygon per segment through the scales", () => {
    const polygons = bandPolygons([0, 1, 2, 3], [0, 1, NaN, 1], [1, 2, 3, 4], (v) => v * 10, (v) => 100 - v);
    expect(polygons).toEqual(["0.00,99.00 10.00,98.00 10.00,99.00 0.00,100.00", "30.00,96.00 30.00,99.00"]);
  });
});

describe("band drawing", () => {
  /** A plot stand-in whose scales are the identity and whose canvas records the calls. */
  function fakePlot(): { u: uPlot; calls: string[] } {
    const calls: string[] = [];
    const ctx = {
      save: () => calls.push("save"),
      restore: () => calls.push("restore"),
      beginPath: () => calls.push("begin"),
      rect: () => calls.push("rect"),
      clip: () => calls.push("clip"),
      moveTo: (x: number, y: number) => calls.push(`M${x},${y}`),
      lineTo: (x: number, y: number) => calls.push(`L${x},${y}`),
      closePath: () => calls.push("close"),
      fill: () => calls.push("fill"),
      fillRect: (x: number, y: number, w: number, hgt: number) => calls.push(`rect ${x},${y},${w},${hgt}`),
      set fillStyle(value: string) {
        calls.push(`style ${value}`);
      },
    };
    const u = { ctx, bbox: { left: 0, top: 0, width: 100, height: 100 }, valToPos: (v: number) => v } as unknown as uPlot;
    return { u, calls };
  }

  it("fills each segment inside the plot box, a lone point as a bar", () => {
    const { u, calls } = fakePlot();
    const band = { xs: new Float64Array([1, 2, 3, 4]), low: new Float64Array([1, 1, NaN, 5]), high: new Float64Array([2, 3, 4, 8]), fill: "rgba(1, 2, 3, 0.2)" };
    drawBands(u, [band], false);
    expect(calls.slice(0, 4)).toEqual(["save", "begin", "rect", "clip"]);
    expect(calls).toContain("style rgba(1, 2, 3, 0.2)");
    expect(calls.join(" ")).toContain("begin M1,2 L2,3 L2,1 L1,1 close fill");
    expect(calls.some((c) => c.startsWith("rect 3.5,5,1,3"))).toBe(true);
    expect(calls.at(-1)).toBe("restore");
  });

  it("draws nothing without bands", () => {
    const { u, calls } = fakePlot();
    drawBands(u, [], false);
    expect(calls).toEqual([]);
  });
});

describe("bands in the SVG export", () => {
  it("draws bands as polygons under the lines", () => {
    const vector = linesVector(
      {
        width: 300,
        height: 200,
        box: { left: 50, top: 10, width: 240, height: 160 },
        x: [0, 100],
        y: [0, 1],
        logY: false,
        theme: "light",
        lines: [{ xs: [0, 100], ys: [0.5, 0.5], color: "#ff0000", width: 1.5 }],
        bands: [{ xs: new Float64Array([0, 100]), low: new Float64Array([0, 0]), high: new Float64Array([1, 1]), fill: "rgba(255, 0, 0, 0.2)" }],
        xLabel: String,
        yLabel: String,
      },
      niceTicks,
    );
    expect(vector.body).toContain('<polygon class="band" clip-path="url(#plot-clip)" points="50.00,10.00 290.00,10.00 290.00,170.00 50.00,170.00" fill="rgba(255, 0, 0, 0.2)"');
    expect(vector.body.indexOf('class="band"')).toBeLessThan(vector.body.indexOf('class="line"'));
  });
});
