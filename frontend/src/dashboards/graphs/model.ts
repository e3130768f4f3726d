// What is drawn of a graph: which groups (scopes) are expanded, the boxes that shows, and the
// edges between those boxes. The server already folded auxiliary nodes and removed empty and
// single-child scopes; here an edge between two nodes is drawn between their visible
// representatives (a node, or the outermost collapsed group holding it), and parallel edges
// between two boxes become one meta-edge.

import type { GraphData } from "./api";

/** A drawn box: "n<index>" for a node, "g<index>" for a group. */
export type ItemId = string;

export const nodeId = (index: number): ItemId => `n${index}`;
export const groupId = (index: number): ItemId => `g${index}`;

export interface VisibleItem {
  readonly id: ItemId;
  readonly kind: "node" | "group";
  readonly index: number;
  readonly expanded: boolean;
  /** Items inside an expanded group. */
  readonly children: readonly VisibleItem[];
}

export interface MetaEdge {
  readonly id: string;
  readonly from: ItemId;
  readonly to: ItemId;
  /** Graph edges it stands for. */
  readonly count: number;
  readonly label: string;
}

export interface SearchResult {
  readonly id: ItemId;
  readonly name: string;
  readonly label: string;
  readonly op: string | null;
}

/** Top-level boxes the first view may show before expanding a lone group is not worth it. */
const INITIAL_BOX_LIMIT = 40;
const SEARCH_LIMIT = 50;

/** The label of a meta-edge: the shape when all its edges agree, else how many tensors. */
export function metaLabel(labels: readonly string[]): string {
  const distinct = new Set(labels.filter((l) => l !== ""));
  if (labels.length === 1) return labels[0] ?? "";
  if (distinct.size === 1) return `${[...distinct][0] ?? ""} ×${labels.length}`;
  return `${labels.length} tensors`;
}

export class GraphModel {
  readonly data: GraphData;
  private readonly expanded = new Set<number>();

  constructor(data: GraphData) {
    this.data = data;
  }

  isExpanded(group: number): boolean {
    return this.expanded.has(group);
  }

  expandedNames(): string[] {
    return [...this.expanded].map((g) => this.data.groups[g]?.name ?? "").sort();
  }

  /** Expands the groups with these names (e.g. kept across a reload of the same run). */
  restore(names: Iterable<string>): void {
    const wanted = new Set(names);
    for (const group of this.data.groups) if (wanted.has(group.name)) this.expanded.add(group.index);
  }

  expand(group: number): void {
    this.expanded.add(group);
  }

  collapse(group: number): void {
    this.expanded.delete(group);
    // Groups inside stay expanded in the set but are hidden; collapse them too, so the next
    // expansion shows one level, as it did the first time.
    for (const inner of this.descendantGroups(group)) this.expanded.delete(inner);
  }

  collapseAll(): void {
    this.expanded.clear();
  }

  /**
   * Expands groups outermost first while the drawn boxes stay within `limit`; returns how
   * many groups are open. (Every group of a ResNet-152 with its constants is 2,400 boxes:
   * about a minute of layout.)
   */
  expandAll(limit = Number.POSITIVE_INFINITY): number {
    let shown = this.countVisible();
    let queue = [...this.data.rootGroups];
    while (queue.length) {
      const next: number[] = [];
      for (const g of queue) {
        const group = this.data.groups[g];
        if (!group) continue;
        if (!this.expanded.has(g)) {
          const grown = shown + group.groups.length + group.nodes.length;
          if (grown > limit) continue; // too big to open: its insides stay closed too
          this.expanded.add(g);
          shown = grown;
        }
        next.push(...group.groups);
      }
      queue = next;
    }
    return this.expanded.size;
  }

  /**
   * The first view: the top level, and while it shows a single group beside nothing but graph
   * inputs and outputs (the model itself) that group's contents, if they fit.
   */
  expandInitial(): void {
    let level = { groups: this.data.rootGroups, nodes: this.data.rootNodes };
    let shown = level.groups.length + level.nodes.length;
    const onlyIo = (nodes: readonly number[]): boolean => nodes.every((n) => this.data.nodes[n]?.op === "IO Node");
    while (level.groups.length === 1 && onlyIo(level.nodes)) {
      const only = this.data.groups[level.groups[0] as number];
      if (!only) break;
      const grown = shown - 1 + only.groups.length + only.nodes.length;
      if (grown > INITIAL_BOX_LIMIT) break;
      this.expanded.add(only.index);
      level = { groups: only.groups, nodes: only.nodes };
      shown = grown;
    }
  }

