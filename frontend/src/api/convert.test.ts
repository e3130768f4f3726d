import { describe, expect, it } from "vitest";
import { encodeScalarsBinary } from "./binary_encode";
import type { ScalarsResult } from "./client";
import { ApiError } from "./client";
import { convertRuns, convertScalarsJson, decodeScalarsBinary, parseLiveMessage } from "./convert";

const RESULT: ScalarsResult = {
  tag: "loss/train",
  xaxis: "step",
  series: [
    {
      run: "exp1",
      totalPoints: 1000,
      returnedPoints: 4,
      firstWallTime: 1700000000.5,
      steps: Float64Array.from([0, 1, 2 ** 40, 2 ** 53 - 1]),
      wallTimes: Float64Array.from([1700000000.5, 1700000001.25, 1700000002, 1700000003]),
      values: Float64Array.from([0.5, NaN, Infinity, -Infinity]),
      smoothed: Float64Array.from([0.5, NaN, Infinity, -Infinity]),
    },
    {
      run: "exp,2 ünïcode",
      totalPoints: 2,
      returnedPoints: 2,
      firstWallTime: null,
      steps: Float64Array.from([-5, 7]),
      wallTimes: Float64Array.from([1, 2]),
      values: Float64Array.from([1e-300, -2.5]),
      smoothed: null,
    },
  ],
};

/** A body laid out as the Python server lays it out: header padded with spaces, and the
 * padding counted in header_length. */
function serverStyleBody(): ArrayBuffer {
  const steps = new BigInt64Array([3n, 4n]);
  const floats = new Float64Array([10, 20, 0.1, 0.2]);
  let base = 8;
  let header = "";
  for (;;) {
    header = JSON.stringify({
      tag: "t",
      xaxis: "wall",
      series: [
        {
          run: "r",
          total_points: 2,
          returned_points: 2,
          steps: { offset: base, length: 2, dtype: "i8" },
          wall_times: { offset: base + 16, length: 2, dtype: "f8" },
          values: { offset: base + 32, length: 2, dtype: "f8" },
        },
      ],
    });
    const needed = Math.ceil((4 + header.length) / 8) * 8;
    if (needed <= base) break;
    base = needed;
  }
  const padded = header.padEnd(base - 4, " ");
  const buffer = new ArrayBuffer(base + 48);
  new DataView(buffer).setUint32(0, padded.length, true);
  new Uint8Array(buffer, 4, padded.length).set(new TextEncoder().encode(padded));
  new BigInt64Array(buffer, base, 2).set(steps);
  new Float64Array(buffer, base + 16, 4).set(floats);
  return buffer;
}

describe("decodeScalarsBinary", () => {
  it("round-trips every field, non-finite values and large steps exactly", () => {
    const decoded = decodeScalarsBinary(encodeScalarsBinary(RESULT));
    expect(decoded.tag).toBe("loss/train");
    expect(decoded.xaxis).toBe("step");
    expect(decoded.series).toHaveLength(2);
    const [a, b] = decoded.series;
    expect(a?.run).toBe("exp1");
    expect(a?.totalPoints).toBe(1000);
    expect(a?.returnedPoints).toBe(4);
    expect(a?.firstWallTime).toBe(1700000000.5);
    expect(Array.from(a?.steps ?? [])).toEqual([0, 1, 2 ** 40, 2 ** 53 - 1]);
    expect(Array.from(a?.wallTimes ?? [])).toEqual([1700000000.5, 1700000001.25, 1700000002, 1700000003]);
    expect(Array.from(a?.values ?? [])).toEqual([0.5, NaN, Infinity, -Infinity]);
    expect(Array.from(a?.smoothed ?? [])).toEqual([0.5, NaN, Infinity, -Infinity]);
    expect(b?.run).toBe("exp,2 ünïcode");
    expect(Array.from(b?.steps ?? [])).toEqual([-5, 7]);
    expect(Array.from(b?.values ?? [])).toEqual([1e-300, -2.5]);
    expect(b?.smoothed).toBeNull();
    expect(b?.firstWallTime).toBeNull();
  });

  it("round-trips headers of every length (offsets depend on the header's own size)", () => {
    for (let count = 1; count <= 40; count++) {
      const series = Array.from({ length: count }, (_, k) => {
        const n = (k * 37) % 23;
        const column = (f: (i: number) => number): Float64Array => Float64Array.from({ length: n }, (_, i) => f(i));
        return {
          run: `run_${k}_${"x".repeat(k % 7)}`,
          totalPoints: n * 1000,
          returnedPoints: n,
          firstWallTime: 1e9 + k,
          steps: column((i) => i * 1000 + k),
          wallTimes: column((i) => 1e9 + k + i / 8),
          values: column((i) => Math.sin(i + k)),
          smoothed: k % 2 ? column((i) => Math.cos(i - k)) : null,
        };
      });
      const decoded = decodeScalarsBinary(encodeScalarsBinary({ tag: "t", xaxis: "step", series }));
      decoded.series.forEach((s, k) => {
        const want = series[k];
        expect(Array.from(s.steps)).toEqual(Array.from(want?.steps ?? []));
        expect(Array.from(s.wallTimes)).toEqual(Array.from(want?.wallTimes ?? []));
        expect(Array.from(s.values)).toEqual(Array.from(want?.values ?? []));
        expect(s.smoothed ? Array.from(s.smoothed) : null).toEqual(want?.smoothed ? Array.from(want.smoothed) : null);
      });
    }
  });

  it("views float arrays in place rather than copying", () => {
    const buffer = encodeScalarsBinary(RESULT);
    const decoded = decodeScalarsBinary(buffer);
    expect(decoded.series[0]?.values.buffer).toBe(buffer);
  });

  it("reads the server's layout (space-padded header, missing first_wall_time)", () => {
    const decoded = decodeScalarsBinary(serverStyleBody());
    const s = decoded.series[0];
    expect(decoded.xaxis).toBe("wall");
    expect(Array.from(s?.steps ?? [])).toEqual([3, 4]);
    expect(Array.from(s?.wallTimes ?? [])).toEqual([10, 20]);
    expect(Array.from(s?.values ?? [])).toEqual([0.1, 0.2]);
    expect(s?.firstWallTime).toBeNull();
  });

  it("rejects truncated bodies and arrays past the end with a clear error", () => {
    expect(() => decodeScalarsBinary(new ArrayBuffer(2))).toThrow(/no header length/);
    const buffer = encodeScalarsBinary(RESULT);
    expect(() => decodeScalarsBinary(buffer.slice(0, buffer.byteLength - 8))).toThrow(ApiError);
    expect(() => decodeScalarsBinary(buffer.slice(0, buffer.byteLength - 8))).toThrow(/past the end/);
    const short = new ArrayBuffer(8);
    new DataView(short).setUint32(0, 100, true);
    expect(() => decodeScalarsBinary(short)).toThrow(/header length 100/);
  });
});

