// The Mesh dashboard: one card per (run, mesh) drawing add_mesh's point cloud or triangle
// mesh in 3-D with its vertex colours, grouped by tag prefix and filtered by the tag filter.
// The index (GET /api/mesh/tags) groups a mesh's parts (<tag>_VERTEX, _FACE, _COLOR; or
// tensorboardX's <tag>_1..3) under the tag given to add_mesh; push messages name the parts,
// so they are mapped back to their mesh here. Cards are kept across rebuilds (each keeps its
// step, batch item and camera). window.__trainboard.view("mesh") gives {cards: MeshCardDebug[]}.
//
// Hooks: mesh-dashboard, mesh-controls, mesh-empty, the tag-group hooks, and card.ts's.

import type { LiveMessage, PointsUpdate, RunsInfo } from "../../api/client";
import { GroupView, TagFilterInput, compareStrings, groupByPrefix } from "../../components/tag_groups";
import type { DashboardContext, DashboardFactory } from "../../core/dashboard";
import { DashboardBase, runsWithKind } from "../../core/dashboard";
import { debounce, h } from "../../core/dom";
import type { AppState } from "../../core/url_state";
import type { MeshTags } from "./api";
import { fetchMeshTags } from "./api";
import type { MeshCardDebug, MeshCardSpec } from "./card";
import { MeshCard } from "./card";
import type { MeshViewerFactory } from "./viewer_types";
import { loadMeshViewer } from "./viewer_types";
import "./mesh.css";

const KIND = "mesh";
const TAGS_RELOAD_MS = 200;

export interface MeshOptions {
  /** Loads the viewer (tests pass a stand-in: happy-dom has no WebGL). */
  readonly loadViewer?: () => Promise<MeshViewerFactory>;
}

export function cardKey(run: string, tag: string): string {
  return `${run}\u0000${tag}`;
}

export class MeshDashboard extends DashboardBase {
  readonly element: HTMLElement;
  private readonly cards = new Map<string, MeshCard>();
  private readonly loadViewer: () => Promise<MeshViewerFactory>;
  private readonly tagFilter: TagFilterInput;
  private readonly body: HTMLDivElement;
  private readonly empty: HTMLDivElement;
  private readonly groups = new Map<string, GroupView>();
  private readonly collapsed = new Set<string>();
  /** run \0 part tag -> the card key of its mesh */
  private parts = new Map<string, string>();
  private tags: MeshTags | null = null;
  private tagError: string | null = null;
  private tagLoads = 0;
  private tagGeneration = 0;
  private reloadScheduled = false;
  private readonly reloadTagsSoon: () => void;

  constructor(context: DashboardContext, options: MeshOptions = {}) {
    super(context);
    this.loadViewer = options.loadViewer ?? loadMeshViewer;
    this.tagFilter = new TagFilterInput((tagFilter) => context.update({ tagFilter }));
    this.body = h("div", { class: "tb-groups" });
    this.empty = h("div", { class: "tb-empty", "data-testid": "mesh-empty" });
    const bar = h("div", { class: "tb-controls", "data-testid": "mesh-controls" }, this.tagFilter.element);
    this.element = h("div", { class: "tb-mesh", "data-testid": "mesh-dashboard" }, bar, this.empty, this.body);
    this.tagFilter.show(context.state().tagFilter);
    const reload = debounce(() => {
      this.reloadScheduled = false;
      void this.loadTags();
    }, TAGS_RELOAD_MS);
    this.reloadTagsSoon = () => {
      this.reloadScheduled = true;
      reload();
    };
    void this.loadTags();
  }

  override get pending(): number {
    return this.tagLoads + (this.reloadScheduled ? 1 : 0);
  }

  override setRuns(_runs: RunsInfo): void {
    this.rebuild();
  }

  override stateChanged(next: AppState, previous: AppState): void {
    this.tagFilter.show(next.tagFilter);
    if (next.tagFilter !== previous.tagFilter || next.runFilter !== previous.runFilter || next.hiddenRuns !== previous.hiddenRuns) {
      this.rebuild();
    }
  }

  override onLive(message: LiveMessage): void {
    if (message.type === "runs") {
      const reset = new Set(message.reset);
      for (const card of this.cards.values()) if (reset.has(card.spec.run)) card.dataChanged(true);
      this.reloadTagsSoon();
    } else if (message.type === "tags" && message.kind === KIND) {
      this.reloadTagsSoon();
    } else if (message.type === "points" && message.kind === KIND) {
      this.onPoints(message.updates);
    }
  }

