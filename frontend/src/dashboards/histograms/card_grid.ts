// One card per (run, tag) of the histograms kind, in collapsible groups by tag prefix: the part
// the Histograms and Distributions dashboards share. It loads the tag index
// (GET /api/tags?kind=histograms) when created, when push messages announce new runs or tags,
// and after a reconnect; "points" messages invalidate the cards of the (run, tag) they name
// (a card refetches only while in view).
//
// Hooks: `<testId>-empty` (why there are no cards), tag groups as in components/tag_groups.ts.

import type { LiveMessage, TagsIndex } from "../../api/client";
import { compareStrings, GroupView, groupByPrefix } from "../../components/tag_groups";
import type { DashboardContext } from "../../core/dashboard";
import { runsWithKind } from "../../core/dashboard";
import { debounce, h } from "../../core/dom";

export const KIND = "histograms";
const LIVE_REFETCH_MS = 250;
const TAGS_RELOAD_MS = 200;

export interface CardSpec {
  readonly key: string;
  readonly run: string;
  readonly tag: string;
}

/** What the grid needs of a card. */
export interface GridCard {
  readonly element: HTMLElement;
  /** The data changed on the server: refetch (now if in view, else when it comes into view). */
  invalidate(): void;
  /** Draw again from the data held (mode, theme or width changed). */
  redraw(): void;
  destroy(): void;
}

export function cardKey(run: string, tag: string): string {
  return `${run}\u0000${tag}`;
}

/** The cards to show: each selected run's tags matching `filter`, grouped by tag prefix. */
export function cardSpecs(runs: readonly string[], tags: TagsIndex, filter: string): { name: string; items: readonly CardSpec[] }[] {
  const specs: CardSpec[] = [];
  for (const run of runs) {
    for (const tag of tags.get(run)?.keys() ?? []) specs.push({ key: cardKey(run, tag), run, tag });
  }
  return groupByPrefix(specs, (s) => s.tag, filter, (a, b) => compareStrings(a.tag, b.tag) || compareStrings(a.run, b.run));
}

export class CardGrid<C extends GridCard> {
  readonly element: HTMLElement;
  readonly cards = new Map<string, C>();
  private readonly context: DashboardContext;
  private readonly create: (spec: CardSpec) => C;
  private readonly body: HTMLDivElement;
  private readonly empty: HTMLDivElement;
  private readonly groups = new Map<string, GroupView>();
  private readonly collapsed = new Set<string>();
  private readonly touched = new Set<string>();
  private readonly scheduled = new Set<string>();
  private readonly refetchTouched: () => void;
  private readonly reloadTags: () => void;
  private tags: TagsIndex | null = null;
  private tagError: string | null = null;
  private tagLoads = 0;
  private generation = 0;

  constructor(context: DashboardContext, testId: string, create: (spec: CardSpec) => C) {
    this.context = context;
    this.create = create;
    this.body = h("div", { class: "tb-groups" });
    this.empty = h("div", { class: "tb-empty", "data-testid": `${testId}-empty` });
    this.empty.hidden = true;
    this.element = h("div", {}, this.empty, this.body);
    this.refetchTouched = this.scheduledCall("live", LIVE_REFETCH_MS, () => this.flushTouched());
    this.reloadTags = this.scheduledCall("tags", TAGS_RELOAD_MS, () => void this.loadTags());
    void this.loadTags();
  }

  /** Tag loads and debounced refetches not started yet (card fetches count in the queue). */
  get pending(): number {
    return this.scheduled.size + this.tagLoads;
  }

  onLive(message: LiveMessage): void {
    if (message.type === "runs") {
      const names = new Set([...message.reset, ...message.removed]);
      for (const [key, card] of this.cards) if (names.has(key.split("\u0000")[0] as string)) card.invalidate();
      this.reloadTags();
    } else if (message.type === "tags" && message.kind === KIND) {
      this.reloadTags();
    } else if (message.type === "points" && message.kind === KIND) {
      let unknown = false;
      for (const u of message.updates) {
        this.touched.add(cardKey(u.run, u.tag));
        if (!this.tags?.get(u.run)?.has(u.tag)) unknown = true;
      }
      if (unknown) this.reloadTags();
      this.refetchTouched();
    }
  }

  refreshAll(): void {
    for (const card of this.cards.values()) card.invalidate();
    this.reloadTags();
  }

  redrawAll(): void {
    for (const card of this.cards.values()) card.redraw();
  }

  destroy(): void {
    for (const card of this.cards.values()) card.destroy();
    this.cards.clear();
  }

  /** Builds, keeps or drops cards for the selected runs, the tag index and the tag filter. */
  rebuild(): void {
    if (!this.tags) {
      this.showEmpty(this.tagError ?? "");
      return;
    }
    const runs = runsWithKind(this.context, KIND).map((r) => r.name);
    const groups = cardSpecs(runs, this.tags, this.context.state().tagFilter);
    const keep = new Set<string>();
    const elements = groups.map((group) => {
      const view = this.groupView(group.name);
      view.setCards(
        group.items.map((spec) => {
          keep.add(spec.key);
          let card = this.cards.get(spec.key);
          if (!card) {
            card = this.create(spec);
            this.cards.set(spec.key, card);
          }
          return card.element;
        }),
      );
      return view.element;
    });
    for (const [key, card] of this.cards) {
      if (keep.has(key)) continue;
      card.destroy();
      this.cards.delete(key);
    }
    for (const name of [...this.groups.keys()]) if (!groups.some((g) => g.name === name)) this.groups.delete(name);
    this.body.replaceChildren(...elements);
    const any = [...this.tags.values()].some((t) => t.size > 0);
    let message = this.tagError ?? "";
    if (!message && !any) message = "No histogram data in this logdir yet. Log some with SummaryWriter.add_histogram().";
    else if (!message && runs.length === 0) message = "No runs selected.";
    else if (!message && groups.length === 0) message = "No tags match the filter.";
    this.showEmpty(message);
  }

  private groupView(name: string): GroupView {
    let view = this.groups.get(name);
    if (!view) {
      view = new GroupView(name, (collapsed) => (collapsed ? this.collapsed.add(name) : this.collapsed.delete(name)));
      view.setCollapsed(this.collapsed.has(name));
      this.groups.set(name, view);
    }
    return view;
  }

  private showEmpty(message: string): void {
    this.empty.textContent = message;
    this.empty.hidden = message === "";
  }

  private async loadTags(): Promise<void> {
    const generation = ++this.generation;
    this.tagLoads++;
    try {
      const tags = await this.context.client.tags(KIND);
      if (generation !== this.generation) return;
      this.tags = tags;
      this.tagError = null;
    } catch (err) {
      if (generation !== this.generation) return;
      this.tagError = `Could not load the histogram tags: ${err instanceof Error ? err.message : String(err)}`;
    } finally {
      this.tagLoads--;
    }
    this.rebuild();
  }

  private flushTouched(): void {
    for (const key of this.touched) this.cards.get(key)?.invalidate();
    this.touched.clear();
  }

  private scheduledCall(name: string, delayMs: number, fn: () => void): () => void {
    const run = debounce(() => {
      this.scheduled.delete(name);
      fn();
    }, delayMs);
    return () => {
      this.scheduled.add(name);
      run();
    };
  }
}
