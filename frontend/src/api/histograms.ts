// GET /api/histograms (docs/http/histograms.md): every step of one (run, tag) histogram,
// resampled on the server onto one x grid of equal bins, fetched in the binary form.

import type { ApiClient } from "./client";
import { ApiError } from "./client";

/** Bins of the common x grid a card asks for (TensorBoard rebins to 30 too). */
export const HISTOGRAM_BINS = 30;

/** An array in the binary body: byte offset from the body's start, element count, type. */
export interface WireArray {
  readonly offset: number;
  readonly length: number;
  readonly dtype: "f4" | "f8";
}

/** The binary answer's JSON header, as sent. */
export interface WireHistogramsHeader {
  readonly run: string;
  readonly tag: string;
  readonly total_steps: number;
  readonly bins: number;
  readonly x_min: number | null;
  readonly x_max: number | null;
  readonly steps: WireArray;
  readonly wall_times: WireArray;
  readonly counts: WireArray;
}

/** One card's data: `counts` is row-major, one row of `bins` counts per step. */
export interface HistogramSeries {
  readonly run: string;
  readonly tag: string;
  /** Steps the tag has (the server sends at most max_steps of them). */
  readonly totalSteps: number;
  readonly bins: number;
  /** The grid's range; null when every step is empty. */
  readonly xMin: number | null;
  readonly xMax: number | null;
  readonly steps: Float64Array;
  readonly wallTimes: Float64Array;
  readonly counts: Float32Array;
}

function readArray(buffer: ArrayBuffer, wire: WireArray, name: string): Float64Array | Float32Array {
  const size = wire.dtype === "f8" ? 8 : 4;
  if (wire.offset % 8 !== 0 || wire.offset + wire.length * size > buffer.byteLength) {
    throw new ApiError(0, `bad binary histograms: ${name} at ${wire.offset} (${wire.length} x ${wire.dtype}) is outside the ${buffer.byteLength}-byte body`);
  }
  // The server writes little-endian; every browser this runs on is little-endian too.
  return wire.dtype === "f8" ? new Float64Array(buffer, wire.offset, wire.length) : new Float32Array(buffer, wire.offset, wire.length);
}

/** Decodes the binary answer of GET /api/histograms?format=binary. */
export function decodeHistogramsBinary(buffer: ArrayBuffer): HistogramSeries {
  if (buffer.byteLength < 4) throw new ApiError(0, `bad binary histograms: ${buffer.byteLength}-byte body`);
  const headerLength = new DataView(buffer).getUint32(0, true);
  if (4 + headerLength > buffer.byteLength) {
    throw new ApiError(0, `bad binary histograms: header length ${headerLength} exceeds the ${buffer.byteLength}-byte body`);
  }
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, headerLength))) as WireHistogramsHeader;
  const steps = Float64Array.from(readArray(buffer, header.steps, "steps"));
  const counts = Float32Array.from(readArray(buffer, header.counts, "counts"));
  if (counts.length !== steps.length * header.bins) {
    throw new ApiError(0, `bad binary histograms: ${counts.length} counts for ${steps.length} steps of ${header.bins} bins`);
  }
  return {
    run: header.run,
    tag: header.tag,
    totalSteps: header.total_steps,
    bins: header.bins,
    xMin: header.x_min,
    xMax: header.x_max,
    steps,
    wallTimes: Float64Array.from(readArray(buffer, header.wall_times, "wall_times")),
    counts,
  };
}

export async function fetchHistograms(client: ApiClient, run: string, tag: string, signal?: AbortSignal): Promise<HistogramSeries> {
  const params = { run, tag, bins: HISTOGRAM_BINS, format: "binary" };
  return decodeHistogramsBinary(await client.getBytes("api/histograms", params, signal));
}
