// What the Histograms and Distributions dashboards share: a card per (run, tag) of the
// histograms kind, in collapsible groups by tag prefix, under a settings bar with one
// <select> kept in a URL parameter (changing it redraws every card) and the tag filter. It
// loads the tag index (GET /api/tags?kind=histograms) when created, when push messages
// announce new runs or tags, and after a reconnect; "points" messages invalidate the cards of
// the (run, tag) they name (a card refetches only while in view).
//
// Hooks: <id>-dashboard, <id>-controls, the select's data-testid (given), tag-filter,
// <id>-empty, and the tag-group hooks of components/tag_groups.ts.

import type { PointsUpdate, TagsIndex } from "../api/client";
import type { GridCard, RunTagSpec } from "./card_grid";
import { compareRunTags, runTagKey, runTagSpecs } from "./card_grid";
import type { CardLayout, RunsChange } from "./indexed_cards";
import { IndexedCardsDashboard } from "./indexed_cards";
import { groupByPrefix } from "./tag_groups";
import type { CardRef, DashboardContext } from "../core/dashboard";
import { runsWithKind } from "../core/dashboard";
import { DebouncedCalls, h } from "../core/dom";
import type { AppState } from "../core/url_state";

export const KIND = "histograms";
const LIVE_REFETCH_MS = 250;

/** A card's (run, tag); `key` is `run \0 tag`. */
export type CardSpec = RunTagSpec;

/** What the dashboard needs of a card. */
export interface KindCard extends GridCard {
  readonly spec: CardSpec;
  /** The data changed on the server: refetch (now if in view, else when it comes into view). */
  invalidate(): void;
  /** Draw again from the data held (the select, theme or width changed). */
  redraw(): void;
}

/** The settings bar's <select>: a choice kept in a dashboard URL parameter. */
export interface ViewSelect<V extends string> {
  readonly param: string;
  /** The label before the select. */
  readonly label: string;
  readonly testId: string;
  readonly ariaLabel: string;
  /** [value, text] per option; the first is the default (left out of the URL). */
  readonly options: readonly (readonly [V, string])[];
  parse(value: string | null | undefined): V;
}

export abstract class HistogramKindDashboard<C extends KindCard, V extends string> extends IndexedCardsDashboard<TagsIndex, CardSpec, C> {
  private readonly choice: ViewSelect<V>;
  private readonly select: HTMLSelectElement;
  private readonly calls = new DebouncedCalls();
  private readonly touched = new Set<string>();
  private readonly refetchTouched: () => void;

  /** `id`: the dashboard (hook prefix and CSS class). */
  constructor(context: DashboardContext, id: string, choice: ViewSelect<V>) {
    const select = h(
      "select",
      { "data-testid": choice.testId, "aria-label": choice.ariaLabel },
      ...choice.options.map(([value, text]) => h("option", { value }, text)),
    );
    const label = h("label", { class: "tb-control" }, h("span", { class: "tb-control-label" }, choice.label), select);
    super(context, { id, className: `tb-${id}`, kind: KIND, controls: [label], what: "the histogram tags", fetch: () => context.client.tags(KIND) });
    this.choice = choice;
    this.select = select;
    select.addEventListener("change", () => {
      const value = choice.parse(select.value);
      context.setParams({ [choice.param]: value === choice.options[0]?.[0] ? null : value });
    });
    this.grid.showEmpty("");
    this.refetchTouched = this.calls.add(LIVE_REFETCH_MS, () => this.flushTouched());
    this.start();
    this.select.value = choice.parse(context.state().params[choice.param]);
  }

  /** The select's value (from the URL). */
  protected get selected(): V {
    return this.choice.parse(this.context.param(this.choice.param));
  }

  /** The card of (run, tag), if shown. */
  protected card(run: string, tag: string): C | undefined {
    return this.cards.get(runTagKey(run, tag));
  }

  protected override specOf(ref: CardRef): CardSpec | null {
    return ref.run === null ? null : { key: runTagKey(ref.run, ref.tag), run: ref.run, tag: ref.tag };
  }

  protected override resizeCard(card: C): void {
    card.redraw();
  }

  protected override linkedStepChanged(): void {
    this.redrawAll();
  }

  /** Tag loads and debounced refetches not started yet (card fetches count in the queue). */
  override get pending(): number {
    return this.calls.pending + super.pending;
  }

  override show(): void {
    this.redrawAll();
  }

  override stateChanged(next: AppState, previous: AppState): void {
    this.select.value = this.choice.parse(next.params[this.choice.param]);
    super.stateChanged(next, previous);
    const param = this.choice.param;
    if (this.choice.parse(next.params[param]) !== this.choice.parse(previous.params[param])) this.redrawAll();
  }

  override themeChanged(): void {
    this.redrawAll();
  }

  override resize(): void {
    this.redrawAll();
  }

  protected layout(tags: TagsIndex): CardLayout<CardSpec> {
    const runs = runsWithKind(this.context, KIND).map((r) => r.name);
    const groups = groupByPrefix(runTagSpecs(runs, tags), (s) => s.tag, this.context.state().tagFilter, compareRunTags);
    const any = [...tags.values()].some((t) => t.size > 0);
    const noData = any ? null : "No histogram data in this logdir yet. Log some with SummaryWriter.add_histogram().";
    return { groups, noData, selected: runs.length };
  }

  protected runsChanged(change: RunsChange): void {
    const names = new Set([...change.reset, ...change.removed]);
    for (const card of this.allCards) if (names.has(card.spec.run)) card.invalidate();
  }

  protected refreshCards(): void {
    for (const card of this.allCards) card.invalidate();
  }

  protected pointsArrived(updates: readonly PointsUpdate[]): void {
    let unknown = false;
    for (const u of updates) {
      this.touched.add(runTagKey(u.run, u.tag));
      if (!this.index.value?.get(u.run)?.has(u.tag)) unknown = true;
    }
    if (unknown) this.index.reloadSoon();
    this.refetchTouched();
  }

  private redrawAll(): void {
    for (const card of this.allCards) card.redraw();
  }

  private flushTouched(): void {
    for (const key of this.touched) for (const card of this.cardsWithKey(key)) card.invalidate();
    this.touched.clear();
  }
}
