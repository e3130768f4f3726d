// The "all" view (TensorBoard's Time Series): the scalar, image and histogram cards of each
// tag group together, under one tag filter. It loads the three tag indexes itself and lays
// out one slot per card; each card is made and kept up to date by its own dashboard
// (context.renderCard: Scalars, Images, Histograms, created by the shell if need be), so the
// cards are the very ones of the dedicated tabs, pin and export buttons included. Within a
// group, cards go by tag, then scalars before images before histograms, then by run.
//
// Hooks: all-dashboard, all-controls (tag-filter), all-empty, the tag-group hooks, all-slot
// (data-kind scalars | images | histograms, data-tag, data-run; holds the card).
// window.__trainboard.view("all") gives {slots: [{kind, tag, run, shown}]}.

import type { LiveMessage, PointsUpdate, TagsIndex } from "../../api/client";
import type { MediaTags } from "../../api/images";
import { fetchImageTags } from "../../api/images";
import type { GridSpec } from "../../components/card_grid";
import type { CardLayout } from "../../components/indexed_cards";
import { IndexedCardsDashboard } from "../../components/indexed_cards";
import { buildCardGroups } from "../../components/scalar_card_specs";
import { compareStrings, groupByPrefix } from "../../components/tag_groups";
import type { CardRef, DashboardContext, DashboardFactory, RenderedCard } from "../../core/dashboard";
import { runsWithKind } from "../../core/dashboard";
import type { DashboardId } from "../../core/dashboards";
import { h } from "../../core/dom";
import { drawnRuns } from "../../core/selection";

type SlotKind = Extract<DashboardId, "scalars" | "images" | "histograms">;
const KIND_ORDER: Readonly<Record<SlotKind, number>> = { scalars: 0, images: 1, histograms: 2 };

interface Indexes {
  readonly scalars: TagsIndex;
  readonly images: MediaTags;
  readonly histograms: TagsIndex;
}

interface SlotSpec extends GridSpec {
  readonly ref: CardRef & { readonly dashboard: SlotKind };
}

/** A place in the grid that a dashboard's card fills once that dashboard has made it. */
class Slot {
  readonly element: HTMLElement;
  readonly spec: SlotSpec;
  private card: RenderedCard | null = null;
  private destroyed = false;
  private making = true;

  constructor(spec: SlotSpec, render: (ref: CardRef) => Promise<RenderedCard | null>, done: () => void) {
    this.spec = spec;
    const { ref } = spec;
    this.element = h("div", { class: "tb-all-slot", "data-testid": "all-slot", "data-kind": ref.dashboard, "data-tag": ref.tag, "data-run": ref.run });
    render(ref)
      .then(
        (card) => {
          if (this.destroyed) card?.destroy();
          else if (card) {
            this.card = card;
            this.element.append(card.element);
          }
        },
        (err: unknown) => {
          if (!this.destroyed) this.element.append(h("div", { class: "tb-card-status" }, `Could not show this card: ${err instanceof Error ? err.message : String(err)}`));
        },
      )
      .finally(() => {
        this.making = false;
        done();
      });
  }

  get pending(): boolean {
    return this.making;
  }

  get shown(): boolean {
    return this.card !== null;
  }

  resize(): void {
    this.card?.resize();
  }

  destroy(): void {
    this.destroyed = true;
    this.card?.destroy();
    this.card = null;
    this.element.remove();
  }
}

function compareSlots(a: SlotSpec, b: SlotSpec): number {
  return (
    compareStrings(a.ref.tag, b.ref.tag) ||
    KIND_ORDER[a.ref.dashboard] - KIND_ORDER[b.ref.dashboard] ||
    compareStrings(a.ref.run ?? "", b.ref.run ?? "")
  );
}

export class AllDashboard extends IndexedCardsDashboard<Indexes, SlotSpec, Slot> {
  private making = 0;

