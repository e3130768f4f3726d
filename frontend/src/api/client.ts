// The front end's only view of the server: an abstract ApiClient and the UI types it returns.
// Implementations: HttpClient (the real server) and FakeClient (in memory: tests and the demo).
//
// The typed methods serve the shell (environment, runs, tag indexes, the push channel). Every
// dashboard fetches its data with the generic getJson / getBytes / href, through its own
// api.ts (src/dashboards/<id>/api.ts) or, for a kind that several dashboards show, through
// src/api/<kind>.ts (scalars.ts, images.ts, histograms.ts, ...), so adding a dashboard never
// touches this file.

import type { QueryParams } from "./query";
import type { WireKind } from "./wire_types";

export type { QueryParams, QueryValue } from "./query";

/** A dashboard kind, as the server lists them (generated: see wire_types.ts). */
export type Kind = WireKind;

export type XAxis = "step" | "relative" | "wall";
export type SmoothingKind = "ema" | "time_ema";

export interface Environment {
  readonly version: string;
  readonly logdir: string;
  readonly windowTitle: string;
  readonly reloadInterval: number;
}

export interface Run {
  readonly name: string;
  /** Set for the sub-runs add_scalars creates: the run that called add_scalars. */
  readonly parent: string | null;
  /** The add_scalars main_tag the sub-runs of one parent share. */
  readonly groupTag: string | null;
  /** "scalars" for add_scalars sub-runs, "hparams" for add_hparams' run, else null. */
  readonly subRun: string | null;
  readonly kinds: ReadonlySet<string>;
  readonly startTime: number | null;
  readonly lastUpdate: number | null;
  /** When the run's newest event file (object) was last written, seconds since the epoch. */
  readonly lastWriteTime: number | null;
}

export interface LoadWarning {
  readonly run: string | null;
  readonly path: string;
  readonly message: string;
}

export interface RunsInfo {
  readonly runs: readonly Run[];
  readonly kinds: ReadonlySet<string>;
  readonly warnings: readonly LoadWarning[];
}

export interface TagInfo {
  readonly points: number;
  /** Null when every point of the tag was purged. */
  readonly lastStep: number | null;
  readonly displayName: string;
  readonly description: string;
}

/** run -> tag -> info */
export type TagsIndex = ReadonlyMap<string, ReadonlyMap<string, TagInfo>>;

/** One run's points of GET /api/scalars (scalars.ts), columnar. Non-finite: NaN / ±Infinity. */
export interface ScalarSeries {
  readonly run: string;
  /** Points in the whole (run, tag) series at full resolution. */
  readonly totalPoints: number;
  readonly returnedPoints: number;
  /** Wall time of the series' first point: the origin of the "relative" x axis. */
  readonly firstWallTime: number | null;
  readonly steps: Float64Array;
  readonly wallTimes: Float64Array;
  readonly values: Float64Array;
  /** Smoothed on the server at full resolution; null when not asked for. */
  readonly smoothed: Float64Array | null;
}

export interface ScalarsResult {
  readonly tag: string;
  readonly xaxis: XAxis;
  readonly series: readonly ScalarSeries[];
}

export interface PointsUpdate {
  readonly run: string;
  readonly tag: string;
  readonly totalPoints: number;
  readonly lastStep: number;
}

export type LiveMessage =
  | { readonly type: "hello"; readonly version: string }
  /** Runs appeared, went away, or restarted (reset: their data was purged and rewritten). */
  | { readonly type: "runs"; readonly removed: readonly string[]; readonly reset: readonly string[] }
  | { readonly type: "points"; readonly kind: string; readonly updates: readonly PointsUpdate[] }
  | { readonly type: "tags"; readonly kind: string; readonly run: string }
  | { readonly type: "warnings" }
  /** Live (Visdom-style) window events; the Live dashboard parses them (dashboards/live/api.ts). */
  | { readonly type: "live"; readonly events: readonly unknown[] };

/** A push connection, shaped like the part of WebSocket the live code uses. */
export interface LiveTransport {
  onopen: (() => void) | null;
  onmessage: ((text: string) => void) | null;
  onclose: (() => void) | null;
  close(): void;
}

/** A failed request; `status` is the HTTP status (0 for a network failure). */
export class ApiError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = "ApiError";
    this.status = status;
  }
}

export abstract class ApiClient {
  abstract environment(): Promise<Environment>;
  abstract runs(): Promise<RunsInfo>;
  abstract tags(kind: Kind): Promise<TagsIndex>;
  abstract openLive(): LiveTransport;

  /**
   * GET `path` (relative to the board, e.g. "api/images") and parse the JSON answer. Arrays in
   * `params` become repeated keys. Fails with ApiError (the server's error message) on a
   * non-2xx answer; an abort rejects with the DOMException "AbortError".
   */
  abstract getJson<T>(path: string, params?: QueryParams, signal?: AbortSignal): Promise<T>;
  /** GET `path` and return the raw body (binary answers). Errors as getJson. */
  abstract getBytes(path: string, params?: QueryParams, signal?: AbortSignal): Promise<ArrayBuffer>;
  /** A URL for `path` to put in <img src>, <audio src> or a download link. */
  abstract href(path: string, params?: QueryParams): string;
  /**
   * Send `body` as JSON with `method` to `path` and parse the JSON answer; errors as getJson.
   * A client without a server (the demo) has nothing to change: it answers 404.
   */
  sendJson<T>(method: "POST" | "PUT" | "DELETE", path: string, _body: unknown): Promise<T> {
    return Promise.reject(new ApiError(404, `${method} ${path}: this board has no server to change`));
  }
}
