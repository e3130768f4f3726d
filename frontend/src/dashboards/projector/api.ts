// The Projector's wire types (docs/http/projector.md) and their conversion into UI types.

import type { ApiClient } from "../../api/client";

export type Method = "pca" | "tsne" | "umap";
export const METHODS: readonly Method[] = ["pca", "tsne", "umap"];
export const METHOD_LABELS: Readonly<Record<Method, string>> = { pca: "PCA", tsne: "t-SNE", umap: "UMAP" };
export type Distance = "cosine" | "euclidean";

// ---------------------------------------------------------------- wire (as sent)

export interface WireParam {
  readonly name: string;
  readonly kind: "int" | "float" | "choice";
  readonly default: number | string | null;
  readonly low?: number;
  readonly high?: number;
  readonly options?: readonly string[];
}

export interface WireMethod {
  readonly available: boolean;
  readonly reason: string | null;
  readonly params: readonly WireParam[];
}

export interface WireEmbedding {
  readonly name: string;
  readonly tag: string;
  readonly step: number | null;
  readonly num_points: number | null;
  readonly dimensions: number | null;
  readonly metadata: boolean;
  readonly sprite: { readonly width: number; readonly height: number } | null;
  readonly error: string | null;
}

export interface WireEmbeddings {
  readonly runs: readonly { readonly run: string; readonly embeddings: readonly WireEmbedding[]; readonly error: string | null }[];
  readonly methods: Readonly<Record<Method, WireMethod>>;
}

export interface WireMetadata {
  readonly num_points: number;
  readonly columns: readonly { readonly name: string; readonly values: readonly string[] }[];
  readonly warning: string | null;
}

export interface WireJob {
  readonly key: string;
  readonly method: Method;
  readonly state: "queued" | "running" | "done" | "error";
  readonly progress: number;
  readonly stage: string;
  readonly error: string | null;
  readonly elapsed_s: number;
}

export interface WireProjectionHeader {
  readonly key: string;
  readonly method: Method;
  readonly num_points: number;
  readonly components: number;
  readonly explained_variance_ratio: readonly number[] | null;
  readonly total_variance: number | null;
  readonly elapsed_s: number;
}

export interface WireNeighbors {
  readonly index: number;
  readonly distance: Distance;
  readonly neighbors: readonly { readonly index: number; readonly distance: number | null }[];
}

// ---------------------------------------------------------------- UI types

export interface Embedding {
  readonly run: string;
  readonly name: string;
  readonly tag: string;
  readonly step: number | null;
  readonly numPoints: number | null;
  readonly dimensions: number | null;
  readonly hasMetadata: boolean;
  readonly sprite: { readonly width: number; readonly height: number } | null;
  readonly error: string | null;
}

export interface MethodInfo {
  readonly available: boolean;
  readonly reason: string | null;
  readonly params: readonly WireParam[];
}

export interface EmbeddingIndex {
  /** run -> its embeddings (config order) and the config's error, if any. */
  readonly runs: ReadonlyMap<string, { readonly embeddings: readonly Embedding[]; readonly error: string | null }>;
  readonly methods: ReadonlyMap<Method, MethodInfo>;
}

export interface Metadata {
  readonly numPoints: number;
  readonly columns: readonly { readonly name: string; readonly values: readonly string[] }[];
  readonly warning: string | null;
}

export type JobState = WireJob["state"];

export interface Job {
  readonly key: string;
  readonly state: JobState;
  readonly progress: number;
  readonly stage: string;
  readonly error: string | null;
  readonly elapsed: number;
}

export interface Projection {
  readonly key: string;
  readonly method: Method;
  readonly numPoints: number;
  /** Columns of `coords` (PCA: up to 10 components; t-SNE / UMAP: 2 or 3). */
  readonly components: number;
  /** Row-major [numPoints, components]. */
  readonly coords: Float32Array;
  /** PCA only: the share of the total variance each component explains. */
  readonly explainedVariance: readonly number[] | null;
  readonly elapsed: number;
}

