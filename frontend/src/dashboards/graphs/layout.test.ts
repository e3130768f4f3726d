// Laying out what is drawn with the real ELK (the bundled build, on this thread): compound
// boxes for open scopes, absolute coordinates, routed and labelled edges.

import ELK from "elkjs/lib/elk.bundled.js";
import { describe, expect, it } from "vitest";
import { convertGraph } from "./api";
import { wireGraph } from "./fixtures";
import type { LayoutBox } from "./layout";
import { boxText, elkGraph, layoutGraph, shortOp } from "./layout";
import { GraphModel } from "./model";

const inside = (inner: LayoutBox, outer: LayoutBox): boolean =>
  inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width && inner.y + inner.height <= outer.y + outer.height;

describe("graph layout", () => {
  it("names boxes after their module, or their op inside a module", () => {
    const data = convertGraph(wireGraph());
    expect(boxText(data, { kind: "node", index: 2 })).toEqual({ title: "conv1", subtitle: "_convolution" });
    expect(boxText(data, { kind: "group", index: 1 })).toEqual({ title: "features", subtitle: "3 ops" });
    expect(boxText(data, { kind: "node", index: 0 })).toEqual({ title: "input", subtitle: "IO Node" });
    expect(shortOp("aten::relu")).toBe("relu");
    expect(shortOp("MatMul")).toBe("MatMul");
  });

  it("gives ELK only the visible part: open scopes as compound nodes", () => {
    const model = new GraphModel(convertGraph(wireGraph()));
    model.expandInitial();
    const graph = elkGraph(model, model.metaEdges());
    expect(graph.children?.map((c) => c.id)).toEqual(["g0", "n0", "n1"]);
    expect(graph.children?.[0]?.children?.map((c) => c.id)).toEqual(["g1", "n2", "n6"]);
    expect(graph.children?.[0]?.children?.[0]?.children).toBeUndefined();
    expect(graph.edges?.map((e) => e.labels?.[0]?.text)).toEqual(["1×3×8×8", "1×4×6×6", "2 tensors", "1×5"]);
  });

  it("returns absolute boxes, children inside their scope, and routed edges", async () => {
    const model = new GraphModel(convertGraph(wireGraph()));
    model.expandInitial();
    model.expand(1);
    const layout = await layoutGraph(new ELK(), model);
    const byId = new Map(layout.boxes.map((b) => [b.id, b]));
    expect([...byId.keys()].sort()).toEqual(["g0", "g1", "g2", "n0", "n1", "n2", "n3", "n6"]);
    expect(layout.boxes.slice(0, 2).map((b) => b.id)).toEqual(["g0", "g1"]); // open scopes first
    const net = byId.get("g0") as LayoutBox;
    for (const id of ["g1", "g2", "n2", "n3", "n6"]) expect(inside(byId.get(id) as LayoutBox, net)).toBe(true);
    expect(inside(byId.get("n3") as LayoutBox, byId.get("g1") as LayoutBox)).toBe(true);
    expect(inside(byId.get("n0") as LayoutBox, net)).toBe(false);
    // Top to bottom: the input above the model, the output below it.
    expect((byId.get("n0") as LayoutBox).y).toBeLessThan(net.y);
    expect((byId.get("n1") as LayoutBox).y).toBeGreaterThan(net.y + net.height - 1);
    expect(layout.edges).toHaveLength(6);
    for (const edge of layout.edges) {
      expect(edge.points.length).toBeGreaterThanOrEqual(2);
      expect(edge.labelAt).not.toBeNull();
    }
    const first = layout.edges.find((e) => e.from === "n0");
    const input = byId.get("n0") as LayoutBox;
    expect(first?.points[0]?.y).toBeCloseTo(input.y + input.height, 0);
    expect(layout.width).toBeGreaterThan(net.width);
  });

  it("makes an open scope wide enough for its title bar", async () => {
    const wire = wireGraph();
    const long = "long_module_name[features]"; // 36 characters with " · 3 ops": under the cap
    const data = convertGraph({ ...wire, groups: wire.groups.map((g, i) => (i === 1 ? { ...g, label: long } : g)) });
    const model = new GraphModel(data);
    model.expandInitial();
    model.expand(1);
    const layout = await layoutGraph(new ELK(), model);
    const features = layout.boxes.find((b) => b.id === "g1") as LayoutBox;
    expect(features.width).toBeGreaterThanOrEqual(`${long}  ·  3 ops`.length * 7);
    expect(features.height).toBeLessThan(400); // the minimum went to the width, not the height
  });
});