  /** Expands every group holding the item, so that it is drawn. */
  reveal(id: ItemId): void {
    const index = Number(id.slice(1));
    let parent = id.startsWith("n") ? (this.data.nodes[index]?.parent ?? -1) : (this.data.groups[index]?.parent ?? -1);
    while (parent >= 0) {
      this.expanded.add(parent);
      parent = this.data.groups[parent]?.parent ?? -1;
    }
  }

  /** The drawn tree: top-level items, expanded groups with their children. */
  visible(): VisibleItem[] {
    return this.items(this.data.rootGroups, this.data.rootNodes);
  }

  private items(groups: readonly number[], nodes: readonly number[]): VisibleItem[] {
    const out: VisibleItem[] = [];
    for (const g of groups) {
      const group = this.data.groups[g];
      if (!group) continue;
      const expanded = this.expanded.has(g);
      out.push({ id: groupId(g), kind: "group", index: g, expanded, children: expanded ? this.items(group.groups, group.nodes) : [] });
    }
    for (const n of nodes) out.push({ id: nodeId(n), kind: "node", index: n, expanded: false, children: [] });
    return out;
  }

  /** The box a node is drawn in: itself, or its outermost collapsed group. */
  representative(node: number): ItemId {
    let rep = nodeId(node);
    let parent = this.data.nodes[node]?.parent ?? -1;
    while (parent >= 0) {
      if (!this.expanded.has(parent)) rep = groupId(parent);
      parent = this.data.groups[parent]?.parent ?? -1;
    }
    return rep;
  }

  /** Edges between drawn boxes, parallel ones merged, edges inside a collapsed group dropped. */
  metaEdges(): MetaEdge[] {
    const reps = this.data.nodes.map((n) => this.representative(n.index));
    const merged = new Map<string, { from: ItemId; to: ItemId; labels: string[] }>();
    for (const edge of this.data.edges) {
      const from = reps[edge.from];
      const to = reps[edge.to];
      if (from === undefined || to === undefined || from === to) continue;
      const key = `${from}>${to}`;
      const entry = merged.get(key);
      if (entry) entry.labels.push(edge.label);
      else merged.set(key, { from, to, labels: [edge.label] });
    }
    return [...merged.entries()].map(([id, e]) => ({ id, from: e.from, to: e.to, count: e.labels.length, label: metaLabel(e.labels) }));
  }

  /** Boxes drawn (visible leaves and expanded groups). */
  countVisible(): number {
    let count = 0;
    const walk = (items: readonly VisibleItem[]): void => {
      for (const item of items) {
        count++;
        walk(item.children);
      }
    };
    walk(this.visible());
    return count;
  }

  /**
   * Nodes and groups whose full name contains `query` (case-insensitive), or whose op does:
   * exact label matches first, then by name length.
   */
  search(query: string, limit = SEARCH_LIMIT): SearchResult[] {
    const q = query.trim().toLowerCase();
    if (!q) return [];
    const found: (SearchResult & { rank: number })[] = [];
    for (const g of this.data.groups) {
      if (g.name.toLowerCase().includes(q)) found.push({ id: groupId(g.index), name: g.name, label: g.label, op: null, rank: rankOf(g.label, q) });
    }
    for (const n of this.data.nodes) {
      if (n.name.toLowerCase().includes(q) || n.op.toLowerCase().includes(q)) {
        found.push({ id: nodeId(n.index), name: n.name, label: n.label, op: n.op, rank: rankOf(n.label, q) + (n.name.toLowerCase().includes(q) ? 0 : 2) });
      }
    }
    found.sort((a, b) => a.rank - b.rank || a.name.length - b.name.length || (a.name < b.name ? -1 : 1));
    return found.slice(0, limit).map(({ id, name, label, op }) => ({ id, name, label, op }));
  }

  /** Op counts of the nodes inside a group (at any depth), most frequent first. */
  opCounts(group: number): [string, number][] {
    const counts = new Map<string, number>();
    const walk = (g: number): void => {
      const entry = this.data.groups[g];
      if (!entry) return;
      for (const n of entry.nodes) {
        const op = this.data.nodes[n]?.op ?? "";
        counts.set(op, (counts.get(op) ?? 0) + 1);
      }
      for (const inner of entry.groups) walk(inner);
    };
    walk(group);
    return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  }

  private descendantGroups(group: number): number[] {
    const out: number[] = [];
    const stack = [...(this.data.groups[group]?.groups ?? [])];
    while (stack.length) {
      const g = stack.pop() as number;
      out.push(g);
      stack.push(...(this.data.groups[g]?.groups ?? []));
    }
    return out;
  }
}

function rankOf(label: string, q: string): number {
  const l = label.toLowerCase();
  return l === q ? 0 : l.startsWith(q) ? 1 : 2;
}
