// Placing, highlighting and labelling points.

import { describe, expect, it } from "vitest";
import type { Projection } from "./api";
import { explainedVariance, labelsToDraw, pointStyle, positions, searchPoints } from "./model";

function projection(coords: number[], components: number, ratio: number[] | null = null): Projection {
  return { key: "k", method: ratio ? "pca" : "tsne", numPoints: coords.length / components, components, coords: new Float32Array(coords), explainedVariance: ratio, elapsed: 0 };
}

describe("positions", () => {
  it("centres each chosen axis and scales it into [-1, 1]", () => {
    const p = projection([0, 10, 5, 2, 20, 7, 4, 30, 9], 3);
    expect([...positions(p, [0, 1, 2], 3)]).toEqual([-1, -1, -1, 0, 0, 0, 1, 1, 1]);
    expect([...positions(p, [2, 0], 2)]).toEqual([-1, -1, 0, 0, 0, 0, 1, 1, 0]);
  });

  it("puts non-finite coordinates and constant axes at 0", () => {
    const p = projection([1, 5, Number.NaN, 5, 3, 5], 2);
    expect([...positions(p, [0, 1], 2)]).toEqual([-1, 0, 0, 0, 0, 0, 1, 0, 0]);
  });
});

describe("explainedVariance", () => {
  it("sums the shares of the axes shown", () => {
    const p = projection([0, 0, 0, 1, 1, 1], 3, [0.5, 0.3, 0.1]);
    expect(explainedVariance(p, [0, 2, 1], 2)).toEqual({ perAxis: [0.5, 0.1], total: 0.6 });
    expect(explainedVariance(projection([0, 1], 2), [0, 1], 2)).toBeNull();
  });
});

describe("searchPoints", () => {
  it("matches a case-insensitive regex and reports an invalid one", () => {
    expect(searchPoints(["cat", "Dog", "dogma", "bird"], "^dog")).toEqual({ matches: [1, 2], error: null });
    expect(searchPoints(["a"], "(").error).toMatch(/Invalid|Unterminated/);
    expect(searchPoints(["a"], "")).toEqual({ matches: [], error: null });
  });
});

describe("pointStyle and labelsToDraw", () => {
  it("grows and keeps the highlighted points, dims the rest", () => {
    const { sizes, alphas } = pointStyle(5, { selected: 0, neighbors: [1, 2], matches: new Set([4]), hovered: null });
    expect([...alphas]).toEqual([255, 255, 255, 60, 255]);
    expect(sizes[0]).toBeGreaterThan(sizes[1] as number);
    expect(sizes[1]).toBeGreaterThan(sizes[3] as number);
    const plain = pointStyle(2, { selected: null, neighbors: [], matches: null, hovered: null });
    expect([...plain.alphas]).toEqual([255, 255]);
  });

  it("labels the selection first, then its neighbours and the matches, each once", () => {
    const labels = labelsToDraw({ selected: 1, neighbors: [2, 1], matches: new Set([2, 3]), hovered: 1 }, ["a", "b", "", "d"]);
    expect(labels).toEqual([
      { index: 1, text: "b", kind: "selected" },
      { index: 2, text: "#2", kind: "neighbor" },
      { index: 3, text: "d", kind: "match" },
    ]);
  });
});
