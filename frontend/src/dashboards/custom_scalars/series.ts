// From a chart's fetched scalar views to what its chart draws, reusing the Scalars
// dashboard's conversion (x on the chosen axis; server smoothing when it fits, else local).
//
// Colours: a multiline chart whose lines all come from different runs draws each in its
// run's colour (the runs panel's); when one run has several lines (several tags matched),
// lines take successive palette colours instead, so every line stays distinguishable.

import type { ScalarsResult } from "../../api/client";
import type { ScalarsQuery } from "../../api/scalars";
import type { ChartSeries } from "../../charts/line_chart";
import type { SeriesView } from "../../charts/scalar_series";
import { chartSeries, xValues } from "../../charts/scalar_series";
import type { ChartSpec, Line } from "./api";
import { runLabel } from "../../core/run_labels";

export interface Fetched {
  readonly query: ScalarsQuery;
  readonly result: ScalarsResult;
}

/** Per tag, what was fetched for it. */
export type FetchedTags = ReadonlyMap<string, Fetched>;

export interface Colors {
  run(run: string): string;
  /** The i-th palette colour. */
  slot(index: number): string;
}

/** One line of a multiline chart, as drawn. */
export interface DrawnLine extends ChartSeries {
  readonly run: string;
  readonly tag: string;
}

/** One band of a margin chart for one run: the value line and the lower/upper columns. */
export interface DrawnBand {
  readonly run: string;
  readonly color: string;
  readonly value: ChartSeries | null;
  readonly lower: { readonly xs: Float64Array; readonly ys: Float64Array } | null;
  readonly upper: { readonly xs: Float64Array; readonly ys: Float64Array } | null;
}

function seriesByRun(fetched: Fetched | undefined, view: SeriesView): Map<string, ChartSeries> {
  const out = new Map<string, ChartSeries>();
  if (!fetched) return out;
  for (const s of chartSeries(fetched.result, fetched.query, view, () => "")) out.set(s.label, s);
  return out;
}

function lineLabel(line: Line, manyRuns: boolean, manyTags: boolean): string {
  if (manyRuns && manyTags) return `${runLabel(line.run)}: ${line.tag}`;
  return manyTags ? line.tag : runLabel(line.run);
}

/** The lines of a multiline chart, in the layout's (run, tag) order. */
export function multilineSeries(
  spec: Extract<ChartSpec, { kind: "multiline" }>,
  fetched: FetchedTags,
  view: SeriesView,
  colors: Colors,
): DrawnLine[] {
  const byTag = new Map<string, Map<string, ChartSeries>>();
  for (const [tag, f] of fetched) byTag.set(tag, seriesByRun(f, view));
  const found: { line: Line; series: ChartSeries }[] = [];
  for (const line of spec.lines) {
    const series = byTag.get(line.tag)?.get(line.run);
    if (series) found.push({ line, series });
  }
  const runs = new Set(found.map((f) => f.line.run));
  const tags = new Set(found.map((f) => f.line.tag));
  const byRunColor = runs.size === found.length;
  return found.map(({ line, series }, i) => ({
    ...series,
    run: line.run,
    tag: line.tag,
    label: lineLabel(line, runs.size > 1, tags.size > 1),
    color: byRunColor ? colors.run(line.run) : colors.slot(i),
  }));
}

function column(fetched: Fetched | undefined, run: string, view: SeriesView): DrawnBand["lower"] {
  const s = fetched?.result.series.find((x) => x.run === run);
  return s ? { xs: xValues(s, view.xaxis), ys: s.values } : null;
}

/** The bands of a margin chart: one per (series, run holding its value tag). */
export function marginBands(
  spec: Extract<ChartSpec, { kind: "margin" }>,
  fetched: FetchedTags,
  view: SeriesView,
  colors: Colors,
): DrawnBand[] {
  const bands: DrawnBand[] = [];
  for (const s of spec.series) {
    const values = seriesByRun(fetched.get(s.value), view);
    for (const run of s.runs) {
      const value = values.get(run) ?? null;
      const inBand = s.bandRuns.includes(run);
      const lower = inBand ? column(fetched.get(s.lower), run, view) : null;
      const upper = inBand ? column(fetched.get(s.upper), run, view) : null;
      if (!value && !(lower && upper)) continue;
      const color = colors.run(run);
      const label = spec.series.length > 1 ? `${runLabel(run)}: ${s.value}` : runLabel(run);
      bands.push({ run, color, value: value ? { ...value, label, color } : null, lower, upper });
    }
  }
  return bands;
}

/**
 * The band between two lines sampled at different x: the lower line forwards, then the
 * upper line backwards, as one closed polygon (finite points only).
 */
export function bandPolygon(lower: NonNullable<DrawnBand["lower"]>, upper: NonNullable<DrawnBand["upper"]>): [number, number][] {
  const points: [number, number][] = [];
  for (let i = 0; i < lower.xs.length; i++) {
    const y = lower.ys[i] as number;
    if (Number.isFinite(y)) points.push([lower.xs[i] as number, y]);
  }
  for (let i = upper.xs.length - 1; i >= 0; i--) {
    const y = upper.ys[i] as number;
    if (Number.isFinite(y)) points.push([upper.xs[i] as number, y]);
  }
  return points;
}
