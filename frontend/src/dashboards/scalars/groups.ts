// Grouped runs on a scalar card: the series a chart draws for the groups of GET
// /api/scalars/groups (each group one line in its colour with its band under it; the line and
// band are the server's, smoothed per member there, so nothing is smoothed here), the members
// of expanded groups as thin lines in the group's colour beneath, and the card's group legend.
//
// Runs the server leaves out of every group (no such hyperparameter, no regex match, no such
// note tag) are listed under the legend, not drawn: a made-up "other" group would average runs
// that have nothing in common, and its line would read as a result.
//
// Hooks: group-legend (data-by, data-stat, data-band), its items group-legend-item (data-group,
// data-members, data-expanded; a click expands or collapses the group), group-ungrouped (the
// runs in no group, data-runs: how many).

import type { ScalarsResult } from "../../api/client";
import type { ScalarsQuery } from "../../api/scalars";
import type { ChartSeries } from "../../charts/line_chart";
import type { SeriesView } from "../../charts/scalar_series";
import { chartSeries } from "../../charts/scalar_series";
import { slotColor } from "../../core/colors";
import { h } from "../../core/dom";
import type { Theme } from "../../core/theme";
import type { GroupSeries, GroupsResult } from "./group_api";
import type { GroupStat } from "./group_settings";
import { bandLabel, splitGroupBy, statLabel } from "./group_settings";

/** A group's colour: the palette slot of its place among the card's groups (sorted by name). */
export function groupColor(index: number, theme: Theme): string {
  return slotColor(index, theme);
}

/** What a group is called on the chart: "lr=0.1" for a hyperparameter, else its key. */
export function groupLabel(by: string, name: string): string {
  const split = splitGroupBy(by);
  return split?.kind.kind === "hparam" ? `${split.value}=${name}` : name;
}

/** The lines and bands of `result`'s groups, in their colours. */
export function groupChartSeries(result: GroupsResult, theme: Theme): ChartSeries[] {
  return result.groups.map((g, i) => groupSeries(g, result, groupColor(i, theme)));
}

function groupSeries(g: GroupSeries, result: GroupsResult, color: string): ChartSeries {
  return {
    label: groupLabel(result.by, g.name),
    color,
    xs: g.steps,
    steps: g.steps,
    wallTimes: new Float64Array(g.steps.length).fill(NaN),
    firstWallTime: null,
    raw: g.value,
    smoothed: null,
    band: {
      low: g.low,
      high: g.high,
      count: g.count,
      members: g.members.length,
      stat: statLabel(result.stat as GroupStat),
      kind: bandLabel(result.band),
    },
  };
}

/** The members of the expanded groups (fetched as ordinary series), thin in their group's colour. */
export function memberChartSeries(
  groups: GroupsResult,
  expanded: ReadonlySet<string>,
  members: ScalarsResult,
  query: ScalarsQuery,
  view: SeriesView,
  theme: Theme,
): ChartSeries[] {
  const colorOf = new Map<string, string>();
  groups.groups.forEach((g, i) => {
    if (!expanded.has(g.name)) return;
    for (const run of g.members) colorOf.set(run, groupColor(i, theme));
  });
  return chartSeries(members, query, view, (run) => colorOf.get(run) ?? groupColor(0, theme))
    .filter((s) => colorOf.has(s.label))
    .map((s) => ({ ...s, thin: true }));
}

/** The runs of the expanded groups of `result`, in group order. */
export function expandedMembers(result: GroupsResult, expanded: ReadonlySet<string>): string[] {
  return result.groups.filter((g) => expanded.has(g.name)).flatMap((g) => g.members);
}

const UNGROUPED_SHOWN = 6;

/** The legend of a grouped card: a button per group (expands its members), then the runs in none. */
export class GroupLegend {
  readonly element: HTMLDivElement;
  private readonly toggle: (name: string) => void;

  constructor(toggle: (name: string) => void) {
    this.toggle = toggle;
    this.element = h("div", { class: "tb-group-legend", "data-testid": "group-legend" });
    this.element.hidden = true;
  }

  /** Shows `result`'s groups (null: hides the legend). */
  show(result: GroupsResult | null, expanded: ReadonlySet<string>, theme: Theme): void {
    if (!result) {
      this.element.hidden = true;
      this.element.replaceChildren();
      return;
    }
    this.element.hidden = false;
    this.element.dataset.by = result.by;
    this.element.dataset.stat = result.stat;
    this.element.dataset.band = result.band;
    const caption = h("span", { class: "tb-group-caption" }, `${statLabel(result.stat)} · band ${bandLabel(result.band)}`);
    const items = result.groups.map((g, i) => {
      const color = groupColor(i, theme);
      const open = expanded.has(g.name);
      const swatch = h("span", { class: "tb-group-swatch" });
      swatch.style.setProperty("--group-color", color);
      const item = h(
        "button",
        {
          type: "button",
          class: "tb-group-item",
          "data-testid": "group-legend-item",
          "data-group": g.name,
          "data-members": String(g.members.length),
          "data-expanded": open ? "1" : "0",
          "aria-pressed": open ? "true" : "false",
          title: `${open ? "Hide" : "Show"} the runs of this group: ${g.members.join(", ")}`,
        },
        swatch,
        h("span", { class: "tb-group-name" }, groupLabel(result.by, g.name)),
        h("span", { class: "tb-group-count" }, `${g.members.length} run${g.members.length === 1 ? "" : "s"}`),
      );
      item.addEventListener("click", () => this.toggle(g.name));
      return item;
    });
    const parts: HTMLElement[] = [caption, ...items];
    if (result.ungrouped.length > 0) {
      const names = result.ungrouped.slice(0, UNGROUPED_SHOWN).join(", ") + (result.ungrouped.length > UNGROUPED_SHOWN ? ", …" : "");
      parts.push(
        h(
          "span",
          { class: "tb-group-ungrouped", "data-testid": "group-ungrouped", "data-runs": String(result.ungrouped.length), title: result.ungrouped.join("\n") },
          `In no group (${result.ungrouped.length}): ${names}`,
        ),
      );
    }
    if (result.groups.length === 0) parts.push(h("span", { class: "tb-group-ungrouped" }, "No run of this tag has a key to group by."));
    this.element.replaceChildren(...parts);
  }
}
