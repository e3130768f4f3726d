// GET /api/scalars/groups for the in-memory fake (demo mode and tests): the server's grouping
// (src/trainboard/data/groups.py, docs/data.md) re-implemented over the FakeLogdir's series.
//
// Runs holding the tag (of `runs` when given) are grouped by `by`: "regex:<pattern>" (the key
// is the first capture group, else the whole match), "rank" (each run written by several
// processes, `<run>/rank_<N>`, is a group of its ranks), "hparam:<name>" and "tag:<note tag>"
// (the fake logdir has no hyperparameters or notes: every run is left out, listed as
// ungrouped, as the server does for runs without the key). Each member is smoothed on its own,
// reduced to its last point per step; at each step of the union of the members' steps the
// finite values there give the line (mean, median, or rank 0's for by=rank) and the band
// (min–max, mean ± population std, p10–p90 by linear interpolation); nothing is interpolated.
// The line, low and high are each downsampled per pixel (within xmin..xmax when zoomed) and
// the union of the kept steps is answered, so a spike in one member stays in the band.
//
// One difference, stated: the demo's regex is JavaScript's (the real server's is Python's re).

import { ApiError } from "./client";
import type { SmoothingKind } from "./client";
import type { FakeLogdir } from "./fake_logdir";
import { downsampleIndices, rangeIndices } from "./fake_sampling";
import type { components } from "./wire.gen";
import { smooth } from "../charts/smoothing";

type Schemas = components["schemas"];
type WireGroupsResponse = Schemas["GroupsResponse"];
type WireGroupedSeries = Schemas["GroupedSeries"];
type Stat = WireGroupsResponse["stat"];
type Band = WireGroupsResponse["band"];

const STATS: readonly Stat[] = ["mean", "median", "rank0"];
const BANDS: readonly Band[] = ["minmax", "std", "p10_90"];

interface Member {
  readonly steps: Float64Array;
  readonly values: Float64Array;
}

/** `<parent>/rank_<N>` as [parent, N] (null: not a rank directory), as the server reads it. */
export function rankOf(run: string): [string, number] | null {
  const cut = run.lastIndexOf("/");
  const base = run.slice(cut + 1);
  const found = /^rank_(0|[1-9][0-9]*)$/.exec(base);
  if (!found) return null;
  return [cut > 0 ? run.slice(0, cut) : ".", Number(found[1])];
}

/** run -> its group's key, for the runs that have one. */
function groupKeys(runs: readonly string[], by: string): Map<string, string> {
  const keys = new Map<string, string>();
  if (by === "rank") {
    for (const run of runs) {
      const rank = rankOf(run);
      if (rank) keys.set(run, rank[0]);
    }
    return keys;
  }
  const cut = by.indexOf(":");
  const kind = by.slice(0, cut);
  const value = by.slice(cut + 1);
  if (cut < 0 || !["hparam", "regex", "tag"].includes(kind) || value === "") {
    throw new ApiError(400, `group by must be hparam:<name>, regex:<pattern>, tag:<tag> or rank, got '${by}'`);
  }
  if (kind !== "regex") return keys; // no hyperparameters or notes in the fake logdir
  let pattern: RegExp;
  try {
    pattern = new RegExp(value);
  } catch (err) {
    throw new ApiError(400, `bad regex '${value}' (JavaScript RegExp, demo mode): ${err instanceof Error ? err.message : String(err)}`);
  }
  for (const run of runs) {
    const found = pattern.exec(run);
    if (found) keys.set(run, found.length > 1 ? (found[1] ?? "") : found[0]);
  }
  return keys;
}

