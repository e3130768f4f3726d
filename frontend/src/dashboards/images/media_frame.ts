// The frame shared by the Images, Video and Audio dashboards: one card per (run, tag),
// grouped by tag prefix into collapsible groups and filtered by the tag filter. It loads
// the tag index when created, when push messages say runs or tags changed, or a point
// arrived for a (run, tag) it does not know, and after a reconnect; cards are kept across
// rebuilds (so each keeps its step) and told when their (run, tag) got new points.
//
// Hooks: <id>-dashboard (the root, with data-dashboard-view set by the shell), <id>-controls,
// <id>-empty, and the tag-group hooks of src/components/tag_groups.ts.

import type { Kind, LiveMessage, PointsUpdate, RunsInfo } from "../../api/client";
import { GroupView, TagFilterInput, compareStrings, groupByPrefix } from "../../components/tag_groups";
import type { DashboardContext } from "../../core/dashboard";
import { DashboardBase, runsWithKind } from "../../core/dashboard";
import { debounce, h } from "../../core/dom";
import type { AppState } from "../../core/url_state";
import type { MediaTagInfo, MediaTags } from "./api";

export interface MediaCardSpec {
  /** `run \0 tag`: identifies the card across rebuilds. */
  readonly key: string;
  readonly run: string;
  readonly tag: string;
}

export interface MediaCard {
  readonly element: HTMLElement;
  /** New points (reset: the run restarted, so what is shown may be gone). */
  dataChanged(reset: boolean): void;
  themeChanged(): void;
  destroy(): void;
  /** What tests see of the card (plain JSON data). */
  debug(): Record<string, unknown>;
}

const TAGS_RELOAD_MS = 200;

export abstract class MediaDashboard<C extends MediaCard> extends DashboardBase {
  readonly element: HTMLElement;
  protected readonly cards = new Map<string, C>();
  private readonly kind: Kind;
  private readonly tagFilter: TagFilterInput;
  private readonly body: HTMLDivElement;
  private readonly empty: HTMLDivElement;
  private readonly groups = new Map<string, GroupView>();
  private readonly collapsed = new Set<string>();
  private tags: MediaTags | null = null;
  private tagError: string | null = null;
  private tagLoads = 0;
  private tagGeneration = 0;
  private reloadScheduled = false;
  private readonly reloadTagsSoon: () => void;

  /** `id`: the dashboard (hook prefix); `kind`: the runs' kind and push messages' kind. */
  constructor(context: DashboardContext, id: string, kind: Kind, controls: readonly HTMLElement[]) {
    super(context);
    this.kind = kind;
    this.tagFilter = new TagFilterInput((tagFilter) => context.update({ tagFilter }));
    this.body = h("div", { class: "tb-groups" });
    this.empty = h("div", { class: "tb-empty", "data-testid": `${id}-empty` });
    const bar = h("div", { class: "tb-controls", "data-testid": `${id}-controls` }, ...controls, this.tagFilter.element);
    this.element = h("div", { class: `tb-media tb-${id}`, "data-testid": `${id}-dashboard` }, bar, this.empty, this.body);
    this.tagFilter.show(context.state().tagFilter);
    const reload = debounce(() => {
      this.reloadScheduled = false;
      void this.loadTags();
    }, TAGS_RELOAD_MS);
    this.reloadTagsSoon = () => {
      this.reloadScheduled = true;
      reload();
    };
  }

  /** The tag index of this dashboard's kind (every media, see `shows`). */
  protected abstract fetchTags(): Promise<MediaTags>;
  /** Whether a tag of the index gets a card here. */
  protected abstract shows(info: MediaTagInfo): boolean;
  protected abstract createCard(spec: MediaCardSpec): C;
  /** The message when no tag of the index is shown here (e.g. none logged yet). */
  protected abstract noDataMessage(tags: MediaTags): string;

  /** Loads the tag index; subclasses call it once their own fields are set. */
  protected start(): void {
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
      for (const [key, card] of this.cards) if (reset.has(key.slice(0, key.indexOf("\u0000")))) card.dataChanged(true);
      this.reloadTagsSoon();
    } else if (message.type === "tags" && message.kind === this.kind) {
      this.reloadTagsSoon();
    } else if (message.type === "points" && message.kind === this.kind) {
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

  override destroy(): void {
    for (const card of this.cards.values()) card.destroy();
    this.cards.clear();
  }

  debug(): { cards: Record<string, unknown>[] } {
    return { cards: [...this.cards.values()].map((card) => card.debug()) };
  }

  private onPoints(updates: readonly PointsUpdate[]): void {
    let unknown = false;
    for (const update of updates) {
      const info = this.tags?.get(update.run)?.get(update.tag);
      if (!info) unknown = true;
      this.cards.get(cardKey(update.run, update.tag))?.dataChanged(false);
    }
    if (unknown) this.reloadTagsSoon();
  }

  private async loadTags(): Promise<void> {
    const generation = ++this.tagGeneration;
    this.tagLoads++;
    try {
      const tags = await this.fetchTags();
      if (generation !== this.tagGeneration) return;
      this.tags = tags;
      this.tagError = null;
    } catch (err) {
      if (generation !== this.tagGeneration) return;
      this.tagError = `Could not load the tags: ${err instanceof Error ? err.message : String(err)}`;
    } finally {
      this.tagLoads--;
    }
    this.rebuild();
  }

  private specs(tags: MediaTags): MediaCardSpec[] {
    const specs: MediaCardSpec[] = [];
    for (const run of runsWithKind(this.context, this.kind)) {
      for (const [tag, info] of tags.get(run.name) ?? []) {
        if (this.shows(info)) specs.push({ key: cardKey(run.name, tag), run: run.name, tag });
      }
    }
    return specs;
  }

  private rebuild(): void {
    if (!this.tags) {
      if (this.tagError !== null) this.showEmpty(0, 0);
      return;
    }
    const specs = this.specs(this.tags);
    const compare = (a: MediaCardSpec, b: MediaCardSpec): number => compareStrings(a.tag, b.tag) || compareStrings(a.run, b.run);
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

  private cardFor(spec: MediaCardSpec, keep: Set<string>): HTMLElement {
    keep.add(spec.key);
    let card = this.cards.get(spec.key);
    if (!card) {
      card = this.createCard(spec);
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
    const tags = this.tags;
    const shown = tags !== null && [...tags.values()].some((t) => [...t.values()].some((info) => this.shows(info)));
    let message = "";
    if (this.tagError !== null) message = this.tagError;
    else if (tags !== null && !shown) message = this.noDataMessage(tags);
    else if (cardCount === 0) message = "No runs selected.";
    else if (groupCount === 0) message = "No tags match the filter.";
    this.empty.textContent = message;
    this.empty.hidden = message === "";
  }
}

export function cardKey(run: string, tag: string): string {
  return `${run}\u0000${tag}`;
}
