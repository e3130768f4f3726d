// @vitest-environment happy-dom
// GET /api/scalars over the generic client: the query it sends, and reading it back.

import { afterEach, describe, expect, it, vi } from "vitest";
import { HttpClient } from "./http_client";
import { encodeQuery } from "./query";
import type { ScalarsQuery } from "./scalars";
import { encodeScalarsBinary } from "./binary_encode";
import { fetchScalars, parseScalarsParams, runBatches, scalarDataHref, scalarsParams } from "./scalars";

const QUERY: ScalarsQuery = {
  tag: "loss/train",
  runs: ["a,b", "c&d"],
  width: 329.6,
  xaxis: "relative",
  xmin: 10,
  xmax: 20,
  smoothing: 0.6,
  smoothingKind: "time_ema",
};

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("scalars query", () => {
  it("repeats runs, rounds the width, and sends the range and smoothing only when set", () => {
    expect(encodeQuery(scalarsParams(QUERY, "binary")).toString()).toBe(
      "tag=loss%2Ftrain&runs=a%2Cb&runs=c%26d&width=330&xaxis=relative&xmin=10&xmax=20&smoothing=0.6&smoothing_kind=time_ema&format=binary",
    );
    const plain = { ...QUERY, xmax: undefined, smoothing: 0, width: 1e6 };
    expect(encodeQuery(scalarsParams(plain, "json")).toString()).toBe("tag=loss%2Ftrain&runs=a%2Cb&runs=c%26d&width=10000&xaxis=relative&format=json");
  });

  it("reads back what it sends", () => {
    expect(parseScalarsParams(encodeQuery(scalarsParams(QUERY, "binary")))).toEqual({ ...QUERY, width: 330 });
    const plain = parseScalarsParams(encodeQuery(scalarsParams({ ...QUERY, xmin: undefined, smoothing: 0 }, "binary")));
    expect([plain.xmin, plain.xmax, plain.smoothing, plain.smoothingKind]).toEqual([undefined, undefined, 0, "ema"]);
  });

  it("fetches binary over HTTP and links the full-resolution data", async () => {
    const urls: string[] = [];
    vi.stubGlobal("fetch", async (url: string) => {
      urls.push(url);
      return new Response("not a series", { status: 404, statusText: "Not Found" });
    });
    const client = new HttpClient("http://host/p/");
    await expect(fetchScalars(client, { ...QUERY, xmin: undefined, smoothing: 0 })).rejects.toThrow("404");
    expect(urls).toEqual(["http://host/p/api/scalars?tag=loss%2Ftrain&runs=a%2Cb&runs=c%26d&width=330&xaxis=relative&format=binary"]);
    expect(scalarDataHref(client, "r 1", "t/x", "csv")).toBe("http://host/p/api/scalars/data?run=r+1&tag=t%2Fx&format=csv");
  });

  it("splits many runs into requests of bounded length and keeps the runs' order", async () => {
    const runs = Array.from({ length: 1000 }, (_, i) => `sweep/run${String(i).padStart(4, "0")}`);
    const batches = runBatches(runs);
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.flat()).toEqual(runs);
    for (const batch of batches) expect(batch.reduce((n, r) => n + encodeURIComponent(r).length + 6, 0)).toBeLessThanOrEqual(6000);
    expect(runBatches(["x".repeat(9000)])).toEqual([["x".repeat(9000)]]);

    const urls: string[] = [];
    vi.stubGlobal("fetch", async (url: string) => {
      urls.push(url);
      const asked = new URL(url).searchParams.getAll("runs");
      const one = new Float64Array([1]);
      const series = asked.map((run) => ({ run, totalPoints: 1, returnedPoints: 1, firstWallTime: 1, steps: one, wallTimes: one, values: one, smoothed: null }));
      return new Response(encodeScalarsBinary({ tag: "t", xaxis: "step", series }));
    });
    const result = await fetchScalars(new HttpClient("http://host/"), { ...QUERY, runs, smoothing: 0, xmin: undefined });
    expect(urls.length).toBe(batches.length);
    for (const url of urls) expect(url.length).toBeLessThan(8000);
    expect(result.series.map((s) => s.run)).toEqual(runs);
  });
});