/** One member smoothed in log order, then its last point at each step, by step. */
function memberPoints(steps: Float64Array, values: Float64Array, smoothing: number, kind: SmoothingKind): Member {
  const smoothed = smoothing > 0 ? smooth(kind, steps, values, smoothing) : values;
  let increasing = true;
  for (let i = 1; i < steps.length && increasing; i++) increasing = (steps[i] as number) > (steps[i - 1] as number);
  if (increasing) return { steps, values: smoothed };
  const order = Array.from(steps.keys()).sort((a, b) => (steps[a] as number) - (steps[b] as number) || a - b);
  const outSteps: number[] = [];
  const outValues: number[] = [];
  for (const i of order) {
    const step = steps[i] as number;
    if (outSteps.length > 0 && outSteps[outSteps.length - 1] === step) outValues[outValues.length - 1] = smoothed[i] as number;
    else {
      outSteps.push(step);
      outValues.push(smoothed[i] as number);
    }
  }
  return { steps: Float64Array.from(outSteps), values: Float64Array.from(outValues) };
}

/** The q quantile (linear interpolation) of the first `count` values of `sorted`. */
function quantile(sorted: Float64Array, count: number, q: number): number {
  if (count === 0) return NaN;
  const position = (count - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, count - 1);
  const a = sorted[below] as number;
  return a + ((sorted[above] as number) - a) * (position - below);
}

export interface AggregateOptions {
  readonly stat: Stat;
  readonly band: Band;
  readonly width: number;
  readonly smoothing?: number;
  readonly smoothingKind?: SmoothingKind;
  readonly xmin?: number | undefined;
  readonly xmax?: number | undefined;
}

/** One group's line and band over every point of `members` (run -> steps and values), on the wire. */
export function aggregateGroup(name: string, members: ReadonlyMap<string, Member>, options: AggregateOptions): WireGroupedSeries {
  const points = [...members.values()].map((m) => memberPoints(m.steps, m.values, options.smoothing ?? 0, options.smoothingKind ?? "ema"));
  const all = new Float64Array(points.reduce((n, p) => n + p.steps.length, 0));
  let offset = 0;
  for (const p of points) {
    all.set(p.steps, offset);
    offset += p.steps.length;
  }
  all.sort();
  const union: number[] = [];
  for (const step of all) if (union.length === 0 || union[union.length - 1] !== step) union.push(step);
  const n = union.length;
  const line = new Float64Array(n);
  const low = new Float64Array(n);
  const high = new Float64Array(n);
  const count = new Float64Array(n);
  const nonfinite = new Float64Array(n);
  const cursors = new Int32Array(points.length);
  const scratch = new Float64Array(points.length);
  for (let i = 0; i < n; i++) {
    const step = union[i] as number;
    let k = 0;
    let first = NaN;
    for (let j = 0; j < points.length; j++) {
      const p = points[j] as Member;
      const c = cursors[j] as number;
      if (c >= p.steps.length || p.steps[c] !== step) continue;
      cursors[j] = c + 1;
      const v = p.values[c] as number;
      if (Number.isFinite(v)) {
        scratch[k++] = v;
        if (j === 0) first = v;
      } else nonfinite[i] = (nonfinite[i] as number) + 1;
    }
    count[i] = k;
    const found = scratch.subarray(0, k).sort();
    let sum = 0;
    for (const v of found) sum += v;
    const mean = k > 0 ? sum / k : NaN;
    line[i] = options.stat === "mean" ? mean : options.stat === "median" ? quantile(found, k, 0.5) : first;
    if (options.band === "minmax") {
      low[i] = k > 0 ? (found[0] as number) : NaN;
      high[i] = k > 0 ? (found[k - 1] as number) : NaN;
    } else if (options.band === "std") {
      let squares = 0;
      for (const v of found) squares += (v - mean) * (v - mean);
      const std = Math.sqrt(squares / k);
      low[i] = mean - std;
      high[i] = mean + std;
    } else {
      low[i] = quantile(found, k, 0.1);
      high[i] = quantile(found, k, 0.9);
    }
  }
  const xs = Float64Array.from(union);
  const [start, end] = rangeIndices(xs, options.xmin, options.xmax);
  const keep = new Set<number>();
  for (const ys of [line, low, high]) for (const i of downsampleIndices(xs, ys, start, end, options.width)) keep.add(i);
  if (n > 0) keep.add(n - 1); // the latest step, always
  const kept = [...keep].sort((a, b) => a - b);
  const column = (values: Float64Array): (number | null)[] => kept.map((i) => (Number.isFinite(values[i]) ? (values[i] as number) : null));
  return {
    name,
    members: [...members.keys()],
    total_points: n,
    returned_points: kept.length,
    steps: kept.map((i) => xs[i] as number),
    value: column(line),
    low: column(low),
    high: column(high),
    count: kept.map((i) => count[i] as number),
    nonfinite: kept.map((i) => nonfinite[i] as number),
  };
}

