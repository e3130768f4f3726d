// The server's binary histograms answer, built in the browser: for fake routes in tests.

import type { HistogramSeries } from "./histograms";
import type { WireHistogramsHeader } from "./wire_types";

/** Encodes `series` as GET /api/histograms?format=binary does (docs/http/histograms.md). */
export function encodeHistogramsBinary(series: HistogramSeries): ArrayBuffer {
  const n = series.steps.length;
  const sizes = [n * 8, n * 8, series.counts.length * 4].map((s) => s + ((8 - (s % 8)) % 8));
  const fields = {
    run: series.run,
    tag: series.tag,
    total_steps: series.totalSteps,
    bins: series.bins,
    x_min: series.xMin,
    x_max: series.xMax,
  };
  let base = 8;
  let header: Uint8Array;
  for (;;) {
    const offsets = [base, base + (sizes[0] as number), base + (sizes[0] as number) + (sizes[1] as number)];
    const wire: WireHistogramsHeader = {
      ...fields,
      steps: { offset: offsets[0] as number, length: n, dtype: "f8" },
      wall_times: { offset: offsets[1] as number, length: n, dtype: "f8" },
      counts: { offset: offsets[2] as number, length: series.counts.length, dtype: "f4" },
    };
    header = new TextEncoder().encode(JSON.stringify(wire));
    const needed = Math.ceil((4 + header.length) / 8) * 8;
    if (needed <= base) break;
    base = needed;
  }
  const total = base + sizes.reduce((a, b) => a + b, 0);
  const buffer = new ArrayBuffer(total);
  const bytes = new Uint8Array(buffer);
  bytes.fill(0x20, 4, base);
  new DataView(buffer).setUint32(0, base - 4, true);
  bytes.set(header, 4);
  new Float64Array(buffer, base, n).set(series.steps);
  new Float64Array(buffer, base + (sizes[0] as number), n).set(series.wallTimes);
  new Float32Array(buffer, base + (sizes[0] as number) + (sizes[1] as number), series.counts.length).set(series.counts);
  return buffer;
}
