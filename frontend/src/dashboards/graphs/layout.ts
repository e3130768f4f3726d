// Lays out what is drawn with ELK's layered algorithm (top to bottom): expanded groups are
// compound nodes, collapsed groups and nodes are boxes, meta-edges carry their shape label.
// Only the visible part goes to ELK, so expanding one block of a ResNet lays out a few
// dozen boxes, not the whole graph. Coordinates come back absolute (edgeCoords/shapeCoords
// ROOT), ready to draw.

import type { ElkExtendedEdge, ElkNode } from "elkjs/lib/elk-api";
import type { GraphData } from "./api";
import type { GraphModel, ItemId, MetaEdge, VisibleItem } from "./model";

/** Anything with ELK's layout(): the worker-backed ELK, the bundled one, or a test stub. */
export interface LayoutEngine {
  layout(graph: ElkNode): Promise<ElkNode>;
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface LayoutBox {
  readonly id: ItemId;
  readonly kind: "node" | "group";
  readonly index: number;
  readonly expanded: boolean;
  readonly title: string;
  readonly subtitle: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface LayoutEdge {
  readonly id: string;
  readonly from: ItemId;
  readonly to: ItemId;
  readonly count: number;
  readonly label: string;
  readonly points: readonly Point[];
  readonly labelAt: Point | null;
}

export interface GraphLayout {
  /** Expanded groups first (outer before inner), then the other boxes. */
  readonly boxes: readonly LayoutBox[];
  readonly edges: readonly LayoutEdge[];
  readonly width: number;
  readonly height: number;
}

const CHAR = 7; // px per character of a 12px label (estimated: no DOM measuring in a layout)
const SMALL_CHAR = 6;
const MAX_BOX_WIDTH = 260;
export const NODE_HEIGHT = 38;
export const GROUP_HEIGHT = 44;
export const HEADER = 28; // an expanded group's title bar
const LABEL_HEIGHT = 14;

const ROOT_OPTIONS: Record<string, string> = {
  "elk.algorithm": "layered",
  "elk.direction": "DOWN",
  "elk.hierarchyHandling": "INCLUDE_CHILDREN",
  "elk.json.edgeCoords": "ROOT",
  "elk.json.shapeCoords": "ROOT",
  "elk.spacing.nodeNode": "24",
  "elk.layered.spacing.nodeNodeBetweenLayers": "36",
  "elk.spacing.edgeLabel": "2",
  "elk.layered.spacing.edgeNodeBetweenLayers": "12",
  "elk.edgeLabels.inline": "true",
  "elk.layered.crossingMinimization.strategy": "LAYER_SWEEP",
  "elk.padding": "[top=12,left=12,bottom=12,right=12]",
};
const GROUP_OPTIONS: Record<string, string> = {
  "elk.padding": `[top=${HEADER + 8},left=12,bottom=12,right=12]`,
};

/** "aten::_convolution" -> "_convolution"; other ops as they are. */
export function shortOp(op: string): string {
  const cut = op.lastIndexOf("::");
  return cut >= 0 ? op.slice(cut + 2) : op;
}

/** The two lines a box shows. */
export function boxText(data: GraphData, item: { kind: "node" | "group"; index: number }): { title: string; subtitle: string } {
  if (item.kind === "group") {
    const group = data.groups[item.index];
    const size = group?.size ?? 0;
    return { title: group?.label ?? "", subtitle: `${size} op${size === 1 ? "" : "s"}` };
  }
  const node = data.nodes[item.index];
  if (!node) return { title: "", subtitle: "" };
  const op = shortOp(node.op);
  // A module with one op is named after the module; an op inside a module is named by its op
  // (its own name is a TorchScript value number such as "input.3").
  const [title, subtitle] = node.module || node.op === "IO Node" ? [node.label, op] : [op, node.label];
  return { title, subtitle: subtitle === title ? "" : subtitle };
}

function boxWidth(title: string, subtitle: string, extra: number): number {
  const wanted = Math.max(title.length * CHAR, subtitle.length * SMALL_CHAR) + 24 + extra;
  return Math.min(MAX_BOX_WIDTH, Math.max(64, Math.ceil(wanted)));
}

function elkChild(data: GraphData, item: VisibleItem): ElkNode {
  if (item.kind === "group" && item.expanded) {
    const { title, subtitle } = boxText(data, item);
    const minWidth = Math.min(MAX_BOX_WIDTH, `${title}  ·  ${subtitle}`.length * CHAR) + 40; // the title bar
    // ELK 0.12 applies a compound node's minimum size before rotating the layered graph for
    // direction DOWN, so (x, y) here is (height, width); layout.test.ts checks the result.
    return {
      id: item.id,
      layoutOptions: { ...GROUP_OPTIONS, "elk.nodeSize.minimum": `(${HEADER + 20},${minWidth})`, "elk.nodeSize.constraints": "MINIMUM_SIZE" },
      children: item.children.map((child) => elkChild(data, child)),
    };
  }
  const { title, subtitle } = boxText(data, item);
  const group = item.kind === "group";
  return { id: item.id, width: boxWidth(title, subtitle, group ? 22 : 0), height: group ? GROUP_HEIGHT : NODE_HEIGHT };
}

/** The ELK input for what `model` shows. */
export function elkGraph(model: GraphModel, edges: readonly MetaEdge[]): ElkNode {
  return {
    id: "root",
    layoutOptions: ROOT_OPTIONS,
    children: model.visible().map((item) => elkChild(model.data, item)),
    edges: edges.map(
      (e): ElkExtendedEdge => ({
        id: e.id,
        sources: [e.from],
        targets: [e.to],
        labels: e.label ? [{ text: e.label, width: Math.ceil(e.label.length * SMALL_CHAR) + 4, height: LABEL_HEIGHT }] : [],
      }),
    ),
  };
}

function collectBoxes(data: GraphData, elk: readonly ElkNode[], visible: ReadonlyMap<ItemId, VisibleItem>, groups: LayoutBox[], leaves: LayoutBox[]): void {
  for (const child of elk) {
    const item = visible.get(child.id);
    if (!item) continue;
    const box: LayoutBox = {
      id: item.id,
      kind: item.kind,
      index: item.index,
      expanded: item.expanded,
      ...boxText(data, item),
      x: child.x ?? 0,
      y: child.y ?? 0,
      width: child.width ?? 0,
      height: child.height ?? 0,
    };
    (item.expanded ? groups : leaves).push(box);
    collectBoxes(data, child.children ?? [], visible, groups, leaves);
  }
}

function edgePoints(edge: ElkExtendedEdge): Point[] {
  const points: Point[] = [];
  for (const section of edge.sections ?? []) {
    points.push(section.startPoint, ...(section.bendPoints ?? []), section.endPoint);
  }
  return points;
}

/** Runs ELK on what `model` shows and returns absolute boxes and edge routes. */
export async function layoutGraph(engine: LayoutEngine, model: GraphModel): Promise<GraphLayout> {
  const metaEdges = model.metaEdges();
  const result = await engine.layout(elkGraph(model, metaEdges));
  const visible = new Map<ItemId, VisibleItem>();
  const walk = (items: readonly VisibleItem[]): void => {
    for (const item of items) {
      visible.set(item.id, item);
      walk(item.children);
    }
  };
  walk(model.visible());
  const groups: LayoutBox[] = [];
  const leaves: LayoutBox[] = [];
  collectBoxes(model.data, result.children ?? [], visible, groups, leaves);
  const routed = new Map((result.edges ?? []).map((e) => [e.id, e as ElkExtendedEdge]));
  const edges = metaEdges.map((meta): LayoutEdge => {
    const elk = routed.get(meta.id);
    const label = elk?.labels?.[0];
    const labelAt = label && label.x !== undefined && label.y !== undefined ? { x: label.x + (label.width ?? 0) / 2, y: label.y + (label.height ?? 0) / 2 } : null;
    return { ...meta, points: elk ? edgePoints(elk) : [], labelAt };
  });
  return { boxes: [...groups, ...leaves], edges, width: result.width ?? 0, height: result.height ?? 0 };
}