function choice<T extends string>(params: URLSearchParams, name: string, options: readonly T[], fallback: T): T {
  const value = params.get(name) ?? fallback;
  if (!(options as readonly string[]).includes(value)) throw new ApiError(400, `${name}='${value}' is not one of ${options.join(", ")}`);
  return value as T;
}

function optionalNumber(params: URLSearchParams, name: string): number | undefined {
  const raw = params.get(name);
  if (raw === null || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new ApiError(400, `${name}='${raw}' is not a number`);
  return value;
}

/** GET api/scalars/groups over `logdir`, answered as the server answers it. */
export function fakeGroups(logdir: FakeLogdir, params: URLSearchParams): WireGroupsResponse {
  const tag = params.get("tag") ?? "";
  const by = params.get("by") ?? "";
  if (tag === "" || by === "") throw new ApiError(400, `missing query parameter '${tag === "" ? "tag" : "by"}'`);
  const stat = choice(params, "stat", STATS, "mean");
  const band = choice(params, "band", BANDS, "minmax");
  if (stat === "rank0" && by !== "rank") throw new ApiError(400, `stat=rank0 needs by=rank, not by=${by}`);
  const width = Math.max(1, Math.min(10000, Math.round(optionalNumber(params, "width") ?? 1000)));
  const smoothing = optionalNumber(params, "smoothing") ?? 0;
  const smoothingKind = params.get("smoothing_kind") === "time_ema" ? "time_ema" : "ema";
  const xmin = optionalNumber(params, "xmin");
  const xmax = optionalNumber(params, "xmax");
  if ((xmin === undefined) !== (xmax === undefined)) throw new ApiError(400, "give both xmin and xmax, or neither");
  if (xmin !== undefined && xmax !== undefined && !(xmin < xmax)) throw new ApiError(400, `xmin=${xmin} must be less than xmax=${xmax}`);
  // As the server reads runs: repeated, or one comma-separated value.
  const repeated = params.getAll("runs");
  const asked = (repeated.length === 1 ? (repeated[0] as string).split(",") : repeated).filter((r) => r !== "");
  for (const run of asked) if (!logdir.runSpec(run)) throw new ApiError(404, `unknown run '${run}'`);
  const chosen = asked.length > 0 ? new Set(asked) : null;
  const runs = logdir.spec.runs
    .filter((r) => r.tags[tag] !== undefined && (chosen === null || chosen.has(r.name)))
    .map((r) => r.name)
    .sort();
  const keys = groupKeys(runs, by);
  const groups = new Map<string, string[]>();
  for (const run of runs) {
    const key = keys.get(run);
    if (key !== undefined) groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  if (by === "rank") for (const members of groups.values()) members.sort((a, b) => (rankOf(a)?.[1] ?? 0) - (rankOf(b)?.[1] ?? 0));
  const names = [...groups.keys()].sort();
  return {
    tag,
    by,
    stat,
    band,
    groups: names.map((name) => {
      const members = new Map<string, Member>();
      for (const run of groups.get(name) ?? []) {
        const series = logdir.get(run, tag);
        if (series) members.set(run, { steps: series.steps.subarray(0, series.length), values: series.values.subarray(0, series.length) });
      }
      return aggregateGroup(name, members, { stat, band, width, smoothing, smoothingKind, xmin, xmax });
    }),
    ungrouped: runs.filter((run) => !keys.has(run)),
  };
}
