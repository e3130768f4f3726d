// tests/vectors/binary_series.json: bodies the server's encoders made. The decoders read them
// back exactly, and the fake client's encoders make bodies that decode to the same card, so
// the server and both sides of the front end are held to one file (the server's side:
// tests/server/test_openapi_binary_vectors.py).

import { describe, expect, it } from "vitest";
import vectorsText from "../../../tests/vectors/binary_series.json?raw";
import type { ScalarsResult } from "./client";
import { decodeScalarsBinary } from "./convert";
import { encodeScalarsBinary } from "./binary_encode";
import { decodeHistogramsBinary } from "./histograms";
import type { HistogramSeries } from "./histograms";
import { encodeHistogramsBinary } from "./histograms_binary_encode";

type Num = number | string;
interface ScalarsCard {
  readonly tag: string;
  readonly xaxis: "step" | "relative" | "wall";
  readonly series: readonly {
    readonly run: string;
    readonly total_points: number;
    readonly returned_points: number;
    readonly first_wall_time: number | null;
    readonly steps: readonly number[];
    readonly wall_times: readonly Num[];
    readonly values: readonly Num[];
    readonly smoothed?: readonly Num[];
  }[];
}
interface HistogramsCard {
  readonly run: string;
  readonly tag: string;
  readonly total_steps: number;
  readonly bins: number;
  readonly x_min: number | null;
  readonly x_max: number | null;
  readonly steps: readonly number[];
  readonly wall_times: readonly number[];
  readonly counts: readonly (readonly number[])[];
}

const vectors = JSON.parse(vectorsText) as {
  readonly scalars: { readonly card: ScalarsCard; readonly base64: string };
  readonly histograms: { readonly card: HistogramsCard; readonly base64: string };
};

/** JSON numbers, with non-finite ones spelled "NaN", "Infinity", "-Infinity". */
const f64 = (items: readonly Num[]): Float64Array => Float64Array.from(items.map(Number));

function bytesOf(base64: string): ArrayBuffer {
  const text = atob(base64);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out.buffer;
}

function scalarsOf(card: ScalarsCard): ScalarsResult {
  return {
    tag: card.tag,
    xaxis: card.xaxis,
    series: card.series.map((s) => ({
      run: s.run,
      totalPoints: s.total_points,
      returnedPoints: s.returned_points,
      firstWallTime: s.first_wall_time,
      steps: f64(s.steps),
      wallTimes: f64(s.wall_times),
      values: f64(s.values),
      smoothed: s.smoothed ? f64(s.smoothed) : null,
    })),
  };
}

function histogramsOf(card: HistogramsCard): HistogramSeries {
  return {
    run: card.run,
    tag: card.tag,
    totalSteps: card.total_steps,
    bins: card.bins,
    xMin: card.x_min,
    xMax: card.x_max,
    steps: f64(card.steps),
    wallTimes: f64(card.wall_times),
    counts: Float32Array.from(card.counts.flat()),
  };
}

/** Typed arrays as plain arrays, so toEqual compares NaN and infinities by value. */
function plain(value: unknown): unknown {
  if (value instanceof Float64Array || value instanceof Float32Array) return Array.from(value);
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

describe("the golden binary bodies", () => {
  it("decode to the scalars card", () => {
    const decoded = decodeScalarsBinary(bytesOf(vectors.scalars.base64));
    expect(plain(decoded)).toEqual(plain(scalarsOf(vectors.scalars.card)));
  });

  it("are what the fake client's scalars encoder means", () => {
    const card = scalarsOf(vectors.scalars.card);
    expect(plain(decodeScalarsBinary(encodeScalarsBinary(card)))).toEqual(plain(card));
  });

  it("decode to the histograms card", () => {
    const decoded = decodeHistogramsBinary(bytesOf(vectors.histograms.base64));
    expect(plain(decoded)).toEqual(plain(histogramsOf(vectors.histograms.card)));
  });

  it("are what the fake client's histograms encoder means, byte for byte but the header", () => {
    const golden = new Uint8Array(bytesOf(vectors.histograms.base64));
    const ours = new Uint8Array(encodeHistogramsBinary(histogramsOf(vectors.histograms.card)));
    expect(plain(decodeHistogramsBinary(ours.buffer))).toEqual(plain(histogramsOf(vectors.histograms.card)));
    // The arrays are laid out alike after the headers (which differ only in JSON spacing).
    const arraysAt = (body: Uint8Array): number => 4 + new DataView(body.buffer).getUint32(0, true);
    expect(Array.from(ours.subarray(arraysAt(ours)))).toEqual(Array.from(golden.subarray(arraysAt(golden))));
  });
});
