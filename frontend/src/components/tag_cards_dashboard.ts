// The frame of a dashboard made of one card per tag (or per tag and run), shared by Text and
// PR curves, on components/indexed_cards.ts: the cards come from the kind's tag index
// (GET /api/tags?kind=...), a kept card is handed its new spec (e.g. new runs) and keeps its
// step and data, and cards are told which (run, tag) got new points or restarted.
//
// Hooks: <kind>-dashboard, <kind>-controls (the settings bar with tag-filter), <kind>-empty,
// and the tag-group hooks of src/components/tag_groups.ts.

import type { Kind, PointsUpdate, Run, TagsIndex } from "../api/client";
import type { CardLayout, RunsChange } from "./indexed_cards";
import { IndexedCardsDashboard } from "./indexed_cards";
import { groupByPrefix } from "./tag_groups";
import type { DashboardContext } from "../core/dashboard";
import { runsWithKind } from "../core/dashboard";

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

export abstract class TagCardsDashboard<S extends TagCardSpec, C extends TagCard<S>> extends IndexedCardsDashboard<TagsIndex, S, C> {
  private readonly noun: string;

  /** `noun`: what the kind is called in messages ("text", "PR curve"). */
  constructor(context: DashboardContext, kind: Kind, noun: string, extraControls: readonly HTMLElement[] = []) {
    super(context, {
      id: kind,
      className: `tb-${kind}`,
      kind,
      controls: extraControls,
      what: `the ${noun} tags`,
      fetch: () => context.client.tags(kind),
    });
    this.noun = noun;
    this.start();
  }

  /** The cards for the selected runs having this kind and the tag index. */
  protected abstract specs(runs: readonly Run[], tags: TagsIndex): S[];
  /** Whether `card` draws (run, tag). */
  protected abstract cardShows(card: C, run: string, tag: string): boolean;

  override themeChanged(): void {
    for (const card of this.cards.values()) card.themeChanged();
  }

  override resize(): void {
    for (const card of this.cards.values()) card.resize();
  }

  override show(): void {
    this.resize();
  }

  protected override updateCard(card: C, spec: S): void {
    card.setSpec(spec);
  }

  protected layout(tags: TagsIndex): CardLayout<S> {
    const runs = runsWithKind(this.context, this.kind);
    const groups = groupByPrefix(this.specs(runs, tags), (s) => s.tag, this.context.state().tagFilter, compareKeys);
    const hasData = [...tags.values()].some((t) => t.size > 0);
    return { groups, noData: hasData ? null : `No ${this.noun} data in this logdir yet.`, selected: runs.length };
  }

  protected runsChanged(change: RunsChange): void {
    for (const card of this.cards.values()) {
      for (const run of change.reset) card.dataChanged(run, true);
    }
  }

  protected refreshCards(): void {
    for (const card of this.cards.values()) card.dataChanged(null, true);
  }

  protected pointsArrived(updates: readonly PointsUpdate[]): void {
    let unknown = false;
    for (const update of updates) {
      if (!this.index.value?.get(update.run)?.has(update.tag)) unknown = true;
      for (const card of this.cards.values()) {
        if (this.cardShows(card, update.run, update.tag)) card.dataChanged(update.run, false);
      }
    }
    if (unknown) this.index.reloadSoon();
  }
}

function compareKeys(a: TagCardSpec, b: TagCardSpec): number {
  if (a.tag !== b.tag) return a.tag < b.tag ? -1 : 1;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
