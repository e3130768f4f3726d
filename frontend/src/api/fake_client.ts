// ApiClient over an in-memory FakeLogdir, for unit tests and the `npm run dev` demo. It
// answers with the server's wire shapes (and the binary series format), run through the same
// converters as HttpClient, so the code under test is the code that talks to the server.
//
// The generic methods (getJson / getBytes / href) answer from fake routes: api/scalars,
// api/scalars/data and api/scalars/groups (fake_groups.ts), which it installs itself over the
// FakeLogdir, and those a dashboard's test
// installs: `client.addRoute("api/images", (params) => ({...wire JSON...}))`.

import type { Environment, Kind, LiveTransport, QueryParams, RunsInfo, ScalarSeries, ScalarsResult, TagsIndex } from "./client";
import { ApiClient, ApiError } from "./client";
import { encodeScalarsBinary } from "./binary_encode";
import { encodeQuery } from "./query";
import type { DownloadFormat, ScalarsQuery } from "./scalars";
import { parseScalarsParams } from "./scalars";
import { convertEnvironment, convertRuns, convertTags } from "./convert";
import { downsampleIndices, gather, rangeIndices } from "./fake_sampling";
import type { FakeLogdirSpec, FakeSeries } from "./fake_logdir";
import { FakeLogdir } from "./fake_logdir";
import { fakeGroups } from "./fake_groups";
import type { WireLiveMessage, WireRun, WireRunsResponse, WireTagInfo, WireTagsResponse } from "./wire_types";
import { smooth } from "../charts/smoothing";

/**
 * A fake server route: given the query, answers with a JSON-able value (getJson), an
 * ArrayBuffer / typed array / Blob (getBytes, and href makes a data URL of it), or a promise
 * of one; throws ApiError for an error answer.
 */
export type FakeRoute = (params: URLSearchParams, path: string) => unknown;

export interface FakeRequest {
  readonly method: "json" | "bytes" | "href";
  readonly path: string;
  readonly params: URLSearchParams;
}

export interface FakeClientOptions {
  /** Delay of every answer in milliseconds (default 0). */
  latencyMs?: number;
  windowTitle?: string;
  /** Fake routes for the generic methods, by path (e.g. "api/images"). */
  routes?: Readonly<Record<string, FakeRoute>>;
}

async function bytesOf(answer: unknown, path: string): Promise<Uint8Array> {
  if (answer instanceof ArrayBuffer) return new Uint8Array(answer.slice(0));
  if (ArrayBuffer.isView(answer)) return new Uint8Array(answer.buffer.slice(answer.byteOffset, answer.byteOffset + answer.byteLength));
  if (typeof Blob !== "undefined" && answer instanceof Blob) return new Uint8Array(await answer.arrayBuffer());
  throw new ApiError(500, `fake route ${path} answered ${typeof answer}, not bytes`);
}

function isBinary(answer: unknown): boolean {
  return answer instanceof ArrayBuffer || ArrayBuffer.isView(answer) || (typeof Blob !== "undefined" && answer instanceof Blob);
}

function xsFor(series: FakeSeries, xaxis: ScalarsQuery["xaxis"]): Float64Array {
  const n = series.length;
  if (xaxis === "step") return series.steps.subarray(0, n);
  const walls = series.wallTimes.subarray(0, n);
  if (xaxis === "wall") return walls;
  const origin = n > 0 ? (walls[0] as number) : 0;
  return walls.map((w) => w - origin);
}

export class FakeClient extends ApiClient {
  readonly logdir: FakeLogdir;
  /** Every generic request answered (or refused), in order. */
  readonly requests: FakeRequest[] = [];
  refuseLive = false;
  private readonly routes = new Map<string, FakeRoute>();
  private readonly latencyMs: number;
  private readonly windowTitle: string;
  private readonly transports = new Set<LiveTransport>();
  private demoTimer: ReturnType<typeof setInterval> | null = null;

  constructor(spec: FakeLogdirSpec, options: FakeClientOptions = {}) {
    super();
    this.logdir = new FakeLogdir(spec);
    this.latencyMs = options.latencyMs ?? 0;
    this.windowTitle = options.windowTitle ?? "";
    this.addRoute("api/scalars", (params) => this.scalars(parseScalarsParams(params)));
    this.addRoute("api/scalars/data", (params) =>
      this.scalarData(params.get("run") ?? "", params.get("tag") ?? "", params.get("format") === "json" ? "json" : "csv"),
    );
    this.addRoute("api/scalars/groups", (params) => fakeGroups(this.logdir, params));
    for (const [path, route] of Object.entries(options.routes ?? {})) this.addRoute(path, route);
  }

