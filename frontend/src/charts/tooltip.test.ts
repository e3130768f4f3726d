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
