// Fake histogram data and routes for the Histograms and Distributions page tests: a FakeClient
// whose runs lr_3e-4 and lr_1e-3/seed_1 (the odd runs of demoSpec: the histograms kind) have tags,
// answering GET /api/tags?kind=histograms, /api/histograms and /api/distributions.

import type { Kind, TagsIndex } from "./client";
import { FakeClient } from "./fake_client";
import { demoSpec } from "./fake_logdir";
import type { WireDistributions } from "./wire_types";
import type { HistogramSeries } from "./histograms";
import { encodeHistogramsBinary } from "./histograms_binary_encode";

export const FAKE_TAGS = ["layer/bias", "layer/weight"];
export const BINS = 5;
export const BASIS_POINTS = [0, 668, 1587, 3085, 5000, 6915, 8413, 9332, 10000];

/** Steps 0..n-1; step s has counts [s, 1, 2, 3, 4] over [0, 5]. */
export function fakeHistograms(run: string, tag: string, steps: number): HistogramSeries {
  const counts = new Float32Array(steps * BINS);
  for (let s = 0; s < steps; s++) for (let b = 0; b < BINS; b++) counts[s * BINS + b] = b === 0 ? s : b;
  return {
    run,
    tag,
    totalSteps: steps,
    bins: BINS,
    xMin: 0,
    xMax: 5,
    steps: Float64Array.from({ length: steps }, (_, s) => s),
    wallTimes: Float64Array.from({ length: steps }, (_, s) => 1000 + s),
    counts,
  };
}

/** Step s has the values bp / 1000 + s (null at step 1's minimum). */
export function fakeDistributions(run: string, tag: string, steps: number): WireDistributions {
  return {
    run,
    tag,
    total_steps: steps,
    basis_points: BASIS_POINTS,
    steps: Array.from({ length: steps }, (_, s) => s),
    wall_times: Array.from({ length: steps }, (_, s) => 1000 + s),
    values: Array.from({ length: steps }, (_, s) => BASIS_POINTS.map((bp, j) => (s === 1 && j === 0 ? null : bp / 1000 + s))),
  };
}

export class HistogramsFakeClient extends FakeClient {
  /** Steps per (run, tag); tests raise it to simulate new data. */
  steps = 4;
  readonly histogramRuns = ["lr_3e-4", "lr_1e-3/seed_1"];

  constructor() {
    super(demoSpec({ runs: 4, tags: 1, steps: 10 }));
    const runTag = (params: URLSearchParams): [string, string] => [params.get("run") ?? "", params.get("tag") ?? ""];
    this.addRoute("api/histograms", (params) => encodeHistogramsBinary(fakeHistograms(...runTag(params), this.steps)));
    this.addRoute("api/distributions", (params) => fakeDistributions(...runTag(params), this.steps));
  }

  override async tags(kind: Kind): Promise<TagsIndex> {
    if (kind !== "histograms") return super.tags(kind);
    const info = { points: this.steps, lastStep: this.steps - 1, displayName: "", description: "" };
    return new Map(this.histogramRuns.map((run) => [run, new Map(FAKE_TAGS.map((tag) => [tag, info]))]));
  }
}
