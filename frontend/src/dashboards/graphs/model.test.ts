// The drawn part of a graph: which scopes are open, the boxes and meta-edges that gives, search.

import { describe, expect, it } from "vitest";
import { convertGraph } from "./api";
import { wireGraph } from "./fixtures";
import type { VisibleItem } from "./model";
import { GraphModel, metaLabel } from "./model";

const model = (): GraphModel => new GraphModel(convertGraph(wireGraph()));
const ids = (m: GraphModel): string[] => {
  const out: string[] = [];
  const walk = (items: readonly VisibleItem[]): void => {
    for (const item of items) {
      out.push(item.id + (item.expanded ? "+" : ""));
      walk(item.children);
    }
  };
  walk(m.visible());
  return out;
};
const edges = (m: GraphModel): string[] => m.metaEdges().map((e) => `${e.from}>${e.to} ${e.label}`);

describe("graph model", () => {
  it("converts the wire graph into a tree of groups and nodes", () => {
    const data = convertGraph(wireGraph());
    expect(data.rootGroups).toEqual([0]);
    expect(data.rootNodes).toEqual([0, 1]);
    expect(data.groups[0]?.groups).toEqual([1]);
    expect(data.groups[0]?.nodes).toEqual([2, 6]);
    expect(data.groups[2]?.nodes).toEqual([4, 5]);
    expect(data.edges[0]).toEqual({ from: 0, to: 2, label: "1×3×8×8" });
  });

  it("opens the lone top-level scope first, and draws edges to collapsed scopes", () => {
    const m = model();
    expect(ids(m)).toEqual(["g0", "n0", "n1"]);
    expect(edges(m)).toEqual(["n0>g0 1×3×8×8", "g0>n1 1×5"]);
    m.expandInitial();
    expect(ids(m)).toEqual(["g0+", "g1", "n2", "n6", "n0", "n1"]);
    // conv1 -> features, features -> fc twice (from relu and from bn): one meta-edge, two tensors
    expect(edges(m)).toEqual(["n0>n2 1×3×8×8", "n2>g1 1×4×6×6", "g1>n6 2 tensors", "n6>n1 1×5"]);
    expect(m.metaEdges().find((e) => e.from === "g1")?.count).toBe(2);
  });

  it("expands one level at a time, and collapsing closes the scopes inside", () => {
    const m = model();
    m.expandInitial();
    m.expand(1);
    expect(ids(m)).toEqual(["g0+", "g1+", "g2", "n3", "n2", "n6", "n0", "n1"]);
    expect(edges(m)).toContain("n3>g2 1×4×6×6");
    m.expand(2);
    expect(edges(m)).toContain("n4>n5 1×2×6×6");
    m.collapse(1);
    expect(m.isExpanded(2)).toBe(false);
    expect(ids(m)).toEqual(["g0+", "g1", "n2", "n6", "n0", "n1"]);
    m.collapseAll();
    expect(ids(m)).toEqual(["g0", "n0", "n1"]);
    expect(m.expandAll(7)).toBe(1); // Net (6 boxes) fits; features would make it 8
    expect(ids(m)).toEqual(["g0+", "g1", "n2", "n6", "n0", "n1"]);
    expect(m.expandAll()).toBe(3);
    expect(m.countVisible()).toBe(10);
  });

  it("reveals a node by opening every scope around it, and restores scopes by name", () => {
    const m = model();
    m.reveal("n5");
    expect(m.expandedNames()).toEqual(["Net", "Net/features", "Net/features/block"]);
    expect(m.representative(5)).toBe("n5");
    const again = model();
    again.restore(["Net", "Net/features"]);
    expect(again.representative(5)).toBe("g2");
    expect(again.representative(3)).toBe("n3");
  });

  it("searches names and ops, exact labels first", () => {
    const m = model();
    expect(m.search("conv").map((r) => r.name)).toEqual(["Net/features/block/conv/c", "Net/conv1/a"]);
    const features = m.search("FEATURES").map((r) => r.id);
    expect(features[0]).toBe("g1"); // its label is the query
    expect(new Set(features)).toEqual(new Set(["g1", "g2", "n3", "n4", "n5"]));
    expect(m.search("batch_norm")[0]?.name).toBe("Net/features/block/bn/d");
    expect(m.search("  ")).toEqual([]);
    expect(m.search("nothing")).toEqual([]);
  });

  it("counts the ops inside a scope", () => {
    expect(model().opCounts(1)).toEqual([
      ["aten::_convolution", 1],
      ["aten::batch_norm", 1],
      ["aten::relu", 1],
    ]);
  });

  it("labels a meta-edge by its shape, or how many tensors it carries", () => {
    expect(metaLabel(["1×2"])).toBe("1×2");
    expect(metaLabel(["1×2", "1×2"])).toBe("1×2 ×2");
    expect(metaLabel(["1×2", "3"])).toBe("2 tensors");
    expect(metaLabel([""])).toBe("");
  });
});
