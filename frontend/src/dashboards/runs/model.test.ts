import { describe, expect, it } from "vitest";
import type { WireRunsTable } from "../../api/wire_types";
import type { Column, Row, ViewState } from "./model";
import {
  DEFAULT_VIEW,
  distinctValues,
  filterRows,
  isVisible,
  nextSort,
  parseFilter,
  readView,
  sortRows,
  tableData,
  viewParams,
  withColumnVisible,
  withMetric,
} from "./model";

const WIRE: WireRunsTable = {
  hparams: [
    { name: "lr", display_name: "", description: "", type: "number", domain: null, interval: null },
    { name: "opt", display_name: "Optimizer", description: "", type: "string", domain: null, interval: null },
  ],
  environment: [
    { name: "host", type: "string" },
    { name: "command", type: "string" },
  ],
  metrics: ["loss"],
  scalar_tags: ["acc", "loss"],
  rows: [
    row("a", { lr: 0.1, opt: "sgd" }, { host: "h1" }, [{ last: 1.5, last_step: 9, min: 0.5, max: 3, points: 10, nonfinite: 0 }], "Alpha"),
    row("b", { lr: 0.001, opt: "adam" }, { host: "h2" }, [{ last: "NaN", last_step: 4, min: 0.25, max: "NaN", points: 5, nonfinite: 1 }]),
    row("c", { lr: "NaN", opt: "adam" }, {}, [null]),
    row("d", {}, { host: "h10" }, [{ last: 2, last_step: 1, min: 2, max: 2, points: 2, nonfinite: 0 }]),
  ],
};

function row(
  run: string,
  hparams: Record<string, number | string>,
  environment: Record<string, string>,
  metrics: WireRunsTable["rows"][number]["metrics"],
  display: string | null = null,
): WireRunsTable["rows"][number] {
  return { run, members: [], start_time: null, display_name: display, color: null, tags: [], hidden: false, archived: false, hparams, environment, metrics };
}

const data = tableData(WIRE);
const column = (id: string): Column => data.columns.find((c) => c.id === id) as Column;
const runs = (rows: readonly Row[]): string[] => rows.map((r) => r.run);

describe("tableData", () => {
  it("makes columns for hparams, environment and each metric summary", () => {
    expect(data.columns.map((c) => c.id)).toEqual([
      "name", "hp:lr", "hp:opt", "env:host", "env:command", "m:last:loss", "m:min:loss", "m:max:loss", "m:step:loss",
    ]);
    expect(column("hp:opt").label).toBe("Optimizer");
    const b = data.rows[1] as Row;
    expect(b.cells.get("m:last:loss")).toBeNaN();
    expect(b.cells.get("m:min:loss")).toBe(0.25);
    expect(data.rows[0]?.name).toBe("Alpha");
    expect(data.rows[2]?.cells.get("m:last:loss")).toBeNull();
    expect(data.rows[3]?.cells.get("hp:lr")).toBeNull();
  });

  it("names a run by the page's label, else by the display name the server read", () => {
    const named = tableData(WIRE, (run) => (run === "b" ? "Bee" : run));
    expect(named.rows.map((r) => r.name)).toEqual(["Alpha", "Bee", "c", "d"]);
  });

  it("adds a tags column when some run's note has tags", () => {
    const rows = WIRE.rows.map((r, i) => (i === 1 ? { ...r, tags: ["best", "v2"] } : r));
    const tagged = tableData({ ...WIRE, rows });
    expect(tagged.columns.map((c) => c.id).slice(0, 2)).toEqual(["name", "tags"]);
    expect(tagged.rows[1]?.cells.get("tags")).toBe("best, v2");
    expect(tagged.rows[0]?.cells.get("tags")).toBeNull();
  });
});

describe("sortRows", () => {
  it("sorts numbers numerically, NaN after numbers, missing last both ways", () => {
    expect(runs(sortRows(data.rows, { column: "hp:lr", descending: false }))).toEqual(["b", "a", "c", "d"]);
    expect(runs(sortRows(data.rows, { column: "hp:lr", descending: true }))).toEqual(["c", "a", "b", "d"]);
    expect(runs(sortRows(data.rows, { column: "m:last:loss", descending: false }))).toEqual(["a", "d", "b", "c"]);
  });

  it("sorts strings naturally (h2 before h10) and ties by run", () => {
    expect(runs(sortRows(data.rows, { column: "env:host", descending: false }))).toEqual(["a", "b", "d", "c"]);
    expect(runs(sortRows(data.rows, { column: "hp:opt", descending: false }))).toEqual(["b", "c", "a", "d"]);
  });

  it("flips on a second click", () => {
    expect(nextSort({ column: "x", descending: false }, "x")).toEqual({ column: "x", descending: true });
    expect(nextSort({ column: "x", descending: true }, "y")).toEqual({ column: "y", descending: false });
  });
});

