// The Custom scalars dashboard's wire types (docs/http/custom_scalars.md) and their conversion.
// The layout comes from GET api/custom_scalars; the points of every line come from the
// Scalars dashboard's data path (ApiClient.scalars: per-pixel downsampled, binary).

import type { ApiClient } from "../../api/client";

export interface WireLine {
  readonly run: string;
  readonly tag: string;
}

export interface WireMarginSeries {
  readonly value: string;
  readonly lower: string;
  readonly upper: string;
  readonly runs: readonly string[];
  readonly band_runs: readonly string[];
}

export type WireChart =
  | {
      readonly title: string;
      readonly kind: "multiline";
      readonly tags: readonly string[];
      readonly lines: readonly WireLine[];
      readonly errors: readonly string[];
    }
  | {
      readonly title: string;
      readonly kind: "margin";
      readonly series: readonly WireMarginSeries[];
      readonly errors: readonly string[];
    };

export interface WireCategory {
  readonly title: string;
  readonly closed: boolean;
  readonly charts: readonly WireChart[];
}

export interface WireLayout {
  readonly layout_runs: readonly string[];
  readonly categories: readonly WireCategory[];
}

/** One (run, tag) line of a multiline chart. */
export interface Line {
  readonly run: string;
  readonly tag: string;
}

/** A margin chart's series: a value line and a band between lower and upper, per run. */
export interface MarginSeries {
  readonly value: string;
  readonly lower: string;
  readonly upper: string;
  /** Runs holding the value tag. */
  readonly runs: readonly string[];
  /** Runs holding both the lower and the upper tag. */
  readonly bandRuns: readonly string[];
}

export type ChartSpec =
  | {
      /** Unique in the layout: category and title. */
      readonly key: string;
      readonly category: string;
      readonly title: string;
      readonly kind: "multiline";
      readonly tags: readonly string[];
      readonly lines: readonly Line[];
      readonly errors: readonly string[];
    }
  | {
      readonly key: string;
      readonly category: string;
      readonly title: string;
      readonly kind: "margin";
      readonly series: readonly MarginSeries[];
      readonly errors: readonly string[];
    };

export interface Category {
  readonly title: string;
  readonly closed: boolean;
  readonly charts: readonly ChartSpec[];
}

export interface Layout {
  readonly layoutRuns: readonly string[];
  readonly categories: readonly Category[];
}

export function chartKey(category: string, title: string): string {
  return `${category}\u0000${title}`;
}

function convertChart(category: string, chart: WireChart): ChartSpec {
  const base = { key: chartKey(category, chart.title), category, title: chart.title, errors: [...chart.errors] };
  if (chart.kind === "margin") {
    return {
      ...base,
      kind: "margin",
      series: chart.series.map((s) => ({
        value: s.value,
        lower: s.lower,
        upper: s.upper,
        runs: [...s.runs],
        bandRuns: [...s.band_runs],
      })),
    };
  }
  return { ...base, kind: "multiline", tags: [...chart.tags], lines: chart.lines.map((l) => ({ run: l.run, tag: l.tag })) };
}

export function convertLayout(wire: WireLayout): Layout {
  return {
    layoutRuns: [...wire.layout_runs],
    categories: wire.categories.map((c) => ({
      title: c.title,
      closed: c.closed,
      charts: c.charts.map((chart) => convertChart(c.title, chart)),
    })),
  };
}

export async function fetchLayout(client: ApiClient, signal?: AbortSignal): Promise<Layout> {
  return convertLayout(await client.getJson<WireLayout>("api/custom_scalars", {}, signal));
}

/** The tags a chart reads and, for each, the runs to ask for (only runs in `drawn`). */
export function chartQueries(spec: ChartSpec, drawn: ReadonlySet<string>): Map<string, string[]> {
  const queries = new Map<string, string[]>();
  const add = (tag: string, run: string): void => {
    if (!drawn.has(run)) return;
    const runs = queries.get(tag) ?? [];
    if (!runs.includes(run)) runs.push(run);
    queries.set(tag, runs);
  };
  if (spec.kind === "multiline") {
    for (const line of spec.lines) add(line.tag, line.run);
  } else {
    for (const s of spec.series) {
      for (const run of s.runs) add(s.value, run);
      for (const run of s.bandRuns) {
        add(s.lower, run);
        add(s.upper, run);
      }
    }
  }
  for (const runs of queries.values()) runs.sort();
  return queries;
}

/** Whether the chart draws `tag` of `run` (for live updates). */
export function chartReads(spec: ChartSpec, run: string, tag: string): boolean {
  if (spec.kind === "multiline") return spec.lines.some((l) => l.run === run && l.tag === tag);
  return spec.series.some(
    (s) => (s.value === tag && s.runs.includes(run)) || ((s.lower === tag || s.upper === tag) && s.bandRuns.includes(run)),
  );
}
