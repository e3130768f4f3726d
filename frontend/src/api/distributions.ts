// GET /api/distributions (docs/http/histograms.md): every step of one (run, tag) histogram
// compressed on the server to TensorBoard's nine basis points (the values at 0%, 6.68%,
// 15.87%, 30.85%, 50%, 69.15%, 84.13%, 93.32% and 100% of the counts).

import type { ApiClient } from "./client";
import { ApiError } from "./client";

/** The answer, as sent. Non-finite values are null. */
export interface WireDistributions {
  readonly run: string;
  readonly tag: string;
  readonly total_steps: number;
  readonly basis_points: readonly number[];
  readonly steps: readonly number[];
  readonly wall_times: readonly number[];
  readonly values: readonly (readonly (number | null)[])[];
}

/** One card's data: `values` is row-major, one row of `basisPoints.length` per step (NaN: missing). */
export interface DistributionSeries {
  readonly run: string;
  readonly tag: string;
  readonly totalSteps: number;
  readonly basisPoints: readonly number[];
  readonly steps: Float64Array;
  readonly wallTimes: Float64Array;
  readonly values: Float64Array;
}

export function convertDistributions(wire: WireDistributions): DistributionSeries {
  const width = wire.basis_points.length;
  const n = wire.steps.length;
  if (wire.wall_times.length !== n || wire.values.length !== n) {
    throw new ApiError(0, `bad distributions: ${n} steps, ${wire.wall_times.length} wall times, ${wire.values.length} rows`);
  }
  const values = new Float64Array(n * width);
  wire.values.forEach((row, i) => {
    if (row.length !== width) throw new ApiError(0, `bad distributions: row ${i} has ${row.length} values, not ${width}`);
    row.forEach((v, j) => (values[i * width + j] = v === null ? NaN : v));
  });
  return {
    run: wire.run,
    tag: wire.tag,
    totalSteps: wire.total_steps,
    basisPoints: [...wire.basis_points],
    steps: Float64Array.from(wire.steps),
    wallTimes: Float64Array.from(wire.wall_times),
    values,
  };
}

export async function fetchDistributions(client: ApiClient, run: string, tag: string, signal?: AbortSignal): Promise<DistributionSeries> {
  return convertDistributions(await client.getJson<WireDistributions>("api/distributions", { run, tag }, signal));
}
