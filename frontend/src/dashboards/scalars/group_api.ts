// The Scalars page's grouped runs over the generic client: GET /api/scalars/groups (one line
// and a band per group, per-pixel downsampled and smoothed per member on the server), and what
// the toolbar offers to group by: the hyperparameters of GET /api/hparams and the note tags of
// GET /api/runs/notes.

import type { ApiClient, QueryParams, SmoothingKind } from "../../api/client";
import type { components } from "../../api/wire.gen";
import type { GroupBand, GroupStat } from "./group_settings";

type Schemas = components["schemas"];
export type WireGroupsResponse = Schemas["GroupsResponse"];
export type WireGroupedSeries = Schemas["GroupedSeries"];

export interface GroupsQuery {
  readonly tag: string;
  /** The runs to group (the card's selection); null: every run holding the tag. */
  readonly runs: readonly string[] | null;
  readonly by: string;
  readonly stat: GroupStat;
  readonly band: GroupBand;
  /** The plot's width in pixels (the server keeps a few points per pixel column). */
  readonly width: number;
  /** The page's smoothing, applied by the server to each member before aggregating (0: none). */
  readonly smoothing: number;
  readonly smoothingKind: SmoothingKind;
  /** The zoom, in steps: the server downsamples per pixel within xmin..xmax (both or neither). */
  readonly xmin?: number | undefined;
  readonly xmax?: number | undefined;
}

/** One group, columnar; null values of the wire (non-finite) are NaN. */
export interface GroupSeries {
  readonly name: string;
  readonly members: readonly string[];
  readonly totalPoints: number;
  readonly steps: Float64Array;
  readonly value: Float64Array;
  readonly low: Float64Array;
  readonly high: Float64Array;
  readonly count: Float64Array;
  readonly nonfinite: Float64Array;
}

export interface GroupsResult {
  readonly tag: string;
  readonly by: string;
  readonly stat: GroupStat;
  readonly band: GroupBand;
  readonly groups: readonly GroupSeries[];
  /** Runs holding the tag that have no key (no such hyperparameter, no match, no such tag). */
  readonly ungrouped: readonly string[];
}

function column(values: readonly (number | null)[]): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i] ?? NaN;
  return out;
}

/** The wire answer as typed columns. */
export function convertGroups(wire: WireGroupsResponse): GroupsResult {
  return {
    tag: wire.tag,
    by: wire.by,
    stat: wire.stat,
    band: wire.band,
    groups: wire.groups.map((g) => ({
      name: g.name,
      members: g.members,
      totalPoints: g.total_points,
      steps: column(g.steps),
      value: column(g.value),
      low: column(g.low),
      high: column(g.high),
      count: column(g.count),
      nonfinite: column(g.nonfinite),
    })),
    ungrouped: wire.ungrouped,
  };
}

/** The query string of GET /api/scalars/groups (runs repeated, as GET /api/scalars takes them). */
export function groupsParams(query: GroupsQuery): QueryParams {
  const smoothing = query.smoothing > 0 ? { smoothing: query.smoothing, smoothing_kind: query.smoothingKind } : {};
  const width = Math.max(1, Math.min(10000, Math.round(query.width)));
  const runs = query.runs === null ? {} : { runs: query.runs };
  const range = query.xmin !== undefined && query.xmax !== undefined ? { xmin: query.xmin, xmax: query.xmax } : {};
  return { tag: query.tag, ...runs, by: query.by, stat: query.stat, band: query.band, width, ...range, ...smoothing };
}

/**
 * The `runs` of a card's groups query: null (every run: the server needs no list, however
 * many runs there are) when the card's runs are all the runs holding its tag, else the card's.
 */
export function groupRuns(selected: readonly string[], holding: readonly string[] | undefined): readonly string[] | null {
  if (holding === undefined) return selected;
  const chosen = new Set(selected);
  return holding.every((run) => chosen.has(run)) ? null : selected;
}

export async function fetchGroups(client: ApiClient, query: GroupsQuery, signal?: AbortSignal): Promise<GroupsResult> {
  return convertGroups(await client.getJson<WireGroupsResponse>("api/scalars/groups", groupsParams(query), signal));
}

/** The hyperparameter names of the logdir's sessions, as GET /api/hparams orders them. */
export async function fetchHparamNames(client: ApiClient): Promise<string[]> {
  const answer = await client.getJson<Schemas["HParamsResponse"]>("api/hparams");
  return answer.hparams.map((column) => column.name);
}

/**
 * What runs can be grouped by among their note tags: every tag, and for tags of the form
 * "key=value" the prefix "key=" too (which groups runs by their value of key), sorted.
 */
export async function fetchNoteTags(client: ApiClient): Promise<string[]> {
  const answer = await client.getJson<Schemas["NotesResponse"]>("api/runs/notes");
  return noteTagChoices(answer.notes.filter((n) => !n.trashed).flatMap((n) => n.tags));
}

export function noteTagChoices(tags: readonly string[]): string[] {
  const out = new Set<string>();
  for (const tag of tags) {
    out.add(tag);
    const cut = tag.indexOf("=");
    if (cut > 0) out.add(tag.slice(0, cut + 1));
  }
  return [...out].sort();
}
