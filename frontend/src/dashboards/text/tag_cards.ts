// The frame of a dashboard made of one card per tag (or per tag and run), shared by Text and
// PR curves: it loads the kind's tag index (GET /api/tags?kind=...), filters it by the tag
// filter, groups cards by prefix into collapsible groups, keeps cards across rebuilds (so a
// card keeps its step and data), reloads the index when push messages say tags or runs
// changed, and tells cards which (run, tag) got new points.
//
// Hooks: <kind>-controls (the settings bar with tag-filter), <kind>-empty, and the tag-group
// hooks of src/components/tag_groups.ts.

import type { Kind, LiveMessage, PointsUpdate, Run, RunsInfo, TagsIndex } from "../../api/client";
import { GroupView, TagFilterInput, groupByPrefix } from "../../components/tag_groups";
import type { DashboardContext } from "../../core/dashboard";
import { DashboardBase, runsWithKind } from "../../core/dashboard";
import { debounce, h } from "../../core/dom";
import type { AppState } from "../../core/url_state";

/** What the frame needs of a card. */
export interface TagCard<S> {
  readonly element: HTMLElement;
  /** The card's spec changed (e.g. new runs) while its key stayed. */
  setSpec(spec: S): void;
  /** New points for `run` (null: any of its runs), or its run restarted (`reset`). */
  dataChanged(run: string | null, reset: boolean): void;
  themeChanged(): void;
  resize(): void;
  destroy(): void;
}

/** One card to show: `key` identifies it across rebuilds, `tag` groups and filters it. */
export interface TagCardSpec {
  readonly key: string;
  readonly tag: string;
  readonly runs: readonly string[];
}

const TAGS_RELOAD_MS = 200;

export abstract class TagCardsDashboard<S extends TagCardSpec, C extends TagCard<S>> extends DashboardBase {
  readonly element: HTMLElement;
  protected readonly cards = new Map<string, C>();
  private readonly kind: Kind;
  private readonly noun: string;
  private readonly tagFilter: TagFilterInput;
  private readonly body: HTMLDivElement;
  private readonly empty: HTMLDivElement;
  private readonly groups = new Map<string, GroupView>();
  private readonly collapsed = new Set<string>();
  private tags: TagsIndex | null = null;
  private tagError: string | null = null;
  private tagLoads = 0;
  private tagGeneration = 0;
  private reloadScheduled = false;
  private readonly reloadTagsSoon: () => void;

  /** `noun`: what the kind is called in messages ("text", "PR curve"). */
  constructor(context: DashboardContext, kind: Kind, noun: string, extraControls: readonly HTMLElement[] = []) {
    super(context);
    this.kind = kind;
    this.noun = noun;
    this.tagFilter = new TagFilterInput((tagFilter) => context.update({ tagFilter }));
    this.body = h("div", { class: "tb-groups" });
    this.empty = h("div", { class: "tb-empty", "data-testid": `${kind}-empty` });
    const controls = h("div", { class: "tb-controls", "data-testid": `${kind}-controls` }, ...extraControls, this.tagFilter.element);
    this.element = h("div", { class: `tb-${kind}`, "data-testid": `${kind}-dashboard` }, controls, this.empty, this.body);
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

  /** The cards for the selected runs having this kind and the tag index. */
  protected abstract specs(runs: readonly Run[], tags: TagsIndex): S[];
  protected abstract createCard(spec: S): C;

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
      for (const card of this.cards.values()) {
        for (const run of message.reset) card.dataChanged(run, true);
      }
      this.reloadTagsSoon();
    } else if (message.type === "tags" && message.kind === this.kind) {
      this.reloadTagsSoon();
    } else if (message.type === "points" && message.kind === this.kind) {
      this.onPoints(message.updates);
    }
  }

  override refreshAll(): void {
    for (const card of this.cards.values()) card.dataChanged(null, true);
    this.reloadTagsSoon();
  }

  override themeChanged(): void {
    for (const card of this.cards.values()) card.themeChanged();
  }

  override resize(): void {
    for (const card of this.cards.values()) card.resize();
  }

  override show(): void {
    this.resize();
  }

  override destroy(): void {
    for (const card of this.cards.values()) card.destroy();
    this.cards.clear();
  }

  private onPoints(updates: readonly PointsUpdate[]): void {
    let unknown = false;
    for (const update of updates) {
      if (!this.tags?.get(update.run)?.has(update.tag)) unknown = true;
      for (const card of this.cards.values()) {
        if (this.cardShows(card, update.run, update.tag)) card.dataChanged(update.run, false);
      }
    }
    if (unknown) this.reloadTagsSoon();
  }

  /** Whether `card` draws (run, tag). */
  protected abstract cardShows(card: C, run: string, tag: string): boolean;

  private async loadTags(): Promise<void> {
    const generation = ++this.tagGeneration;
    this.tagLoads++;
    try {
      const tags = await this.context.client.tags(this.kind);
      if (generation !== this.tagGeneration) return;
      this.tags = tags;
      this.tagError = null;
    } catch (err) {
      if (generation !== this.tagGeneration) return;
      this.tagError = `Could not load the ${this.noun} tags: ${err instanceof Error ? err.message : String(err)}`;
    } finally {
      this.tagLoads--;
    }
    this.rebuild();
  }

  private rebuild(): void {
    if (!this.tags) {
      if (this.tagError !== null) this.showEmpty(0, 0);
      return;
    }
    const runs = runsWithKind(this.context, this.kind);
    const specs = this.specs(runs, this.tags);
    const groups = groupByPrefix(specs, (s) => s.tag, this.context.state().tagFilter, (a, b) => compareKeys(a, b));
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
    this.showEmpty(runs.length, groups.length);
  }

  private cardFor(spec: S, keep: Set<string>): HTMLElement {
    keep.add(spec.key);
    const existing = this.cards.get(spec.key);
    if (existing) {
      existing.setSpec(spec);
      return existing.element;
    }
    const card = this.createCard(spec);
    this.cards.set(spec.key, card);
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

  private showEmpty(runCount: number, groupCount: number): void {
    const hasData = [...(this.tags?.values() ?? [])].some((tags) => tags.size > 0);
    let message = "";
    if (this.tagError !== null) message = this.tagError;
    else if (!hasData) message = `No ${this.noun} data in this logdir yet.`;
    else if (runCount === 0) message = "No runs selected.";
    else if (groupCount === 0) message = "No tags match the filter.";
    this.empty.textContent = message;
    this.empty.hidden = message === "";
  }
}

function compareKeys(a: TagCardSpec, b: TagCardSpec): number {
  if (a.tag !== b.tag) return a.tag < b.tag ? -1 : 1;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
