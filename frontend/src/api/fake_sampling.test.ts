import { describe, expect, it } from "vitest";
import { downsampleIndices, rangeIndices } from "./fake_sampling";

describe("fake server downsampling", () => {
  const n = 100000;
  const xs = Float64Array.from({ length: n }, (_, i) => i);
  const ys = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 100));
  ys[54321] = 50; // a spike must survive

  it("keeps at most 4 points per pixel, the spike and the latest point", () => {
    const kept = downsampleIndices(xs, ys, 0, n, 250);
    expect(kept.length).toBeLessThanOrEqual(4 * 250);
    expect(kept[0]).toBe(0);
    expect(kept[kept.length - 1]).toBe(n - 1);
    expect(Array.from(kept)).toContain(54321);
    for (let i = 1; i < kept.length; i++) expect(kept[i]).toBeGreaterThan(kept[i - 1] as number);
  });

  it("returns short series whole", () => {
    expect(downsampleIndices(xs, ys, 10, 20, 5).length).toBe(10);
  });

  it("restricts to the x range plus one point outside each end", () => {
    expect(rangeIndices(xs, 100.5, 200.5)).toEqual([100, 202]);
    expect(rangeIndices(xs, -10, 5)).toEqual([0, 7]);
    expect(rangeIndices(xs)).toEqual([0, n]);
  });
});