describe("parseFilter", () => {
  const passes = (text: string, value: number): boolean => {
    const { test } = parseFilter(text, "number");
    return test !== null && test(value, String(value));
  };

  it("reads ranges and comparisons", () => {
    expect(passes("0.001..0.1", 0.01)).toBe(true);
    expect(passes("0.001..0.1", 0.1)).toBe(true);
    expect(passes("0.001..0.1", 0.2)).toBe(false);
    expect(passes("..5", -100)).toBe(true);
    expect(passes("3..", 2)).toBe(false);
    expect(passes(">3", 3)).toBe(false);
    expect(passes(">=3", 3)).toBe(true);
    expect(passes("<=2", 2)).toBe(true);
    expect(passes("< 2", 2)).toBe(false);
    expect(passes("1e-3", 0.001)).toBe(true);
    expect(passes("=0.5", 0.5)).toBe(true);
    expect(passes("0.1|0.01", 0.01)).toBe(true);
    expect(passes("0.1|0.01", 0.02)).toBe(false);
    expect(passes("nan", NaN)).toBe(true);
    expect(passes(">-inf", -5)).toBe(true);
  });

  it("reports what does not parse and filters nothing", () => {
    expect(parseFilter("abc", "number")).toMatchObject({ test: null, error: expect.stringContaining("abc") });
    expect(parseFilter("5..1", "number").error).toContain("empty range");
    expect(parseFilter("(", "string").test).toBeNull();
    expect(parseFilter("(", "string").error).not.toBeNull();
    expect(parseFilter("  ", "number")).toEqual({ test: null, error: null });
  });

  it("takes value lists and regexes for other columns", () => {
    const { test } = parseFilter("=adam|sgd", "string");
    expect(test?.("adam", "adam")).toBe(true);
    expect(test?.("adamw", "adamw")).toBe(false);
    const regex = parseFilter("^AD", "string").test;
    expect(regex?.("adamw", "adamw")).toBe(true);
    expect(parseFilter("=true", "bool").test?.(true, "true")).toBe(true);
  });
});

describe("filterRows", () => {
  it("applies every filter; missing values pass none; bad filters are ignored", () => {
    expect(runs(filterRows(data.rows, data.columns, { "hp:lr": "0.001..0.1" }))).toEqual(["a", "b"]);
    expect(runs(filterRows(data.rows, data.columns, { "hp:lr": "0.001..0.1", "hp:opt": "=adam" }))).toEqual(["b"]);
    expect(runs(filterRows(data.rows, data.columns, { "env:host": "h1" }))).toEqual(["a", "d"]);
    expect(runs(filterRows(data.rows, data.columns, { "m:min:loss": "<1" }))).toEqual(["a", "b"]);
    expect(runs(filterRows(data.rows, data.columns, { "hp:lr": "junk" }))).toEqual(["a", "b", "c", "d"]);
    expect(runs(filterRows(data.rows, data.columns, { name: "alpha|^c$" }))).toEqual(["a", "c"]);
  });

  it("lists the distinct values of a categorical column", () => {
    expect(distinctValues(data.rows, column("hp:opt"))).toEqual(["adam", "sgd"]);
    expect(distinctValues(data.rows, column("env:host"), 2)).toBeNull();
  });
});

describe("view state", () => {
  it("shows a few environment columns and no last steps by default; keeps only departures", () => {
    expect(isVisible(column("env:host"), DEFAULT_VIEW)).toBe(true);
    expect(isVisible(column("env:command"), DEFAULT_VIEW)).toBe(false);
    expect(isVisible(column("m:step:loss"), DEFAULT_VIEW)).toBe(false);
    let view = withColumnVisible(DEFAULT_VIEW, column("env:command"), true);
    view = withColumnVisible(view, column("hp:lr"), false);
    expect(view.show).toEqual(["env:command"]);
    expect(view.hide).toEqual(["hp:lr"]);
    view = withColumnVisible(view, column("hp:lr"), true);
    expect(view.hide).toEqual([]);
  });

  it("adds and removes metric tags with their filters and sort", () => {
    let view: ViewState = withMetric(DEFAULT_VIEW, "loss", true);
    view = { ...view, filters: { "m:min:loss": "<1", "hp:lr": ">0" }, sort: { column: "m:min:loss", descending: true } };
    view = withMetric(view, "loss", false);
    expect(view).toEqual({ ...DEFAULT_VIEW, filters: { "hp:lr": ">0" } });
  });

  it("round-trips through URL parameters, the URL winning field by field over storage", () => {
    const view: ViewState = { metrics: ["loss", "a,b"], hide: ["hp:lr"], show: [], filters: { "hp:lr": "0.001..0.1" }, sort: { column: "m:min:loss", descending: true } };
    const params = Object.fromEntries(Object.entries(viewParams(view)).filter((e): e is [string, string] => e[1] !== null));
    expect(params.rt_show).toBeUndefined();
    expect(readView(params, null)).toEqual(view);
    const stored = { ...DEFAULT_VIEW, show: ["env:command"], metrics: ["acc"] };
    const mixed = readView({ rt_metrics: '["loss"]' }, stored);
    expect(mixed.metrics).toEqual(["loss"]);
    expect(mixed.show).toEqual(["env:command"]);
    expect(readView({ rt_metrics: "not json", rt_sort: "" }, { hide: 5 })).toEqual(DEFAULT_VIEW);
    expect(viewParams(DEFAULT_VIEW)).toEqual({ rt_metrics: null, rt_hide: null, rt_show: null, rt_filter: null, rt_sort: null });
  });
});
