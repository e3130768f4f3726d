// The frame shared by the Images, Video and Audio dashboards, on components/indexed_cards.ts:
// one card per (run, tag) of the tags the dashboard shows, grouped by tag prefix into
// collapsible groups and filtered by the tag filter. It loads the tag index when created, when
// push messages say runs or tags changed, or a point arrived for a (run, tag) it does not
// know, and after a reconnect; cards are kept across rebuilds (so each keeps its step) and
// told when their (run, tag) got new points.
//
// Hooks: <id>-dashboard (the root, with data-dashboard-view set by the shell), <id>-controls,
// <id>-empty, and the tag-group hooks of src/components/tag_groups.ts.

import type { Kind, PointsUpdate } from "../api/client";
import type { RunTagSpec } from "./card_grid";
import { compareRunTags, runTagKey, runTagSpecs } from "./card_grid";
import type { CardLayout, RunsChange } from "./indexed_cards";
import { IndexedCardsDashboard } from "./indexed_cards";
import { groupByPrefix } from "./tag_groups";
import type { CardRef, DashboardContext } from "../core/dashboard";
import { runsWithKind } from "../core/dashboard";
import type { MediaTagInfo, MediaTags } from "../api/images";
import type { CardActionOptions } from "./card";

/** `key` (`run \0 tag`) identifies the card across rebuilds. */
export type MediaCardSpec = RunTagSpec;

export interface MediaCard {
  readonly spec: MediaCardSpec;
  readonly element: HTMLElement;
  /** New points (reset: the run restarted, so what is shown may be gone). */
  dataChanged(reset: boolean): void;
  themeChanged(): void;
  destroy(): void;
  /** What tests see of the card (plain JSON data). */
  debug(): Record<string, unknown>;
  /** Shows the linked step (or the last one before it); null: stays where it is. */
  followStep(step: number | null): void;
}

export abstract class MediaDashboard<C extends MediaCard> extends IndexedCardsDashboard<MediaTags, MediaCardSpec, C> {
  /** `id`: the dashboard (hook prefix); `kind`: the runs' kind and push messages' kind. */
  constructor(context: DashboardContext, id: string, kind: Kind, controls: readonly HTMLElement[]) {
    super(context, { id, className: `tb-media tb-${id}`, kind, controls, what: "the tags", fetch: () => this.fetchTags() });
  }

  /** The tag index of this dashboard's kind (every media, see `shows`). */
  protected abstract fetchTags(): Promise<MediaTags>;
  /** Whether a tag of the index gets a card here. */
  protected abstract shows(info: MediaTagInfo): boolean;
  /** The message when no tag of the index is shown here (e.g. none logged yet). */
  protected abstract noDataMessage(tags: MediaTags): string;

  override themeChanged(): void {
    for (const card of this.allCards) card.themeChanged();
  }

  /** The header buttons of a card of `spec` (pin). */
  protected cardActions(spec: MediaCardSpec): CardActionOptions {
    const ref: CardRef = { dashboard: this.context.info.id, key: spec.key, tag: spec.tag, run: spec.run };
    return { pin: { ref, pins: this.context.pins } };
  }

  protected override specOf(ref: CardRef): MediaCardSpec | null {
    return ref.run === null ? null : { key: runTagKey(ref.run, ref.tag), run: ref.run, tag: ref.tag };
  }

  protected override linkedStepChanged(step: number | null): void {
    for (const card of this.allCards) card.followStep(step);
  }

  debug(): { cards: Record<string, unknown>[] } {
    return { cards: [...this.cards.values()].map((card) => card.debug()) };
  }

  protected layout(tags: MediaTags): CardLayout<MediaCardSpec> {
    const runs = runsWithKind(this.context, this.kind).map((run) => run.name);
    const specs = runTagSpecs(runs, tags, (info) => this.shows(info));
    const groups = groupByPrefix(specs, (s) => s.tag, this.context.state().tagFilter, compareRunTags);
    const shown = [...tags.values()].some((t) => [...t.values()].some((info) => this.shows(info)));
    return { groups, noData: shown ? null : this.noDataMessage(tags), selected: specs.length };
  }

  protected runsChanged(change: RunsChange): void {
    const reset = new Set(change.reset);
    for (const card of this.allCards) if (reset.has(card.spec.run)) card.dataChanged(true);
  }

  protected refreshCards(): void {
    for (const card of this.allCards) card.dataChanged(true);
  }

  protected pointsArrived(updates: readonly PointsUpdate[]): void {
    let unknown = false;
    for (const update of updates) {
      if (!this.index.value?.get(update.run)?.get(update.tag)) unknown = true;
      for (const card of this.cardsWithKey(runTagKey(update.run, update.tag))) card.dataChanged(false);
    }
    if (unknown) this.index.reloadSoon();
  }
}
