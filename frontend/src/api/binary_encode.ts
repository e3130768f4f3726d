// The server side of the binary series format, for the fake client and for tests of the
// decoder in convert.ts. Layout: see convert.ts and docs/http/api.md.

import type { ScalarsResult } from "./client";
import type { WireArrayRef, WireScalarSeriesHeader, WireScalarsHeader } from "./wire_types";

interface PendingArray {
  ref: WireArrayRef;
  data: Float64Array;
}

const align8 = (n: number): number => Math.ceil(n / 8) * 8;

/** Encodes a scalars response as the server does for format=binary (steps as i8). */
export function encodeScalarsBinary(result: ScalarsResult): ArrayBuffer {
  const pending: PendingArray[] = [];
  const place = (data: Float64Array, dtype: "f8" | "i8"): WireArrayRef => {
    const ref: WireArrayRef = { offset: 0, length: data.length, dtype };
    pending.push({ ref, data });
    return ref;
  };
  const series: WireScalarSeriesHeader[] = result.series.map((s) => {
    const header: WireScalarSeriesHeader = {
      run: s.run,
      total_points: s.totalPoints,
      returned_points: s.returnedPoints,
      first_wall_time: s.firstWallTime,
      steps: place(s.steps, "i8"),
      wall_times: place(s.wallTimes, "f8"),
      values: place(s.values, "f8"),
    };
    if (s.smoothed) header.smoothed = place(s.smoothed, "f8");
    return header;
  });
  const header: WireScalarsHeader = { tag: result.tag, xaxis: result.xaxis, series };
  // Offsets depend on the header's length, which depends on the offsets' digits: grow the
  // room left for the header until the header fits in it.
  let start = 8;
  let headerBytes: Uint8Array;
  for (;;) {
    let offset = start;
    for (const p of pending) {
      p.ref.offset = offset;
      offset += p.data.length * 8;
    }
    headerBytes = new TextEncoder().encode(JSON.stringify(header));
    const needed = align8(4 + headerBytes.length);
    if (needed <= start) break;
    start = needed;
  }
  const total = pending.reduce((n, p) => n + p.data.length * 8, start);
  const buffer = new ArrayBuffer(total);
  const view = new DataView(buffer);
  view.setUint32(0, headerBytes.length, true);
  new Uint8Array(buffer, 4, headerBytes.length).set(headerBytes);
  for (const p of pending) {
    for (let i = 0; i < p.data.length; i++) {
      const at = p.ref.offset + i * 8;
      const v = p.data[i] as number;
      if (p.ref.dtype === "i8") view.setBigInt64(at, BigInt(Math.trunc(v)), true);
      else view.setFloat64(at, v, true);
    }
  }
  return buffer;
}
