import { describe, expect, it } from "vitest";
import type { TooltipRow } from "./tooltip";
import { sortTooltipRows } from "./tooltip";

const row = (run: string, value: number, smoothed: number | null = null, x = 0): TooltipRow => ({
  run,
  x,
  color: "#000",
  step: 1,
  wallTime: 0,
  relative: 0,
  value,
  smoothed,
});

describe("tooltip rows", () => {
  const rows = [row("b", 1, 5), row("c", 3, 2), row("a", NaN), row("d", 2, 5)];

  it("keeps the drawing order by default", () => {
    expect(sortTooltipRows(rows, "default").map((r) => r.run)).toEqual(["b", "c", "a", "d"]);
  });

  it("sorts by the value drawn (smoothed when on), largest first, stable, NaN last", () => {
    expect(sortTooltipRows(rows, "value").map((r) => r.run)).toEqual(["b", "d", "c", "a"]);
  });

  it("sorts by run name", () => {
    expect(sortTooltipRows(rows, "name").map((r) => r.run)).toEqual(["a", "b", "c", "d"]);
  });

  it("sorts nearest the cursor first, by the distance given", () => {
    const distance = (r: TooltipRow): number => Math.abs((r.smoothed ?? r.value) - 2.1);
    expect(sortTooltipRows(rows, "nearest", distance).map((r) => r.run)).toEqual(["c", "b", "d", "a"]);
  });
});

describe("tooltip rows of grouped runs", () => {
  it("carry the group's band and members at the nearest point", async () => {
    const { tooltipRows } = await import("./tooltip");
    const xs = new Float64Array([0, 10, 20]);
    const rows = tooltipRows(
      [
        {
          label: "lr=0.1",
          color: "#000",
          xs,
          steps: xs,
          wallTimes: new Float64Array(3).fill(NaN),
          firstWallTime: null,
          raw: new Float64Array([1, 2, 3]),
          smoothed: null,
          band: { low: new Float64Array([0, 1, 2]), high: new Float64Array([2, 3, 4]), count: new Float64Array([3, 2, 3]), members: 3, stat: "Mean", kind: "min–max" },
        },
      ],
      11,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.value).toBe(2);
    expect(rows[0]?.band).toEqual({ low: 1, high: 3, count: 2, members: 3, stat: "Mean", kind: "min–max" });
  });
});
