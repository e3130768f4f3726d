// The server side of the binary series format, for the fake client and for tests of the
// decoder in convert.ts. Layout: see convert.ts and docs/http/api.md; the header is typed by
// the generated wire types, and tests/vectors/binary_series.json holds bytes the server made.

import type { ScalarsResult } from "./client";
import type { WireArrayRef, WireScalarSeriesHeader, WireScalarsHeader } from "./wire_types";

type Dtype = "f8" | "i8";

const align8 = (n: number): number => Math.ceil(n / 8) * 8;

/** Encodes a scalars response as the server does for format=binary (steps as i8). */
export function encodeScalarsBinary(result: ScalarsResult): ArrayBuffer {
  const arrays: { data: Float64Array; dtype: Dtype }[] = [];
  const indexOf = (data: Float64Array, dtype: Dtype): number => arrays.push({ data, dtype }) - 1;
  const layout = result.series.map((s) => ({
    s,
    steps: indexOf(s.steps, "i8"),
    wallTimes: indexOf(s.wallTimes, "f8"),
    values: indexOf(s.values, "f8"),
    smoothed: s.smoothed ? indexOf(s.smoothed, "f8") : null,
  }));
  // Offsets depend on the header's length, which depends on the offsets' digits: grow the
  // room left for the header until the header fits in it.
  const headerAt = (start: number): { header: WireScalarsHeader; offsets: number[] } => {
    const offsets: number[] = [];
    let offset = start;
    for (const a of arrays) {
      offsets.push(offset);
      offset += a.data.length * 8;
    }
    const ref = (i: number): WireArrayRef => ({
      offset: offsets[i] as number,
      length: (arrays[i] as { data: Float64Array }).data.length,
      dtype: (arrays[i] as { dtype: Dtype }).dtype,
    });
    const series = layout.map((l): WireScalarSeriesHeader => {
      const base = {
        run: l.s.run,
        total_points: l.s.totalPoints,
        returned_points: l.s.returnedPoints,
        first_wall_time: l.s.firstWallTime,
        steps: ref(l.steps),
        wall_times: ref(l.wallTimes),
        values: ref(l.values),
      };
      return l.smoothed === null ? base : { ...base, smoothed: ref(l.smoothed) };
    });
    return { header: { tag: result.tag, xaxis: result.xaxis, series }, offsets };
  };
  let start = 8;
  let placed = headerAt(start);
  let headerBytes = new TextEncoder().encode(JSON.stringify(placed.header));
  while (align8(4 + headerBytes.length) > start) {
    start = align8(4 + headerBytes.length);
    placed = headerAt(start);
    headerBytes = new TextEncoder().encode(JSON.stringify(placed.header));
  }
  const total = arrays.reduce((n, a) => n + a.data.length * 8, start);
  const buffer = new ArrayBuffer(total);
  const view = new DataView(buffer);
  view.setUint32(0, headerBytes.length, true);
  new Uint8Array(buffer, 4, headerBytes.length).set(headerBytes);
  arrays.forEach((a, k) => {
    const at0 = placed.offsets[k] as number;
    for (let i = 0; i < a.data.length; i++) {
      const v = a.data[i] as number;
      if (a.dtype === "i8") view.setBigInt64(at0 + i * 8, BigInt(Math.trunc(v)), true);
      else view.setFloat64(at0 + i * 8, v, true);
    }
  });
  return buffer;
}
