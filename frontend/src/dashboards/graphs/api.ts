// The Graphs dashboard's wire types (docs/http/graphs.md) and their conversion into UI types.

import type { ApiClient } from "../../api/client";

export const RUN_GRAPH_TAG = "__run_graph__";

// ---------------------------------------------------------------- wire (as sent)

export interface WireGraphTag {
  readonly tag: string;
  readonly plugin: string;
  readonly profile: boolean;
  readonly op_graph: boolean;
}

export interface WireGraphInfo {
  readonly runs: readonly { readonly run: string; readonly graph: boolean; readonly tags: readonly WireGraphTag[] }[];
}

export interface WireGroup {
  readonly name: string;
  readonly label: string;
  readonly parent: number;
  readonly nodes: number;
}

export interface WireNode {
  readonly name: string;
  readonly label: string;
  readonly op: string;
  readonly parent: number;
  readonly module: boolean;
  readonly shape: string | null;
}

export interface WireGraph {
  readonly run: string;
  readonly tag: string;
  readonly step: number;
  readonly wall_time: number;
  readonly source: string;
  readonly devices: readonly string[];
  readonly profiled_nodes?: number;
  readonly all_nodes: boolean;
  readonly total_nodes: number;
  readonly hidden_nodes: number;
  readonly groups: readonly WireGroup[];
  readonly nodes: readonly WireNode[];
  readonly edges: readonly (readonly [number, number, string])[];
}

export interface WireNodeInput {
  readonly name: string;
  readonly slot: number;
  readonly control: boolean;
  readonly op: string | null;
  readonly shape: string | null;
  readonly value: string | null;
  readonly drawn: boolean;
}

export interface WireNodeDetails {
  readonly name: string;
  readonly op: string;
  readonly device: string;
  readonly attrs: readonly { readonly key: string; readonly value: string }[];
  readonly output_shapes: readonly (string | null)[];
  readonly inputs: readonly WireNodeInput[];
  readonly outputs: readonly { readonly name: string; readonly op: string; readonly drawn: boolean }[];
  readonly stats: { readonly device: string; readonly compute_micros: number; readonly memory_bytes: number } | null;
}

// ---------------------------------------------------------------- UI types

/** A run-metadata tag (torch's "step1", tensorboardX's "profiler", TensorFlow's run metadata). */
export interface GraphTag {
  readonly tag: string;
  readonly profile: boolean;
  readonly opGraph: boolean;
}

/** run -> what it has: its own graph and its run-metadata tags. */
export type GraphInfo = ReadonlyMap<string, { readonly graph: boolean; readonly tags: readonly GraphTag[] }>;

export interface GraphGroup {
  readonly index: number;
  readonly name: string;
  readonly label: string;
  /** The enclosing group, or -1 at the top level. */
  readonly parent: number;
  /** Drawn nodes inside, at any depth. */
  readonly size: number;
  readonly groups: number[];
  readonly nodes: number[];
}

export interface GraphNode {
  readonly index: number;
  readonly name: string;
  readonly label: string;
  readonly op: string;
  readonly parent: number;
  /** Named after the module (scope) it stands for: a module with a single op. */
  readonly module: boolean;
  readonly shape: string | null;
}

export interface GraphEdge {
  readonly from: number;
  readonly to: number;
  readonly label: string;
}

export interface GraphData {
  readonly run: string;
  readonly tag: string;
  readonly step: number;
  readonly wallTime: number;
  readonly devices: readonly string[];
  readonly profiledNodes: number;
  readonly allNodes: boolean;
  readonly totalNodes: number;
  readonly hiddenNodes: number;
  readonly groups: readonly GraphGroup[];
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  /** Top-level groups and nodes. */
  readonly rootGroups: readonly number[];
  readonly rootNodes: readonly number[];
}

export type NodeDetails = WireNodeDetails;

export function convertInfo(wire: WireGraphInfo): GraphInfo {
  const info = new Map<string, { graph: boolean; tags: GraphTag[] }>();
  for (const run of wire.runs) {
    info.set(run.run, { graph: run.graph, tags: run.tags.map((t) => ({ tag: t.tag, profile: t.profile, opGraph: t.op_graph })) });
  }
  return info;
}

export function convertGraph(wire: WireGraph): GraphData {
  const groups = wire.groups.map((g, index) => ({ index, name: g.name, label: g.label, parent: g.parent, size: g.nodes, groups: [] as number[], nodes: [] as number[] }));
  const rootGroups: number[] = [];
  const rootNodes: number[] = [];
  for (const group of groups) (group.parent >= 0 ? (groups[group.parent]?.groups ?? rootGroups) : rootGroups).push(group.index);
  const nodes = wire.nodes.map((n, index) => {
    (n.parent >= 0 ? (groups[n.parent]?.nodes ?? rootNodes) : rootNodes).push(index);
    return { index, name: n.name, label: n.label, op: n.op, parent: n.parent, module: n.module, shape: n.shape };
  });
  return {
    run: wire.run,
    tag: wire.tag,
    step: wire.step,
    wallTime: wire.wall_time,
    devices: wire.devices,
    profiledNodes: wire.profiled_nodes ?? 0,
    allNodes: wire.all_nodes,
    totalNodes: wire.total_nodes,
    hiddenNodes: wire.hidden_nodes,
    groups,
    nodes,
    edges: wire.edges.map(([from, to, label]) => ({ from, to, label })),
    rootGroups,
    rootNodes,
  };
}

export async function fetchInfo(client: ApiClient, signal?: AbortSignal): Promise<GraphInfo> {
  return convertInfo(await client.getJson<WireGraphInfo>("api/graphs/info", {}, signal));
}

export async function fetchGraph(client: ApiClient, run: string, tag: string, allNodes: boolean, signal?: AbortSignal): Promise<GraphData> {
  const params = { run, tag, all_nodes: allNodes };
  return convertGraph(await client.getJson<WireGraph>("api/graphs/graph", params, signal));
}

export async function fetchNode(client: ApiClient, run: string, tag: string, name: string, allNodes: boolean, signal?: AbortSignal): Promise<NodeDetails> {
  return client.getJson<WireNodeDetails>("api/graphs/node", { run, tag, name, all_nodes: allNodes }, signal);
}
