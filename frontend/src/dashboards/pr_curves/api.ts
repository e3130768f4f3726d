// The PR curves dashboard's wire types (docs/http/pr_curves.md) and their conversion.

import type { ApiClient } from "../../api/client";
import type { StepPoint } from "../../components/step_slider";

export interface WirePrSteps {
  readonly tag: string;
  readonly runs: readonly {
    readonly run: string;
    readonly steps: readonly number[];
    readonly wall_times: readonly number[];
    readonly num_thresholds: number | null;
  }[];
}

export interface WirePrCurve {
  readonly run: string;
  readonly step: number;
  readonly wall_time: number;
  readonly num_thresholds: number | null;
  readonly thresholds: readonly number[];
  readonly precision: readonly (number | null)[];
  readonly recall: readonly (number | null)[];
  readonly true_positives: readonly (number | null)[];
  readonly false_positives: readonly (number | null)[];
  readonly true_negatives: readonly (number | null)[];
  readonly false_negatives: readonly (number | null)[];
  readonly error?: string;
}

export interface WirePrCurves {
  readonly tag: string;
  readonly curves: readonly WirePrCurve[];
}

/** One run's curve at one step; arrays per threshold (non-finite values are NaN). */
export interface PrCurve {
  readonly run: string;
  readonly step: number;
  readonly wallTime: number;
  readonly thresholds: readonly number[];
  readonly precision: readonly number[];
  readonly recall: readonly number[];
  readonly truePositives: readonly number[];
  readonly falsePositives: readonly number[];
  readonly trueNegatives: readonly number[];
  readonly falseNegatives: readonly number[];
  /** Why the curve could not be drawn (a tensor that is not [6, T]), or null. */
  readonly error: string | null;
}

const numbers = (values: readonly (number | null)[]): number[] => values.map((v) => (v === null ? NaN : v));

export function convertSteps(wire: WirePrSteps): Map<string, StepPoint[]> {
  return new Map(wire.runs.map((r) => [r.run, r.steps.map((step, i) => ({ step, wallTime: r.wall_times[i] ?? NaN }))]));
}

export function convertCurve(wire: WirePrCurve): PrCurve {
  return {
    run: wire.run,
    step: wire.step,
    wallTime: wire.wall_time,
    thresholds: wire.thresholds,
    precision: numbers(wire.precision),
    recall: numbers(wire.recall),
    truePositives: numbers(wire.true_positives),
    falsePositives: numbers(wire.false_positives),
    trueNegatives: numbers(wire.true_negatives),
    falseNegatives: numbers(wire.false_negatives),
    error: wire.error ?? null,
  };
}

/** Each run's steps (runs without the tag are left out). */
export async function fetchSteps(
  client: ApiClient,
  tag: string,
  runs: readonly string[],
  signal?: AbortSignal,
): Promise<Map<string, StepPoint[]>> {
  return convertSteps(await client.getJson<WirePrSteps>("api/pr_curves/steps", { tag, runs: [...runs] }, signal));
}

/** The curve of `steps[i]` for `runs[i]`. */
export async function fetchCurves(
  client: ApiClient,
  tag: string,
  runs: readonly string[],
  steps: readonly number[],
  signal?: AbortSignal,
): Promise<PrCurve[]> {
  const params = { tag, runs: [...runs], steps: steps.map(String) };
  const wire = await client.getJson<WirePrCurves>("api/pr_curves", params, signal);
  return wire.curves.map(convertCurve);
}