export interface Neighbor {
  readonly index: number;
  /** null: infinitely far (a point with non-finite values). */
  readonly distance: number | null;
}

export type MethodParams = Readonly<Record<string, number | string | null>>;

export function convertIndex(wire: WireEmbeddings): EmbeddingIndex {
  const runs = new Map<string, { embeddings: Embedding[]; error: string | null }>();
  for (const entry of wire.runs) {
    runs.set(entry.run, {
      error: entry.error,
      embeddings: entry.embeddings.map((e) => ({
        run: entry.run,
        name: e.name,
        tag: e.tag,
        step: e.step,
        numPoints: e.num_points,
        dimensions: e.dimensions,
        hasMetadata: e.metadata,
        sprite: e.sprite,
        error: e.error,
      })),
    });
  }
  const methods = new Map<Method, MethodInfo>();
  for (const method of METHODS) {
    const info = wire.methods[method] as WireMethod | undefined;
    methods.set(method, info ? { available: info.available, reason: info.reason, params: info.params } : { available: false, reason: "unknown to the server", params: [] });
  }
  return { runs, methods };
}

export function convertJob(wire: WireJob): Job {
  return { key: wire.key, state: wire.state, progress: wire.progress, stage: wire.stage, error: wire.error, elapsed: wire.elapsed_s };
}

/** `<u32 n><n bytes of JSON header><float32 [N, C] little-endian>` (8-byte aligned array). */
export function decodeProjection(buffer: ArrayBuffer): Projection {
  const view = new DataView(buffer);
  const length = view.getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, length))) as WireProjectionHeader;
  const count = header.num_points * header.components;
  if (buffer.byteLength < 4 + length + 4 * count) throw new Error(`projection body too short: ${buffer.byteLength} bytes for ${header.num_points}x${header.components}`);
  const coords = new Float32Array(buffer, 4 + length, count);
  return {
    key: header.key,
    method: header.method,
    numPoints: header.num_points,
    components: header.components,
    coords,
    explainedVariance: header.explained_variance_ratio,
    elapsed: header.elapsed_s,
  };
}

/** Default parameters of a method, as the server lists them. */
export function defaultParams(info: MethodInfo | undefined): Record<string, number | string | null> {
  const out: Record<string, number | string | null> = {};
  for (const p of info?.params ?? []) out[p.name] = p.default;
  return out;
}

export async function fetchIndex(client: ApiClient, signal?: AbortSignal): Promise<EmbeddingIndex> {
  return convertIndex(await client.getJson<WireEmbeddings>("api/projector/embeddings", {}, signal));
}

export async function fetchMetadata(client: ApiClient, run: string, name: string, signal?: AbortSignal): Promise<Metadata> {
  const wire = await client.getJson<WireMetadata>("api/projector/metadata", { run, name }, signal);
  return { numPoints: wire.num_points, columns: wire.columns, warning: wire.warning };
}

/** Starts (or polls) the job of a projection; the server waits up to `wait` s for it. */
export async function requestProjection(client: ApiClient, run: string, name: string, method: Method, params: MethodParams, wait: number, signal?: AbortSignal): Promise<Job> {
  const query: Record<string, string | number> = { run, name, method, wait };
  for (const [key, value] of Object.entries(params)) if (value !== null) query[key] = value;
  return convertJob(await client.getJson<WireJob>("api/projector/projection", query, signal));
}

export async function fetchCoordinates(client: ApiClient, key: string, signal?: AbortSignal): Promise<Projection> {
  return decodeProjection(await client.getBytes("api/projector/coordinates", { key }, signal));
}

export async function fetchNeighbors(client: ApiClient, run: string, name: string, index: number, k: number, distance: Distance, signal?: AbortSignal): Promise<Neighbor[]> {
  const wire = await client.getJson<WireNeighbors>("api/projector/neighbors", { run, name, index, k, distance }, signal);
  return wire.neighbors.map((n) => ({ index: n.index, distance: n.distance }));
}

export function spriteHref(client: ApiClient, run: string, name: string): string {
  return client.href("api/projector/sprite", { run, name });
}
