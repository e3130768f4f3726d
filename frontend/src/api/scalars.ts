// GET /api/scalars and /api/scalars/data (docs/http/api.md) over the generic client methods,
// for the two dashboards that draw scalar series: Scalars and Custom scalars. The answer is
// fetched in the binary form and decoded by convert.ts (decodeScalarsBinary).

import type { ApiClient, QueryParams, ScalarsResult, SmoothingKind, XAxis } from "./client";
import { decodeScalarsBinary } from "./convert";

export type DownloadFormat = "csv" | "json";

export interface ScalarsQuery {
  readonly tag: string;
  readonly runs: readonly string[];
  /** The plot's width in pixels: the server returns at most 4 points per pixel column. */
  readonly width: number;
  readonly xaxis: XAxis;
  readonly xmin?: number | undefined;
  readonly xmax?: number | undefined;
  /** 0 = none. */
  readonly smoothing: number;
  readonly smoothingKind: SmoothingKind;
}

/** The width the server accepts: a whole number of pixels in [1, 10000]. */
function pixelWidth(width: number): number {
  return Math.max(1, Math.min(10000, Math.round(width)));
}

/** The query of GET /api/scalars (runs repeated, so names may hold commas). */
export function scalarsParams(query: ScalarsQuery, format: "json" | "binary"): QueryParams {
  const range = query.xmin !== undefined && query.xmax !== undefined ? { xmin: query.xmin, xmax: query.xmax } : {};
  const smoothing = query.smoothing > 0 ? { smoothing: query.smoothing, smoothing_kind: query.smoothingKind } : {};
  return { tag: query.tag, runs: query.runs, width: pixelWidth(query.width), xaxis: query.xaxis, ...range, ...smoothing, format };
}

/** Reads back what scalarsParams wrote (fake servers answer from it). */
export function parseScalarsParams(params: URLSearchParams): ScalarsQuery {
  const number = (name: string): number | undefined => (params.has(name) ? Number(params.get(name)) : undefined);
  const xaxis = params.get("xaxis");
  return {
    tag: params.get("tag") ?? "",
    runs: params.getAll("runs"),
    width: number("width") ?? 1,
    xaxis: xaxis === "relative" || xaxis === "wall" ? xaxis : "step",
    xmin: number("xmin"),
    xmax: number("xmax"),
    smoothing: number("smoothing") ?? 0,
    smoothingKind: params.get("smoothing_kind") === "time_ema" ? "time_ema" : "ema",
  };
}

/** Most characters of run names (URL-encoded) one request carries: servers and proxies cap a
 * request line (uvicorn's at 16 KiB, answering 400 past it), so more runs take several requests. */
export const MAX_RUNS_QUERY_CHARS = 6000;

/** `runs` in consecutive batches whose encoded `runs=` parameters stay within `maxChars`. */
export function runBatches(runs: readonly string[], maxChars = MAX_RUNS_QUERY_CHARS): string[][] {
  const batches: string[][] = [];
  let batch: string[] = [];
  let chars = 0;
  for (const run of runs) {
    const cost = encodeURIComponent(run).length + 6; // "&runs=" and the name
    if (batch.length > 0 && chars + cost > maxChars) {
      batches.push(batch);
      batch = [];
      chars = 0;
    }
    batch.push(run);
    chars += cost;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

/** One card's data: `query.tag` of `query.runs`, downsampled to the plot's width (in as many
 * requests as the run names need, see runBatches; the series come back in `query.runs` order). */
export async function fetchScalars(client: ApiClient, query: ScalarsQuery, signal?: AbortSignal): Promise<ScalarsResult> {
  const batches = runBatches(query.runs);
  if (batches.length <= 1) {
    return decodeScalarsBinary(await client.getBytes("api/scalars", scalarsParams(query, "binary"), signal));
  }
  const parts = await Promise.all(
    batches.map(async (runs) => decodeScalarsBinary(await client.getBytes("api/scalars", scalarsParams({ ...query, runs }, "binary"), signal))),
  );
  const first = parts[0] as ScalarsResult;
  return { ...first, series: parts.flatMap((part) => part.series) };
}

/** A URL that downloads every point of (run, tag) at full resolution. */
export function scalarDataHref(client: ApiClient, run: string, tag: string, format: DownloadFormat): string {
  return client.href("api/scalars/data", { run, tag, format });
}
