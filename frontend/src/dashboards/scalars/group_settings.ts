// What the Scalars page groups runs by, and how it draws a group: kept in the URL so a link
// reproduces the view (registered URL parameters, src/core/url_params.ts):
//   #scalars?group_by=hparam%3Alr&group_stat=median&group_band=std
// group_by is the server's `by` (GET /api/scalars/groups): "hparam:<name>", "regex:<pattern>"
// (Python's re syntax, judged by the server), "tag:<note tag>" or "rank"; absent, runs are not
// grouped. group_stat is the line (mean, median, rank 0), group_band the band (min–max, ± std,
// p10–p90).
//
// The kinds of grouping, statistics and bands are the tables below: offering another one the
// server learns is one entry (as by=rank, a run written by several processes, with its
// stat=rank0 are), and the type checks make sure every statistic and band the generated wire
// types (api/wire.gen.ts) allow has one.

import type { components } from "../../api/wire.gen";
import { choiceParam, readUrlParams, registerUrlParams, urlParamsPatch } from "../../core/url_params";
import type { UrlParam } from "../../core/url_params";
import type { AppState } from "../../core/url_state";

type WireGroups = components["schemas"]["GroupsResponse"];
export type GroupStat = WireGroups["stat"];
export type GroupBand = WireGroups["band"];

/** How a kind of grouping takes its argument in the toolbar. */
export type GroupInput = "hparam" | "regex" | "tag" | "none";

export interface GroupKind {
  /** The prefix of `by` ("hparam" in "hparam:lr"); a kind without argument is `by` itself. */
  readonly kind: string;
  readonly label: string;
  readonly input: GroupInput;
}

/** The ways to group runs, in the order the toolbar offers them. */
export const GROUP_KINDS: readonly GroupKind[] = [
  { kind: "hparam", label: "Hyperparameter", input: "hparam" },
  { kind: "regex", label: "Run name (regex capture)", input: "regex" },
  { kind: "tag", label: "Note tag", input: "tag" },
  { kind: "rank", label: "Rank (one run, several processes)", input: "none" },
];

export interface Choice<T extends string> {
  readonly value: T;
  readonly label: string;
  /** Offered only when grouping by this kind (e.g. rank 0 when grouping by rank). */
  readonly onlyFor?: string;
}

/** Every value of the union U listed once in `choices` (a compile error names the missing ones). */
type Complete<U extends string, C extends readonly Choice<U>[]> = [Exclude<U, C[number]["value"]>] extends [never] ? C : { missing: Exclude<U, C[number]["value"]> };

function complete<U extends string>() {
  return <C extends readonly [Choice<U>, ...Choice<U>[]]>(choices: C & Complete<U, C>): C => choices;
}

export const GROUP_STATS = complete<GroupStat>()([
  { value: "mean", label: "Mean" },
  { value: "median", label: "Median" },
  { value: "rank0", label: "Rank 0", onlyFor: "rank" },
] as const);

export const GROUP_BANDS = complete<GroupBand>()([
  { value: "minmax", label: "min–max" },
  { value: "std", label: "± std" },
  { value: "p10_90", label: "p10–p90" },
] as const);

/** The grouping a view asks for; null `by`: runs are not grouped. */
export interface Grouping {
  readonly by: string | null;
  readonly stat: GroupStat;
  readonly band: GroupBand;
}

/** The kind of grouping `by` is (null: none the page knows) and its argument. */
export function splitGroupBy(by: string): { kind: GroupKind; value: string } | null {
  for (const kind of GROUP_KINDS) {
    if (kind.input === "none") {
      if (by === kind.kind) return { kind, value: "" };
    } else if (by.startsWith(`${kind.kind}:`) && by.length > kind.kind.length + 1) {
      return { kind, value: by.slice(kind.kind.length + 1) };
    }
  }
  return null;
}

/** `by` for a kind and its argument (null when the argument is missing). */
export function joinGroupBy(kind: GroupKind, value: string): string | null {
  if (kind.input === "none") return kind.kind;
  return value === "" ? null : `${kind.kind}:${value}`;
}

/**
 * The group_by parameter: "" (off) or a `by` of a known kind. A regex is not checked here: it
 * is Python's, and the server judges it (a pattern it refuses is a 400 shown by the toolbar).
 */
function groupByParam(name: string): UrlParam<string> {
  return {
    name,
    fallback: "",
    parse: (text) => {
      if (text === "") return "";
      return splitGroupBy(text) ? text : null;
    },
    format: (value) => value,
  };
}

const values = <T extends string>(choices: readonly Choice<T>[]): [T, ...T[]] => choices.map((c) => c.value) as [T, ...T[]];

interface GroupParams {
  readonly by: string;
  readonly stat: GroupStat;
  readonly band: GroupBand;
}

export const GROUP_PARAMS = registerUrlParams<GroupParams>({
  by: groupByParam("group_by"),
  stat: choiceParam<GroupStat>("group_stat", values(GROUP_STATS)),
  band: choiceParam<GroupBand>("group_band", values(GROUP_BANDS)),
});

/** The grouping in `state`'s URL; a statistic that does not apply to the kind reads as the first. */
export function groupingOf(state: AppState): Grouping {
  const read = readUrlParams(GROUP_PARAMS, state.params);
  const split = read.by ? splitGroupBy(read.by) : null;
  return { by: split ? read.by : null, stat: applies(GROUP_STATS, read.stat, split?.kind.kind) ? read.stat : GROUP_STATS[0].value, band: read.band };
}

/** Whether `value` is offered when grouping by `kind`. */
export function applies<T extends string>(choices: readonly Choice<T>[], value: T, kind: string | undefined): boolean {
  const choice = choices.find((c) => c.value === value);
  return choice !== undefined && (choice.onlyFor === undefined || choice.onlyFor === kind);
}

/** The setParams patch for a change of grouping (null `by`: stop grouping). */
export function groupingParams(patch: Partial<Grouping>): Record<string, string | null> {
  const { by, ...rest } = patch;
  return urlParamsPatch(GROUP_PARAMS, { ...rest, ...(by !== undefined ? { by: by ?? "" } : {}) });
}

/** Two groupings ask the server the same. */
export function sameGrouping(a: Grouping, b: Grouping): boolean {
  return a.by === b.by && a.stat === b.stat && a.band === b.band;
}

/** The label of a band kind, for the legend and the tooltip. */
export function bandLabel(band: GroupBand): string {
  return GROUP_BANDS.find((b) => b.value === band)?.label ?? band;
}

/** The label of a statistic. */
export function statLabel(stat: GroupStat): string {
  return GROUP_STATS.find((s) => s.value === stat)?.label ?? stat;
}