describe("JSON conversion", () => {
  it("turns null values into NaN and keeps columns", () => {
    const result = convertScalarsJson({
      tag: "t",
      xaxis: "relative",
      series: [
        {
          run: "r",
          total_points: 3,
          returned_points: 3,
          first_wall_time: 5,
          steps: [1, 2, 3],
          wall_times: [5, 6, 7],
          values: [1, null, 3],
          smoothed: [1, null, 2.5],
        },
      ],
    });
    expect(Array.from(result.series[0]?.values ?? [])).toEqual([1, NaN, 3]);
    expect(Array.from(result.series[0]?.smoothed ?? [])).toEqual([1, NaN, 2.5]);
  });

  it("rejects an unknown x axis", () => {
    expect(() => convertScalarsJson({ tag: "t", xaxis: "bogus" as "step", series: [] })).toThrow(/xaxis "bogus"/);
  });

  it("converts runs, kinds and warnings", () => {
    const info = convertRuns({
      runs: [
        { name: "a", parent: null, group_tag: null, sub_run: null, kinds: ["scalars"], start_time: 1, last_update: 2, last_write_time: 2, rank: null, ranks: [] },
        { name: "a/l_x", parent: "a", group_tag: "l", sub_run: "scalars", kinds: ["scalars"], start_time: 1, last_update: 2, last_write_time: 2, rank: null, ranks: [] },
      ],
      kinds: ["scalars"],
      warnings: [{ run: "b", path: "b/events", kind: "crc", count: 3, message: "3 records failed" }],
    });
    expect(info.runs[1]?.parent).toBe("a");
    expect(info.runs[1]?.groupTag).toBe("l");
    expect(info.runs[1]?.subRun).toBe("scalars");
    expect(info.kinds.has("scalars")).toBe(true);
    expect(info.warnings[0]?.message).toBe("3 records failed");
  });
});

describe("parseLiveMessage", () => {
  it("parses every message type and ignores unknown ones", () => {
    expect(parseLiveMessage('{"type":"hello","version":"1"}')).toEqual({ type: "hello", version: "1" });
    expect(parseLiveMessage('{"type":"runs","added":["x"],"reset":["y"]}')).toEqual({
      type: "runs",
      removed: [],
      reset: ["y"],
    });
    expect(
      parseLiveMessage('{"type":"points","kind":"scalars","updates":[{"run":"r","tag":"t","total_points":5,"last_step":4}]}'),
    ).toEqual({ type: "points", kind: "scalars", updates: [{ run: "r", tag: "t", totalPoints: 5, lastStep: 4 }] });
    expect(parseLiveMessage('{"type":"tags","kind":"scalars","run":"r","added":["t"]}')).toEqual({
      type: "tags",
      kind: "scalars",
      run: "r",
    });
    expect(parseLiveMessage('{"type":"warnings"}')).toEqual({ type: "warnings" });
    expect(parseLiveMessage('{"type":"future"}')).toBeNull();
    expect(parseLiveMessage("not json")).toBeNull();
  });
});
