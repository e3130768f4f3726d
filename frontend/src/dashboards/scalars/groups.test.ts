// @vitest-environment happy-dom
import { describe, expect, it } from "vitest";
import type { ScalarsResult } from "../../api/client";
import type { ScalarsQuery } from "../../api/scalars";
import { encodeQuery } from "../../api/query";
import { convertGroups, groupRuns, groupsParams, noteTagChoices } from "./group_api";
import type { WireGroupsResponse } from "./group_api";
import { GroupLegend, expandedMembers, groupChartSeries, groupColor, groupLabel, memberChartSeries } from "./groups";

const WIRE: WireGroupsResponse = {
  tag: "loss",
  by: "hparam:lr",
  stat: "mean",
  band: "std",
  groups: [
    {
      name: "0.01",
      members: ["a", "b"],
      total_points: 3,
      returned_points: 3,
      steps: [0, 1, 2],
      value: [1, null, 3],
      low: [0.5, null, 2],
      high: [1.5, null, 4],
      count: [2, 0, 2],
      nonfinite: [0, 2, 0],
    },
    { name: "0.1", members: ["c"], total_points: 1, returned_points: 1, steps: [5], value: [2], low: [2], high: [2], count: [1], nonfinite: [0] },
  ],
  ungrouped: ["baseline"],
};

const series = (run: string, values: number[]) => {
  const steps = new Float64Array(values.map((_, i) => i));
  return { run, totalPoints: values.length, returnedPoints: values.length, firstWallTime: 0, steps, wallTimes: steps, values: new Float64Array(values), smoothed: null };
};

describe("grouped runs: data", () => {
  it("converts the wire answer, null as NaN", () => {
    const result = convertGroups(WIRE);
    const first = result.groups[0];
    expect(first?.name).toBe("0.01");
    expect(Array.from(first?.value ?? [])).toEqual([1, NaN, 3]);
    expect(Array.from(first?.count ?? [])).toEqual([2, 0, 2]);
    expect(result.ungrouped).toEqual(["baseline"]);
  });

  it("asks with the card's width and smoothing, smoothing left out when off", () => {
    const query = { tag: "loss", runs: null, by: "regex:x(\\d)", stat: "median", band: "p10_90", width: 400.4, smoothing: 0.6, smoothingKind: "ema" } as const;
    expect(groupsParams(query)).toEqual({ tag: "loss", by: "regex:x(\\d)", stat: "median", band: "p10_90", width: 400, smoothing: 0.6, smoothing_kind: "ema" });
    expect(groupsParams({ ...query, smoothing: 0 })).toEqual({ tag: "loss", by: "regex:x(\\d)", stat: "median", band: "p10_90", width: 400 });
  });

  it("asks for the card's runs (repeated) and its zoom, in steps", () => {
    const query = { tag: "loss", runs: ["a,1", "b"], by: "rank", stat: "mean", band: "minmax", width: 300, smoothing: 0, smoothingKind: "ema", xmin: 10, xmax: 20 } as const;
    const params = groupsParams(query);
    expect(params).toEqual({ tag: "loss", runs: ["a,1", "b"], by: "rank", stat: "mean", band: "minmax", width: 300, xmin: 10, xmax: 20 });
    expect(encodeQuery(params).getAll("runs")).toEqual(["a,1", "b"]);
    expect(groupsParams({ ...query, xmax: undefined })).not.toHaveProperty("xmin");
  });

  it("sends no run list when the card's runs are every run holding the tag", () => {
    expect(groupRuns(["a", "b"], ["b", "a"])).toBeNull();
    expect(groupRuns(["a"], ["a", "b"])).toEqual(["a"]);
    expect(groupRuns(["a"], undefined)).toEqual(["a"]); // the tag index is not loaded: be explicit
  });

  it("draws each group as its line with its band, in the group's colour, not smoothed again", () => {
    const lines = groupChartSeries(convertGroups(WIRE), "light");
    expect(lines.map((s) => s.label)).toEqual(["lr=0.01", "lr=0.1"]);
    expect(lines.map((s) => s.color)).toEqual([groupColor(0, "light"), groupColor(1, "light")]);
    const first = lines[0];
    expect(first?.smoothed).toBeNull();
    expect(Array.from(first?.xs ?? [])).toEqual([0, 1, 2]);
    expect(Array.from(first?.band?.low ?? [])).toEqual([0.5, NaN, 2]);
    expect(Array.from(first?.band?.high ?? [])).toEqual([1.5, NaN, 4]);
    expect(first?.band).toMatchObject({ members: 2, stat: "Mean", kind: "± std" });
    expect(groupChartSeries(convertGroups(WIRE), "dark")[0]?.color).toBe(groupColor(0, "dark"));
  });

  it("labels hyperparameter groups by name=value, others by their key", () => {
    expect(groupLabel("hparam:lr", "0.1")).toBe("lr=0.1");
    expect(groupLabel("regex:seed(\\d)", "1")).toBe("1");
    expect(groupLabel("rank", "exp/run")).toBe("exp/run");
  });

  it("draws the members of expanded groups thin, in their group's colour", () => {
    const groups = convertGroups(WIRE);
    const expanded = new Set(["0.01"]);
    expect(expandedMembers(groups, expanded)).toEqual(["a", "b"]);
    const members: ScalarsResult = { tag: "loss", xaxis: "step", series: [series("a", [1, 2]), series("b", [3, 4]), series("c", [5, 6])] };
    const query: ScalarsQuery = { tag: "loss", runs: ["a", "b", "c"], width: 100, xaxis: "step", smoothing: 0, smoothingKind: "ema" };
    const lines = memberChartSeries(groups, expanded, members, query, { xaxis: "step", smoothing: 0, smoothingKind: "ema" }, "light");
    expect(lines.map((s) => [s.label, s.color, s.thin])).toEqual([
      ["a", groupColor(0, "light"), true],
      ["b", groupColor(0, "light"), true],
    ]);
  });

  it("offers note tags and their key= prefixes", () => {
    expect(noteTagChoices(["lr=0.1", "baseline", "lr=0.01", "baseline"])).toEqual(["baseline", "lr=", "lr=0.01", "lr=0.1"]);
  });
});

describe("group legend", () => {
  it("lists the groups with their members, the runs in none, and toggles a group on click", () => {
    const toggled: string[] = [];
    const legend = new GroupLegend((name) => toggled.push(name));
    legend.show(convertGroups(WIRE), new Set(["0.1"]), "light");
    const items = [...legend.element.querySelectorAll<HTMLElement>('[data-testid="group-legend-item"]')];
    expect(items.map((i) => [i.dataset.group, i.dataset.members, i.dataset.expanded])).toEqual([
      ["0.01", "2", "0"],
      ["0.1", "1", "1"],
    ]);
    expect(items[0]?.textContent).toContain("lr=0.01");
    expect(legend.element.textContent).toContain("Mean · band ± std");
    expect(legend.element.querySelector('[data-testid="group-ungrouped"]')?.textContent).toContain("baseline");
    items[1]?.click();
    expect(toggled).toEqual(["0.1"]);
    legend.show(null, new Set(), "light");
    expect(legend.element.hidden).toBe(true);
  });
});