  constructor(context: DashboardContext) {
    super(context, {
      id: "all",
      className: "tb-all",
      kind: "scalars",
      what: "the tags",
      fetch: async () => {
        const [scalars, images, histograms] = await Promise.all([
          context.client.tags("scalars"),
          fetchImageTags(context.client),
          context.client.tags("histograms"),
        ]);
        return { scalars, images, histograms };
      },
    });
    this.start();
  }

  override get pending(): number {
    return super.pending + this.making;
  }

  override show(): void {
    this.resize();
  }

  override resize(): void {
    for (const slot of this.allCards) slot.resize();
  }

  override onLive(message: LiveMessage): void {
    // The cards follow their own dashboards; here only which cards there are can change.
    if (message.type === "runs") this.index.reloadSoon();
    else if (message.type === "tags" && (message.kind === "scalars" || message.kind === "images" || message.kind === "histograms")) this.index.reloadSoon();
    else if (message.type === "points") this.pointsArrived(message.updates, message.kind);
  }

  debug(): { slots: { kind: string; tag: string; run: string | null; shown: boolean }[] } {
    return {
      slots: [...this.cards.values()].map((slot) => ({ kind: slot.spec.ref.dashboard, tag: slot.spec.ref.tag, run: slot.spec.ref.run, shown: slot.shown })),
    };
  }

  protected layout(index: Indexes): CardLayout<SlotSpec> {
    const state = this.context.state();
    const runs = this.context.runs().runs;
    const drawn = drawnRuns(runs, state.runFilter, state.hiddenRuns);
    const specs: SlotSpec[] = [];
    for (const group of buildCardGroups(runs, index.scalars, drawn, "")) {
      for (const s of group.items) specs.push(slot({ dashboard: "scalars", key: s.key, tag: s.tag, run: s.parent }));
    }
    for (const run of runsWithKind(this.context, "images")) {
      for (const [tag, info] of index.images.get(run.name) ?? []) {
        if (info.media !== "video") specs.push(slot({ dashboard: "images", key: `${run.name}\u0000${tag}`, tag, run: run.name }));
      }
    }
    for (const run of runsWithKind(this.context, "histograms")) {
      for (const tag of index.histograms.get(run.name)?.keys() ?? []) {
        specs.push(slot({ dashboard: "histograms", key: `${run.name}\u0000${tag}`, tag, run: run.name }));
      }
    }
    const groups = groupByPrefix(specs, (s) => s.ref.tag, state.tagFilter, compareSlots);
    const none = [index.scalars, index.images, index.histograms].every((kind) => [...kind.values()].every((tags) => tags.size === 0));
    return {
      groups,
      noData: none ? "No scalar, image or histogram data in this logdir yet." : null,
      selected: drawn.size,
    };
  }

  protected createCard(spec: SlotSpec): Slot {
    this.making++;
    return new Slot(spec, (ref) => this.context.renderCard(ref), () => this.making--);
  }

  protected runsChanged(): void {}

  protected pointsArrived(updates: readonly PointsUpdate[], kind?: string): void {
    // A point of a (run, tag) with no slot yet: a new tag; the index says where it goes.
    const known = new Set([...this.cards.values()].map((s) => `${s.spec.ref.dashboard}\u0000${s.spec.ref.run ?? ""}\u0000${s.spec.ref.tag}`));
    const dashboard = kind === "scalars" ? "scalars" : kind === "images" ? "images" : kind === "histograms" ? "histograms" : null;
    if (dashboard === null) return;
    for (const u of updates) {
      const key = dashboard === "scalars" ? [...this.cards.values()].some((s) => s.spec.ref.dashboard === "scalars" && s.spec.ref.tag === u.tag) : known.has(`${dashboard}\u0000${u.run}\u0000${u.tag}`);
      if (!key) {
        this.index.reloadSoon();
        return;
      }
    }
  }

  protected refreshCards(): void {}
}

function slot(ref: SlotSpec["ref"]): SlotSpec {
  return { key: `${ref.dashboard}:${ref.key}`, ref };
}

export const allDashboard: DashboardFactory = (context) => new AllDashboard(context);
