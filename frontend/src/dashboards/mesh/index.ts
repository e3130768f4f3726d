// The Mesh dashboard: one card per (run, mesh) drawing add_mesh's point cloud or triangle
// mesh in 3-D with its vertex colours, grouped by tag prefix and filtered by the tag filter.
// The index (GET /api/mesh/tags) groups a mesh's parts (<tag>_VERTEX, _FACE, _COLOR; or
// tensorboardX's <tag>_1..3) under the tag given to add_mesh; push messages name the parts,
// so they are mapped back to their mesh here. Cards are kept across rebuilds (each keeps its
// step, batch item and camera). window.__trainboard.view("mesh") gives {cards: MeshCardDebug[]}.
//
// Hooks: mesh-dashboard, mesh-controls, mesh-empty, the tag-group hooks, and card.ts's.

import type { PointsUpdate } from "../../api/client";
import { compareRunTags, runTagKey, runTagSpecs } from "../../components/card_grid";
import type { CardLayout, RunsChange } from "../../components/indexed_cards";
import { IndexedCardsDashboard } from "../../components/indexed_cards";
import { groupByPrefix } from "../../components/tag_groups";
import type { DashboardContext, DashboardFactory } from "../../core/dashboard";
import { runsWithKind } from "../../core/dashboard";
import type { MeshTags } from "./api";
import { fetchMeshTags } from "./api";
import type { MeshCardDebug, MeshCardSpec } from "./card";
import { MeshCard } from "./card";
import type { MeshViewerFactory } from "./viewer_types";
import { loadMeshViewer } from "./viewer_types";
import "./mesh.css";

export interface MeshOptions {
  /** Loads the viewer (tests pass a stand-in: happy-dom has no WebGL). */
  readonly loadViewer?: () => Promise<MeshViewerFactory>;
}

/** The mesh index, and for each (run, part tag) key of its parts, the card key of its mesh. */
interface MeshIndex {
  readonly tags: MeshTags;
  readonly parts: ReadonlyMap<string, string>;
}

function indexParts(tags: MeshTags): MeshIndex {
  const parts = new Map<string, string>();
  for (const [run, meshes] of tags) {
    for (const [tag, info] of meshes) {
      for (const part of info.instanceTags) parts.set(runTagKey(run, part), runTagKey(run, tag));
    }
  }
  return { tags, parts };
}

export class MeshDashboard extends IndexedCardsDashboard<MeshIndex, MeshCardSpec, MeshCard> {
  private readonly loadViewer: () => Promise<MeshViewerFactory>;

  constructor(context: DashboardContext, options: MeshOptions = {}) {
    super(context, {
      id: "mesh",
      className: "tb-mesh",
      kind: "mesh",
      what: "the meshes",
      fetch: async () => indexParts(await fetchMeshTags(context.client)),
    });
    this.loadViewer = options.loadViewer ?? loadMeshViewer;
    this.start();
  }

  override themeChanged(): void {
    for (const card of this.cards.values()) card.themeChanged();
  }

  override show(): void {
    this.resize();
  }

  override resize(): void {
    for (const card of this.cards.values()) card.resize();
  }

  debug(): { cards: MeshCardDebug[] } {
    return { cards: [...this.cards.values()].map((card) => card.debug()) };
  }

  protected layout(index: MeshIndex): CardLayout<MeshCardSpec> {
    const specs = runTagSpecs(runsWithKind(this.context, this.kind).map((run) => run.name), index.tags);
    const groups = groupByPrefix(specs, (s) => s.tag, this.context.state().tagFilter, compareRunTags);
    const hasData = [...index.tags.values()].some((meshes) => meshes.size > 0);
    const noData = hasData ? null : "No mesh data in this logdir yet. Log some with SummaryWriter.add_mesh().";
    return { groups, noData, selected: specs.length };
  }

  protected createCard(spec: MeshCardSpec): MeshCard {
    const context = this.context;
    return new MeshCard(spec, {
      client: context.client,
      queue: context.queue,
      visibility: context.visibility,
      loadViewer: this.loadViewer,
      color: (run) => context.color(run),
      theme: () => context.theme(),
    });
  }

  protected runsChanged(change: RunsChange): void {
    const reset = new Set(change.reset);
    for (const card of this.cards.values()) if (reset.has(card.spec.run)) card.dataChanged(true);
  }

  protected refreshCards(): void {
    for (const card of this.cards.values()) card.dataChanged(true);
  }

  protected pointsArrived(updates: readonly PointsUpdate[]): void {
    const touched = new Set<string>();
    let unknown = false;
    for (const update of updates) {
      const key = this.index.value?.parts.get(runTagKey(update.run, update.tag));
      if (key === undefined) unknown = true;
      else touched.add(key);
    }
    // A mesh's parts arrive together: one reload per card.
    for (const key of touched) this.cards.get(key)?.dataChanged(false);
    if (unknown) this.index.reloadSoon();
  }
}

export const meshDashboard: DashboardFactory = (context) => new MeshDashboard(context);
