// @vitest-environment happy-dom
import { describe, expect, it } from "vitest";
import type { ChartSeries } from "./line_chart";
import { StepTable, nextOrder, rowsAtX, rowsInRange, sortRows } from "./step_table";

function series(label: string, steps: number[], values: number[], smoothed: number[] | null = null): ChartSeries {
  const xs = Float64Array.from(steps);
  return {
    label,
    color: "#123456",
    xs,
    steps: xs,
    wallTimes: Float64Array.from(steps, (s) => 1000 + s * 2),
    firstWallTime: 1000,
    raw: Float64Array.from(values),
    smoothed: smoothed ? Float64Array.from(smoothed) : null,
  };
}

const a = series("a", [0, 10, 20, 30], [1, 2, 3, 4], [1, 1.5, 2.2, 3]);
const b = series("b", [0, 15, 30], [5, 0.5, NaN]);

describe("rowsAtX", () => {
  it("gives each run's point nearest x with value, smoothed, step, relative and wall time", () => {
    expect(rowsAtX([a, b], 12)).toEqual([
      { run: "a", color: "#123456", value: 2, smoothed: 1.5, step: 10, relative: 20, wallTime: 1020 },
      { run: "b", color: "#123456", value: 0.5, smoothed: null, step: 15, relative: 30, wallTime: 1030 },
    ]);
    expect(rowsAtX([series("empty", [], [])], 3)).toEqual([]);
  });
});

describe("rowsInRange", () => {
  it("summarises the points inside [lo, hi] either way round, skipping NaN in min/max/mean", () => {
    const rows = rowsInRange([a, b], 30, 10);
    expect(rows[0]).toMatchObject({ run: "a", startStep: 10, endStep: 30, start: 2, end: 4, change: 2, min: 2, max: 4, mean: 3 });
    expect(rows[1]).toMatchObject({ run: "b", startStep: 15, endStep: 30, start: 0.5, min: 0.5, max: 0.5, mean: 0.5 });
    expect(Number.isNaN(rows[1]?.end)).toBe(true);
    expect(rowsInRange([a], 11, 12)).toEqual([]);
  });
});

describe("sorting", () => {
  it("sorts numbers and names both ways, keeping missing values last", () => {
    const rows = [
      { run: "b", value: 2 },
      { run: "a", value: NaN },
      { run: "c", value: 1 },
    ];
    expect(sortRows(rows, { column: "value", dir: "asc" }).map((r) => r.run)).toEqual(["c", "b", "a"]);
    expect(sortRows(rows, { column: "value", dir: "desc" }).map((r) => r.run)).toEqual(["b", "c", "a"]);
    expect(sortRows(rows, { column: "run", dir: "desc" }).map((r) => r.run)).toEqual(["c", "b", "a"]);
    expect(nextOrder({ column: "run", dir: "asc" }, "run")).toEqual({ column: "run", dir: "desc" });
    expect(nextOrder({ column: "run", dir: "desc" }, "value")).toEqual({ column: "value", dir: "asc" });
  });

  it("re-sorts the table when a header is clicked", () => {
    const table = new StepTable(() => undefined);
    table.show({ x: 20 }, [a, b]);
    expect(table.element.hidden).toBe(false);
    expect(table.debug()?.rows.map((r) => r.run)).toEqual(["a", "b"]);
    const header = table.element.querySelector<HTMLElement>('[data-column="value"]') as HTMLElement;
    header.click();
    header.click(); // descending
    expect(table.element.dataset.sort).toBe("value");
    expect(table.element.dataset.dir).toBe("desc");
    expect(table.debug()?.rows.map((r) => r.run)).toEqual(["a", "b"]);
    (table.element.querySelector<HTMLElement>('[data-column="value"]') as HTMLElement).click();
    expect(table.debug()?.rows.map((r) => r.run)).toEqual(["b", "a"]);
    table.show({ x: 0, x2: 30 }, [a, b]);
    expect(table.debug()?.mode).toBe("range");
    table.show(null, []);
    expect(table.element.hidden).toBe(true);
  });
});
