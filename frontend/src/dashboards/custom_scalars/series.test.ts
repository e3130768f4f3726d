import { describe, expect, it } from "vitest";
import type { ScalarSeries } from "../../api/client";
import type { ScalarsQuery } from "../../api/scalars";
import type { ChartSpec } from "./api";
import { chartQueries, chartReads } from "./api";
import type { Fetched } from "./series";
import { bandPolygon, marginBands, multilineSeries } from "./series";

const VIEW = { xaxis: "step" as const, smoothing: 0, smoothingKind: "ema" as const };
const COLORS = { run: (run: string) => `run:${run}`, slot: (i: number) => `slot:${i}` };

function series(run: string, steps: number[], values: number[]): ScalarSeries {
  return {
    run,
    totalPoints: steps.length,
    returnedPoints: steps.length,
    firstWallTime: 100,
    steps: new Float64Array(steps),
    wallTimes: new Float64Array(steps.map((s) => 100 + s)),
    values: new Float64Array(values),
    smoothed: null,
  };
}

function fetched(tag: string, ...runs: ScalarSeries[]): [string, Fetched] {
  const query: ScalarsQuery = { tag, runs: runs.map((r) => r.run), width: 100, xaxis: "step", smoothing: 0, smoothingKind: "ema" };
  return [tag, { query, result: { tag, xaxis: "step", series: runs } }];
}

const multiline = (lines: { run: string; tag: string }[]): Extract<ChartSpec, { kind: "multiline" }> => ({
  key: "c\u0000t", category: "c", title: "t", kind: "multiline", tags: ["x"], errors: [], lines,
});

describe("multiline charts", () => {
  it("colour lines by run when every line is another run's", () => {
    const spec = multiline([{ run: "a", tag: "x" }, { run: "b", tag: "x" }]);
    const drawn = multilineSeries(spec, new Map([fetched("x", series("a", [0], [1]), series("b", [0], [2]))]), VIEW, COLORS);
    expect(drawn.map((l) => [l.label, l.color])).toEqual([["a", "run:a"], ["b", "run:b"]]);
  });

  it("colour lines one by one when a run has several, labelled by run and tag", () => {
    const spec = multiline([{ run: "a", tag: "x" }, { run: "a", tag: "y" }, { run: "b", tag: "x" }]);
    const data = new Map([fetched("x", series("a", [0], [1]), series("b", [0], [2])), fetched("y", series("a", [0], [3]))]);
    const drawn = multilineSeries(spec, data, VIEW, COLORS);
    expect(drawn.map((l) => [l.label, l.color])).toEqual([["a: x", "slot:0"], ["a: y", "slot:1"], ["b: x", "slot:2"]]);
  });

  it("ask for each tag once, for the selected runs only", () => {
    const spec = multiline([{ run: "a", tag: "x" }, { run: "b", tag: "x" }, { run: "b", tag: "y" }]);
    expect([...chartQueries(spec, new Set(["b"]))]).toEqual([["x", ["b"]], ["y", ["b"]]]);
    expect(chartReads(spec, "b", "y")).toBe(true);
    expect(chartReads(spec, "a", "y")).toBe(false);
  });
});

describe("margin charts", () => {
  const spec: Extract<ChartSpec, { kind: "margin" }> = {
    key: "c\u0000m", category: "c", title: "m", kind: "margin", errors: [],
    series: [{ value: "v", lower: "lo", upper: "hi", runs: ["a", "b"], bandRuns: ["a"] }],
  };

  it("draw a band only for runs holding both bounds", () => {
    const data = new Map([
      fetched("v", series("a", [0, 1], [1, 2]), series("b", [0, 1], [3, 4])),
      fetched("lo", series("a", [0, 1], [0, 1])),
      fetched("hi", series("a", [0, 1], [2, 3])),
    ]);
    const bands = marginBands(spec, data, VIEW, COLORS);
    expect(bands.map((b) => [b.run, b.color, b.value?.raw.length, b.lower !== null, b.upper !== null])).toEqual([
      ["a", "run:a", 2, true, true],
      ["b", "run:b", 2, false, false],
    ]);
    expect(chartQueries(spec, new Set(["a", "b"]))).toEqual(new Map([["v", ["a", "b"]], ["lo", ["a"]], ["hi", ["a"]]]));
  });

  it("close the band lower forwards then upper backwards, skipping non-finite points", () => {
    const lower = { xs: new Float64Array([0, 1, 2]), ys: new Float64Array([0, Number.NaN, 2]) };
    const upper = { xs: new Float64Array([0, 2]), ys: new Float64Array([5, 6]) };
    expect(bandPolygon(lower, upper)).toEqual([[0, 0], [2, 2], [2, 6], [0, 5]]);
  });
});
