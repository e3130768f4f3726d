// Wire answers of the projector routes for unit tests: an embeddings listing, metadata, the
// binary projection body (the server's layout), and fake routes that run jobs in two polls.

import type { FakeClient } from "../../api/fake_client";
import type { WireEmbeddings, WireJob, WireMetadata, WireProjectionHeader } from "./api";

/** `<u32 n><n bytes of JSON, space-padded so the array starts at a multiple of 8><f32...>`. */
export function encodeProjection(header: WireProjectionHeader, coords: readonly number[]): ArrayBuffer {
  let text = JSON.stringify(header);
  while ((4 + text.length) % 8 !== 0) text += " ";
  const bytes = new TextEncoder().encode(text);
  const buffer = new ArrayBuffer(4 + bytes.length + 4 * coords.length);
  new DataView(buffer).setUint32(0, bytes.length, true);
  new Uint8Array(buffer, 4, bytes.length).set(bytes);
  new Float32Array(buffer, 4 + bytes.length, coords.length).set(coords);
  return buffer;
}

export function wireIndex(): WireEmbeddings {
  const embedding = (name: string, tag: string, step: number, extra: Partial<WireEmbeddings["runs"][number]["embeddings"][number]> = {}) => ({
    name,
    tag,
    step,
    num_points: 6,
    dimensions: 4,
    metadata: true,
    sprite: null,
    error: null,
    ...extra,
  });
  const params = [
    { name: "dims", kind: "int" as const, default: 2, low: 2, high: 3 },
    { name: "perplexity", kind: "float" as const, default: 30, low: 2, high: 100 },
    { name: "learning_rate", kind: "float" as const, default: null, low: 10, high: 10000 },
  ];
  return {
    runs: [
      {
        run: "ours",
        error: null,
        embeddings: [
          embedding("default:00000", "default", 0),
          embedding("default:00010", "default", 10, { metadata: false }),
          embedding("bad:00000", "bad", 0, { num_points: null, dimensions: null, error: "tensor_path refused: outside the config's directory" }),
        ],
      },
      { run: "torch", error: null, embeddings: [embedding("default:00000", "default", 0)] },
    ],
    methods: {
      pca: { available: true, reason: null, params: [] },
      tsne: { available: true, reason: null, params },
      umap: { available: false, reason: "needs umap-learn", params: [] },
    },
  };
}

export const LABELS = ["cat", "dog", "cat", "bird", "dog", "cat"];

export function wireMetadata(withColumns: boolean): WireMetadata {
  if (!withColumns) return { num_points: 6, columns: [], warning: null };
  return {
    num_points: 6,
    columns: [
      { name: "animal", values: LABELS },
      { name: "weight", values: ["1", "2", "3", "4", "5", "6"] },
    ],
    warning: null,
  };
}

/** Installs the projector routes on `client`: jobs are "running" on the first poll, then done. */
export function installProjectorRoutes(client: FakeClient): { polls: () => number } {
  const polls = new Map<string, number>();
  let total = 0;
  client.addRoute("api/projector/embeddings", () => wireIndex());
  client.addRoute("api/projector/metadata", (params) => wireMetadata(params.get("name") !== "default:00010"));
  client.addRoute("api/projector/projection", (params): WireJob => {
    const method = (params.get("method") ?? "pca") as WireJob["method"];
    const key = `${method}-${params.get("run")}-${params.get("name")}-${params.get("dims") ?? ""}`;
    const seen = (polls.get(key) ?? 0) + 1;
    polls.set(key, seen);
    total++;
    const done = method === "pca" || seen > 1;
    return { key, method, state: done ? "done" : "running", progress: done ? 1 : 0.5, stage: done ? "done" : "optimising", error: null, elapsed_s: 0.5 };
  });
  client.addRoute("api/projector/coordinates", (params) => {
    const key = params.get("key") ?? "";
    const pca = key.startsWith("pca");
    const components = pca ? 3 : Number(key.split("-").pop() || 2);
    const coords = Array.from({ length: 6 * components }, (_, i) => Math.sin(i + (pca ? 0 : 1)));
    return encodeProjection({ key, method: pca ? "pca" : "tsne", num_points: 6, components, explained_variance_ratio: pca ? [0.5, 0.3, 0.2] : null, total_variance: 1, elapsed_s: 0.1 }, coords);
  });
  client.addRoute("api/projector/neighbors", (params) => {
    const index = Number(params.get("index"));
    const k = Number(params.get("k"));
    const others = [0, 1, 2, 3, 4, 5].filter((i) => i !== index).slice(0, k);
    return { index, distance: params.get("distance"), neighbors: others.map((i, rank) => ({ index: i, distance: rank / 10 })) };
  });
  return { polls: () => total };
}
