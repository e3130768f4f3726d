// A small graph in the wire format, for the Graphs dashboard's unit tests: a model "Net" with
// a module conv1, a features block holding relu and a nested block (conv, bn), and fc.
//
//   input -> Net/conv1 -> Net/features/relu -> Net/features/block/{conv -> bn} -> Net/fc -> output

import type { WireGraph, WireNodeDetails } from "./api";

export function wireGraph(run = "cnn", tag = "__run_graph__"): WireGraph {
  const node = (name: string, label: string, op: string, parent: number, module: boolean, shape: string | null) => ({ name, label, op, parent, module, shape });
  return {
    run,
    tag,
    step: 0,
    wall_time: 1700000000,
    source: "graph",
    devices: tag === "__run_graph__" ? [] : ["/device:CPU:0"],
    all_nodes: false,
    total_nodes: 20,
    hidden_nodes: 13,
    groups: [
      { name: "Net", label: "Net", parent: -1, nodes: 5 },
      { name: "Net/features", label: "features", parent: 0, nodes: 3 },
      { name: "Net/features/block", label: "block", parent: 1, nodes: 2 },
    ],
    nodes: [
      node("input/x", "input", "IO Node", -1, true, "1×3×8×8"),
      node("output/output.1", "output", "IO Node", -1, true, "1×5"),
      node("Net/conv1/a", "conv1", "aten::_convolution", 0, true, "1×4×6×6"),
      node("Net/features/relu/b", "relu", "aten::relu", 1, true, "1×4×6×6"),
      node("Net/features/block/conv/c", "conv", "aten::_convolution", 2, true, "1×2×6×6"),
      node("Net/features/block/bn/d", "bn", "aten::batch_norm", 2, true, "1×2×6×6"),
      node("Net/fc/e", "fc", "aten::linear", 0, true, "1×5"),
    ],
    edges: [
      [0, 2, "1×3×8×8"],
      [2, 3, "1×4×6×6"],
      [3, 4, "1×4×6×6"],
      [4, 5, "1×2×6×6"],
      [5, 6, "1×2×6×6"],
      [3, 6, "1×4×6×6"],
      [6, 1, "1×5"],
    ],
  };
}

export function wireDetails(name: string): WireNodeDetails {
  return {
    name,
    op: "aten::_convolution",
    device: "",
    attrs: [{ key: "attr", value: "{}" }],
    output_shapes: ["1×4×6×6"],
    inputs: [
      { name: "input/x", slot: 0, control: false, op: "IO Node", shape: "1×3×8×8", value: null, drawn: true },
      { name: "Net/conv1/171", slot: 0, control: false, op: "prim::ListConstruct", shape: null, value: "[1, 1]", drawn: false },
    ],
    outputs: [{ name: "Net/features/relu/b", op: "aten::relu", drawn: true }],
    stats: null,
  };
}