  override refreshAll(): void {
    for (const card of this.cards.values()) card.dataChanged(true);
    this.reloadTagsSoon();
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

  override destroy(): void {
    for (const card of this.cards.values()) card.destroy();
    this.cards.clear();
  }

  debug(): { cards: MeshCardDebug[] } {
    return { cards: [...this.cards.values()].map((card) => card.debug()) };
  }

  private onPoints(updates: readonly PointsUpdate[]): void {
    const touched = new Set<string>();
    let unknown = false;
    for (const update of updates) {
      const key = this.parts.get(cardKey(update.run, update.tag));
      if (key === undefined) unknown = true;
      else touched.add(key);
    }
    // A mesh's parts arrive together: one reload per card.
    for (const key of touched) this.cards.get(key)?.dataChanged(false);
    if (unknown) this.reloadTagsSoon();
  }

  private async loadTags(): Promise<void> {
    const generation = ++this.tagGeneration;
    this.tagLoads++;
    try {
      const tags = await fetchMeshTags(this.context.client);
      if (generation !== this.tagGeneration) return;
      this.setTags(tags);
      this.tagError = null;
    } catch (err) {
      if (generation !== this.tagGeneration) return;
      this.tagError = `Could not load the meshes: ${err instanceof Error ? err.message : String(err)}`;
    } finally {
      this.tagLoads--;
    }
    this.rebuild();
  }

  private setTags(tags: MeshTags): void {
    this.tags = tags;
    this.parts = new Map();
    for (const [run, meshes] of tags) {
      for (const [tag, info] of meshes) {
        for (const part of info.instanceTags) this.parts.set(cardKey(run, part), cardKey(run, tag));
      }
    }
  }

  private specs(tags: MeshTags): MeshCardSpec[] {
    const specs: MeshCardSpec[] = [];
    for (const run of runsWithKind(this.context, KIND)) {
      for (const tag of tags.get(run.name)?.keys() ?? []) specs.push({ key: cardKey(run.name, tag), run: run.name, tag });
    }
    return specs;
  }

  private rebuild(): void {
    if (!this.tags) {
      if (this.tagError !== null) this.showEmpty(0, 0);
      return;
    }
    const specs = this.specs(this.tags);
    const compare = (a: MeshCardSpec, b: MeshCardSpec): number => compareStrings(a.tag, b.tag) || compareStrings(a.run, b.run);
    const groups = groupByPrefix(specs, (s) => s.tag, this.context.state().tagFilter, compare);
    const keep = new Set<string>();
    const elements = groups.map((group) => {
      const view = this.group(group.name);
      view.setCards(group.items.map((spec) => this.cardFor(spec, keep)));
      return view.element;
    });
    for (const [key, card] of this.cards) {
      if (keep.has(key)) continue;
      card.destroy();
      this.cards.delete(key);
    }
    for (const name of [...this.groups.keys()]) {
      if (!groups.some((g) => g.name === name)) this.groups.delete(name);
    }
    this.body.replaceChildren(...elements);
    this.showEmpty(specs.length, groups.length);
  }

  private cardFor(spec: MeshCardSpec, keep: Set<string>): HTMLElement {
    keep.add(spec.key);
    let card = this.cards.get(spec.key);
    if (!card) {
      const context = this.context;
      card = new MeshCard(spec, {
        client: context.client,
        queue: context.queue,
        visibility: context.visibility,
        loadViewer: this.loadViewer,
        color: (run) => context.color(run),
        theme: () => context.theme(),
      });
      this.cards.set(spec.key, card);
    }
    return card.element;
  }

  private group(name: string): GroupView {
    let view = this.groups.get(name);
    if (!view) {
      view = new GroupView(name, (collapsed) => (collapsed ? this.collapsed.add(name) : this.collapsed.delete(name)));
      view.setCollapsed(this.collapsed.has(name));
      this.groups.set(name, view);
    }
    return view;
  }

  private showEmpty(cardCount: number, groupCount: number): void {
    const hasData = [...(this.tags?.values() ?? [])].some((meshes) => meshes.size > 0);
    let message = "";
    if (this.tagError !== null) message = this.tagError;
    else if (!hasData) message = "No mesh data in this logdir yet. Log some with SummaryWriter.add_mesh().";
    else if (cardCount === 0) message = "No runs selected.";
    else if (groupCount === 0) message = "No tags match the filter.";
    this.empty.textContent = message;
    this.empty.hidden = message === "";
  }
}

export const meshDashboard: DashboardFactory = (context) => new MeshDashboard(context);
