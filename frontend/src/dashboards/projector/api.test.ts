// The binary projection body and the embeddings listing, as the server sends them.

import { describe, expect, it } from "vitest";
import { convertIndex, decodeProjection, defaultParams } from "./api";
import { encodeProjection, wireIndex } from "./fixtures";

describe("decodeProjection", () => {
  it("reads the JSON header and the 8-byte aligned float32 coordinates", () => {
    const body = encodeProjection({ key: "pca-1", method: "pca", num_points: 3, components: 2, explained_variance_ratio: [0.7, 0.2], total_variance: 4, elapsed_s: 0.1 }, [1, 2, 3, 4, 5, 6]);
    const p = decodeProjection(body);
    expect(p.key).toBe("pca-1");
    expect(p.numPoints).toBe(3);
    expect([...p.coords]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(p.explainedVariance).toEqual([0.7, 0.2]);
  });

  it("refuses a body shorter than its header says", () => {
    const body = encodeProjection({ key: "k", method: "tsne", num_points: 3, components: 2, explained_variance_ratio: null, total_variance: null, elapsed_s: 0 }, [1, 2]);
    expect(() => decodeProjection(body)).toThrow(/too short/);
  });
});

describe("convertIndex", () => {
  it("keeps runs in order with their embeddings, and every method", () => {
    const index = convertIndex(wireIndex());
    expect([...index.runs.keys()]).toEqual(["ours", "torch"]);
    const ours = index.runs.get("ours")?.embeddings ?? [];
    expect(ours.map((e) => [e.tag, e.step, e.numPoints])).toEqual([["default", 0, 6], ["default", 10, 6], ["bad", 0, null]]);
    expect(index.methods.get("umap")?.available).toBe(false);
    expect(defaultParams(index.methods.get("tsne"))).toEqual({ dims: 2, perplexity: 30, learning_rate: null });
  });
});
