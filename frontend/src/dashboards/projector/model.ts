// The Projector's pure logic: where points go, which are highlighted, which get labels.

import type { Projection } from "./api";

export type Dims = 2 | 3;

export interface Highlight {
  readonly selected: number | null;
  readonly neighbors: readonly number[];
  /** Points matching the search, or null when there is no search. */
  readonly matches: ReadonlySet<number> | null;
  readonly hovered: number | null;
}

export type LabelKind = "selected" | "neighbor" | "match" | "hovered";

export interface PointLabel {
  readonly index: number;
  readonly text: string;
  readonly kind: LabelKind;
}

export const MAX_MATCH_LABELS = 40; // labels drawn for search matches (all are highlighted)
const SIZE: Readonly<Record<LabelKind | "plain", number>> = { selected: 2.4, neighbor: 1.7, match: 1.5, hovered: 1.8, plain: 1 };
const DIMMED_ALPHA = 60;

/**
 * The points as [x, y, z] triples centred on their bounding box and scaled into [-1, 1],
 * from the projection's columns `axes` (z = 0 in 2-D). Non-finite coordinates become 0.
 */
export function positions(projection: Projection, axes: readonly number[], dims: Dims): Float32Array {
  const n = projection.numPoints;
  const c = projection.components;
  const out = new Float32Array(n * 3);
  for (let d = 0; d < dims; d++) {
    const axis = Math.min(axes[d] ?? d, c - 1);
    if (axis < 0 || d >= 3) continue;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = projection.coords[i * c + axis] as number;
      if (Number.isFinite(v)) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
      out[i * 3 + d] = Number.isFinite(v) ? v : Number.NaN;
    }
    const mid = Number.isFinite(min) ? (min + max) / 2 : 0;
    const half = Number.isFinite(min) && max > min ? (max - min) / 2 : 1;
    for (let i = 0; i < n; i++) {
      const v = out[i * 3 + d] as number;
      out[i * 3 + d] = Number.isFinite(v) ? (v - mid) / half : 0;
    }
  }
  return out;
}

/** Shares of explained variance of the chosen PCA axes, and their sum. */
export function explainedVariance(projection: Projection | null, axes: readonly number[], dims: Dims): { perAxis: number[]; total: number } | null {
  const ratio = projection?.explainedVariance;
  if (!ratio) return null;
  const perAxis = axes.slice(0, dims).map((a) => ratio[a] ?? 0);
  return { perAxis, total: perAxis.reduce((s, x) => s + x, 0) };
}

/** Points whose label matches `query` (a case-insensitive regex); an invalid one matches none. */
export function searchPoints(values: readonly string[] | null, query: string): { matches: number[]; error: string | null } {
  if (!query || !values) return { matches: [], error: null };
  let re: RegExp;
  try {
    re = new RegExp(query, "i");
  } catch (err) {
    return { matches: [], error: err instanceof Error ? err.message : String(err) };
  }
  const matches: number[] = [];
  for (let i = 0; i < values.length; i++) if (re.test(values[i] ?? "")) matches.push(i);
  return { matches, error: null };
}

/** Each point's size factor and alpha (0..255): highlighted points grow, the rest dim. */
export function pointStyle(count: number, highlight: Highlight): { sizes: Float32Array; alphas: Uint8Array } {
  const sizes = new Float32Array(count).fill(SIZE.plain);
  const focused = highlight.selected !== null || (highlight.matches !== null && highlight.matches.size > 0);
  const alphas = new Uint8Array(count).fill(focused ? DIMMED_ALPHA : 255);
  const mark = (i: number | null, kind: LabelKind): void => {
    if (i === null || i < 0 || i >= count) return;
    sizes[i] = Math.max(sizes[i] as number, SIZE[kind]);
    alphas[i] = 255;
  };
  for (const i of highlight.matches ?? []) mark(i, "match");
  for (const i of highlight.neighbors) mark(i, "neighbor");
  mark(highlight.selected, "selected");
  mark(highlight.hovered, "hovered");
  return { sizes, alphas };
}

/** The labels to draw: selected, hovered, the neighbours, then the first search matches. */
export function labelsToDraw(highlight: Highlight, labels: readonly string[] | null, fallback = (i: number) => `#${i}`): PointLabel[] {
  const out: PointLabel[] = [];
  const seen = new Set<number>();
  const add = (index: number | null, kind: LabelKind): void => {
    if (index === null || seen.has(index)) return;
    seen.add(index);
    const text = labels?.[index];
    out.push({ index, text: text === undefined || text === "" ? fallback(index) : text, kind });
  };
  add(highlight.selected, "selected");
  add(highlight.hovered, "hovered");
  for (const i of highlight.neighbors) add(i, "neighbor");
  let shown = 0;
  for (const i of highlight.matches ?? []) {
    if (shown++ >= MAX_MATCH_LABELS) break;
    add(i, "match");
  }
  return out;
}