  /** Every scalars query asked, in order (tests assert what was fetched). */
  get scalarQueries(): ScalarsQuery[] {
    return this.requests.filter((r) => r.path === "api/scalars").map((r) => parseScalarsParams(r.params));
  }

  /** Installs (or replaces) the fake route answering `path` ("api/x" or "/api/x"). */
  addRoute(path: string, route: FakeRoute): this {
    this.routes.set(path.replace(/^\/+/, ""), route);
    return this;
  }

  private call(method: FakeRequest["method"], path: string, params: QueryParams | undefined): () => unknown {
    const clean = path.replace(/^\/+/, "");
    const query = encodeQuery(params);
    this.requests.push({ method, path: clean, params: query });
    const route = this.routes.get(clean);
    if (!route) throw new ApiError(404, `no fake route for ${clean}`);
    return () => route(new URLSearchParams(query), clean);
  }

  private answerRoute(method: "json" | "bytes", path: string, params?: QueryParams, signal?: AbortSignal): Promise<unknown> {
    let make: () => unknown;
    try {
      make = this.call(method, path, params);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.answer(() => {
      if (signal?.aborted) throw new DOMException("aborted", "AbortError");
      return make();
    });
  }

  async getJson<T>(path: string, params?: QueryParams, signal?: AbortSignal): Promise<T> {
    const answer = await this.answerRoute("json", path, params, signal);
    if (isBinary(answer)) throw new ApiError(500, `fake route ${path} answered bytes, not JSON`);
    if (signal?.aborted) throw new DOMException("aborted", "AbortError");
    // Through text, as over the wire: the caller gets a copy holding only JSON values.
    return JSON.parse(JSON.stringify(answer ?? null)) as T;
  }

  async getBytes(path: string, params?: QueryParams, signal?: AbortSignal): Promise<ArrayBuffer> {
    const bytes = await bytesOf(await this.answerRoute("bytes", path, params, signal), path);
    if (signal?.aborted) throw new DOMException("aborted", "AbortError");
    return bytes.buffer as ArrayBuffer;
  }

  /**
   * A data: URL of the route's answer when it is bytes or a Blob answered synchronously;
   * otherwise the plain relative URL (tests can still check what it names).
   */
  href(path: string, params?: QueryParams): string {
    const clean = path.replace(/^\/+/, "");
    const query = encodeQuery(params).toString();
    const plain = query ? `${clean}?${query}` : clean;
    let answer: unknown;
    try {
      answer = this.call("href", path, params)();
    } catch {
      return plain;
    }
    if (answer instanceof ArrayBuffer || ArrayBuffer.isView(answer)) {
      const view = answer instanceof ArrayBuffer ? new Uint8Array(answer) : new Uint8Array(answer.buffer, answer.byteOffset, answer.byteLength);
      let binary = "";
      for (const byte of view) binary += String.fromCharCode(byte);
      return `data:application/octet-stream;base64,${btoa(binary)}`;
    }
    if (typeof Blob !== "undefined" && answer instanceof Blob && typeof URL.createObjectURL === "function") {
      return URL.createObjectURL(answer);
    }
    return plain;
  }

  private answer<T>(make: () => T): Promise<T> {
    return new Promise((resolve, reject) => {
      setTimeout(() => {
        try {
          resolve(make());
        } catch (err) {
          reject(err);
        }
      }, this.latencyMs);
    });
  }

  environment(): Promise<Environment> {
    return this.answer(() =>
      convertEnvironment({ version: "0.1.0-demo", logdir: "/demo/logdir", window_title: this.windowTitle, reload_interval: 1 }),
    );
  }

  runs(): Promise<RunsInfo> {
    return this.answer(() => {
      const runs: WireRun[] = this.logdir.spec.runs.map((r) => ({
        name: r.name,
        parent: r.parent ?? null,
        group_tag: r.groupTag ?? null,
        sub_run: r.groupTag ? "scalars" : null,
        kinds: r.kinds ?? ["scalars"],
        start_time: 1700000000,
        last_update: 1700000100,
        last_write_time: 1700000100,
        rank: null,
        ranks: [],
      }));
      const wire: WireRunsResponse = {
        runs,
        kinds: [...new Set(runs.flatMap((r) => r.kinds))].sort(),
        warnings: (this.logdir.spec.warnings ?? []).map((w) => ({
          run: w.run,
          path: w.path,
          kind: w.kind ?? "parse",
          count: w.count ?? 1,
          message: w.message,
        })),
      };
      return convertRuns(wire);
    });
  }

  tags(kind: Kind): Promise<TagsIndex> {
    return this.answer(() => {
      const runs = kind === "scalars" ? this.logdir.spec.runs : [];
      const info = (points: number): WireTagInfo => ({ points, last_step: points - 1, display_name: "", description: "" });
      const wire: WireTagsResponse = {
        kind,
        tags: Object.fromEntries(
          runs.map((run) => [run.name, Object.fromEntries(Object.entries(run.tags).map(([tag, n]) => [tag, info(n)]))]),
        ),
      };
      return convertTags(wire);
    });
  }

  /** GET api/scalars: the binary answer. */
  private scalars(query: ScalarsQuery): ArrayBuffer {
    const series: ScalarSeries[] = [];
    for (const run of query.runs) {
      if (!this.logdir.runSpec(run)) throw new ApiError(404, `unknown run '${run}'`);
      const stored = this.logdir.get(run, query.tag);
      if (stored) series.push(this.sample(run, stored, query));
    }
    const result: ScalarsResult = { tag: query.tag, xaxis: query.xaxis, series };
    return encodeScalarsBinary(result);
  }

  private sample(run: string, stored: FakeSeries, query: ScalarsQuery): ScalarSeries {
    const n = stored.length;
    const xs = xsFor(stored, query.xaxis);
    const values = stored.values.subarray(0, n);
    const [start, end] = rangeIndices(xs, query.xmin, query.xmax);
    const kept = downsampleIndices(xs, values, start, end, query.width);
    const smoothed = query.smoothing > 0 ? smooth(query.smoothingKind, xs, values, query.smoothing) : null;
    return {
      run,
      totalPoints: n,
      returnedPoints: kept.length,
      firstWallTime: n > 0 ? (stored.wallTimes[0] as number) : null,
      steps: gather(stored.steps, kept),
      wallTimes: gather(stored.wallTimes, kept),
      values: gather(values, kept),
      smoothed: smoothed ? gather(smoothed, kept) : null,
    };
  }

  /** GET api/scalars/data: every point of (run, tag), as a file. */
  private scalarData(run: string, tag: string, format: DownloadFormat): Blob {
    const series = this.logdir.get(run, tag);
    const rows: string[] = [];
    for (let i = 0; series && i < series.length; i++) {
      const [w, s, v] = [series.wallTimes[i], series.steps[i], series.values[i]];
      rows.push(format === "csv" ? `${w},${s},${v}` : `[${w},${s},${v}]`);
    }
    const text = format === "csv" ? `wall_time,step,value\n${rows.join("\n")}\n` : `[${rows.join(",")}]`;
    return new Blob([text], { type: format === "csv" ? "text/csv" : "application/json" });
  }

  openLive(): LiveTransport {
    const transport: LiveTransport = {
      onopen: null,
      onmessage: null,
      onclose: null,
      close: () => {
        if (this.transports.delete(transport)) setTimeout(() => transport.onclose?.(), 0);
      },
    };
    setTimeout(() => {
      if (this.refuseLive) {
        transport.onclose?.();
        return;
      }
      this.transports.add(transport);
      transport.onopen?.();
      transport.onmessage?.(JSON.stringify({ type: "hello", version: "0.1.0-demo" }));
    }, 0);
    return transport;
  }

  /** Number of open push connections. */
  get liveConnections(): number {
    return this.transports.size;
  }

  /** Sends a push message to every open connection. */
  push(message: WireLiveMessage): void {
    const text = JSON.stringify(message);
    for (const t of this.transports) t.onmessage?.(text);
  }

  /** Drops every push connection, as a server restart would. */
  dropLive(): void {
    const dropped = [...this.transports];
    this.transports.clear();
    for (const t of dropped) t.onclose?.();
  }

  /** Appends points to (run, tag) and pushes the "points" update the server would send. */
  appendPoints(run: string, tag: string, count: number): void {
    const lastStep = this.logdir.append(run, tag, count);
    const total = this.logdir.get(run, tag)?.length ?? 0;
    this.push({ type: "points", kind: "scalars", updates: [{ run, tag, total_points: total, last_step: lastStep }] });
  }

  /** Demo mode: keeps appending to the first run's series, like a job in training. */
  startDemoTraining(intervalMs = 1000): void {
    if (this.demoTimer !== null) return;
    const run = this.logdir.spec.runs[0];
    if (!run) return;
    this.demoTimer = setInterval(() => {
      const updates = Object.keys(run.tags).map((tag) => {
        const lastStep = this.logdir.append(run.name, tag, 10);
        return { run: run.name, tag, total_points: run.tags[tag] ?? 0, last_step: lastStep };
      });
      this.push({ type: "points", kind: "scalars", updates });
    }, intervalMs);
  }

  stopDemoTraining(): void {
    if (this.demoTimer !== null) clearInterval(this.demoTimer);
    this.demoTimer = null;
  }
}
