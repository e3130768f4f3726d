// The frame of a dashboard of cards built from an index the server sends (a tag index, the
// mesh index): a settings bar ending in the tag filter, the empty-state line and a CardGrid.
// It loads the index when the subclass calls `start()`, again (debounced) when push messages
// say runs or tags of its kind changed and after a reconnect, and rebuilds the grid when the
// index, the runs or the run selection and tag filter change. Subclasses say which cards an
// index gives (`layout`), how a card is made, and what push messages mean for their cards.
// Text and PR curves (tag_cards_dashboard.ts), Images, Video and Audio (media_dashboard.ts),
// Mesh, Histograms and Distributions (histogram_kind_dashboard.ts) build on it.
//
// Hooks: <id>-dashboard (the root), <id>-controls (the settings bar, with tag-filter),
// <id>-empty, and the tag-group hooks of tag_groups.ts.

import type { Kind, LiveMessage, PointsUpdate, RunsInfo } from "../api/client";
import type { CardRef, DashboardContext, RenderedCard } from "../core/dashboard";
import { DashboardBase } from "../core/dashboard";
import { h } from "../core/dom";
import { LatestLoad } from "../core/latest_load";
import { linkedStep, linkedStepChanged } from "../core/linked_step";
import type { AppState } from "../core/url_state";
import type { GridCard, GridGroup, GridSpec } from "./card_grid";
import { CardGrid, emptyMessage, selectionChanged } from "./card_grid";
import { TagFilterInput } from "./tag_groups";

export interface IndexedCardsOptions<I> {
  /** The dashboard's hook prefix (<id>-dashboard, <id>-controls, <id>-empty). */
  readonly id: string;
  /** The root's class. */
  readonly className: string;
  /** The kind of push messages that concern this dashboard. */
  readonly kind: Kind;
  /** Controls before the tag filter in the settings bar. */
  readonly controls?: readonly HTMLElement[];
  /** What the index is, for the error message ("the text tags"). */
  readonly what: string;
  fetch(): Promise<I>;
}

/** What a rebuild shows: the groups of cards, and what the empty-state line needs. */
export interface CardLayout<S> {
  readonly groups: readonly GridGroup<S>[];
  /** What to say when the index holds nothing for this dashboard (null: it holds something). */
  readonly noData: string | null;
  /** How many runs (or cards) the run selection leaves. */
  readonly selected: number;
}

/** A "runs" push message: runs went away, or restarted with their data purged (reset). */
export interface RunsChange {
  readonly removed: readonly string[];
  readonly reset: readonly string[];
}

export abstract class IndexedCardsDashboard<I, S extends GridSpec, C extends GridCard> extends DashboardBase {
  readonly element: HTMLElement;
  protected readonly kind: Kind;
  protected readonly grid: CardGrid<S, C>;
  protected readonly index: LatestLoad<I>;
  private readonly tagFilter: TagFilterInput;
  /** Cards made for elsewhere (pinned, the "all" view), with their keys. */
  private readonly outside = new Map<C, string>();

  constructor(context: DashboardContext, options: IndexedCardsOptions<I>) {
    super(context);
    this.kind = options.kind;
    this.tagFilter = new TagFilterInput((tagFilter) => context.update({ tagFilter }));
    this.grid = new CardGrid<S, C>({
      emptyTestId: `${options.id}-empty`,
      create: (spec) => this.createCard(spec),
      update: (card, spec) => this.updateCard(card, spec),
    });
    const bar = h("div", { class: "tb-controls", "data-testid": `${options.id}-controls` }, ...(options.controls ?? []), this.tagFilter.element);
    this.element = h("div", { class: options.className, "data-testid": `${options.id}-dashboard` }, bar, this.grid.empty, this.grid.body);
    this.tagFilter.show(context.state().tagFilter);
    this.index = new LatestLoad({ fetch: () => options.fetch(), what: options.what, loaded: () => this.rebuild() });
  }

  /** The cards to show for `index` (the tag filter and run selection are in the context). */
  protected abstract layout(index: I): CardLayout<S>;
  protected abstract createCard(spec: S): C;
  /** Runs went away or restarted: what their cards must do (the index reloads anyway). */
  protected abstract runsChanged(change: RunsChange): void;
  /** New points of this kind: which cards refetch (and reload the index for unknown tags). */
  protected abstract pointsArrived(updates: readonly PointsUpdate[]): void;
  /** The push connection came back (messages may have been missed): refetch the cards. */
  protected abstract refreshCards(): void;

  /** A kept card's spec for this rebuild; default: nothing to do. */
  protected updateCard(_card: C, _spec: S): void {}

  /** The spec of the card `ref` names (made outside the grid); null: none (the default). */
  protected specOf(_ref: CardRef): S | null {
    return null;
  }

  /** The card's space changed; default: nothing to do. */
  protected resizeCard(_card: C): void {}

  /** The linked step changed (core/linked_step.ts); default: nothing to do. */
  protected linkedStepChanged(_step: number | null): void {}

  /** The linked step now, or null. */
  protected get linkedStep(): number | null {
    return linkedStep(this.context.state());
  }

  /** The grid's cards, by key. */
  protected get cards(): ReadonlyMap<string, C> {
    return this.grid.cards;
  }

  /** Every card this dashboard keeps up to date: the grid's, then those made for elsewhere. */
  protected get allCards(): C[] {
    return [...this.grid.cards.values(), ...this.outside.keys()];
  }

  /** The cards (grid and elsewhere) of spec key `key`. */
  protected cardsWithKey(key: string): C[] {
    const found: C[] = [];
    const own = this.grid.cards.get(key);
    if (own) found.push(own);
    for (const [card, k] of this.outside) if (k === key) found.push(card);
    return found;
  }

  renderCard(ref: CardRef): RenderedCard | null {
    if (ref.dashboard !== this.context.info.id) return null;
    const spec = this.specOf(ref);
    if (!spec) return null;
    const card = this.createCard(spec);
    this.outside.set(card, spec.key);
    return {
      element: card.element,
      resize: () => this.resizeCard(card),
      destroy: () => {
        this.outside.delete(card);
        card.destroy();
      },
    };
  }

  /** Loads the index; subclasses call it once their own fields are set. */
  protected start(): void {
    void this.index.load();
  }

  override get pending(): number {
    return this.index.pending;
  }

  override setRuns(_runs: RunsInfo): void {
    this.rebuild();
  }

  override stateChanged(next: AppState, previous: AppState): void {
    this.tagFilter.show(next.tagFilter);
    if (selectionChanged(next, previous)) this.rebuild();
    if (linkedStepChanged(next, previous)) this.linkedStepChanged(linkedStep(next));
  }

  override onLive(message: LiveMessage): void {
    if (message.type === "runs") {
      this.runsChanged(message);
      this.index.reloadSoon();
    } else if (message.type === "tags" && message.kind === this.kind) {
      this.index.reloadSoon();
    } else if (message.type === "points" && message.kind === this.kind) {
      this.pointsArrived(message.updates);
    }
  }

  override refreshAll(): void {
    this.refreshCards();
    this.index.reloadSoon();
  }

  override destroy(): void {
    this.grid.destroy();
    for (const card of this.outside.keys()) card.destroy();
    this.outside.clear();
  }

  private rebuild(): void {
    const index = this.index.value;
    if (index === null) {
      if (this.index.error !== null) this.grid.showEmpty(this.index.error);
      return;
    }
    const { groups, noData, selected } = this.layout(index);
    this.grid.show(groups);
    this.grid.showEmpty(emptyMessage({ error: this.index.error, noData, selected, shown: groups.length }));
  }
}
