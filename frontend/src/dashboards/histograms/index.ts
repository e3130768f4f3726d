// The Histograms dashboard: a card per (run, tag), each drawing every step of the tag either
// as a ridgeline (offset mode, TensorBoard's default: newest in front) or overlaid.
//
// Hooks: histograms-controls, histogram-mode (a <select>: offset | overlay; URL parameter
// hist_mode), tag-filter, histograms-empty; the cards' (card.ts). window.__trainboard
// .view("histograms") gives {mode, cards: HistogramCardDebug[]}.

import "./histograms.css";
import type { LiveMessage, RunsInfo } from "../../api/client";
import { TagFilterInput } from "../../components/tag_groups";
import type { DashboardContext, DashboardFactory } from "../../core/dashboard";
import { DashboardBase } from "../../core/dashboard";
import { h } from "../../core/dom";
import type { AppState } from "../../core/url_state";
import type { HistogramCardDebug } from "./card";
import { HistogramCard } from "./card";
import { CardGrid, cardKey } from "./card_grid";
import type { HistogramHover, HistogramMode } from "./geometry";

export const MODE_PARAM = "hist_mode";

export function parseMode(value: string | null): HistogramMode {
  return value === "overlay" ? "overlay" : "offset";
}

export interface HistogramsDebug {
  readonly mode: HistogramMode;
  readonly cards: HistogramCardDebug[];
}

export class HistogramsDashboard extends DashboardBase {
  readonly element: HTMLElement;
  private readonly grid: CardGrid<HistogramCard>;
  private readonly modeSelect: HTMLSelectElement;
  private readonly tagFilter: TagFilterInput;

  constructor(context: DashboardContext) {
    super(context);
    this.modeSelect = h(
      "select",
      { "data-testid": "histogram-mode", "aria-label": "Histogram mode" },
      h("option", { value: "offset" }, "Offset"),
      h("option", { value: "overlay" }, "Overlay"),
    );
    this.modeSelect.addEventListener("change", () => {
      const mode = parseMode(this.modeSelect.value);
      context.setParams({ [MODE_PARAM]: mode === "offset" ? null : mode });
    });
    this.tagFilter = new TagFilterInput((tagFilter) => context.update({ tagFilter }));
    const controls = h(
      "div",
      { class: "tb-controls", "data-testid": "histograms-controls" },
      h("label", { class: "tb-control" }, h("span", { class: "tb-control-label" }, "Mode"), this.modeSelect),
      this.tagFilter.element,
    );
    this.grid = new CardGrid(context, "histograms", (spec) => new HistogramCard(spec, context, () => this.mode));
    this.element = h("div", { class: "tb-histograms", "data-testid": "histograms-dashboard" }, controls, this.grid.element);
    this.showControls(context.state());
  }

  get mode(): HistogramMode {
    return parseMode(this.context.param(MODE_PARAM));
  }

  override get pending(): number {
    return this.grid.pending;
  }

  override setRuns(_runs: RunsInfo): void {
    this.grid.rebuild();
  }

  override show(): void {
    this.grid.redrawAll();
  }

  override stateChanged(next: AppState, previous: AppState): void {
    this.showControls(next);
    if (next.runFilter !== previous.runFilter || next.tagFilter !== previous.tagFilter || next.hiddenRuns !== previous.hiddenRuns) {
      this.grid.rebuild();
    }
    if (parseMode(next.params[MODE_PARAM] ?? null) !== parseMode(previous.params[MODE_PARAM] ?? null)) this.grid.redrawAll();
  }

  override onLive(message: LiveMessage): void {
    this.grid.onLive(message);
  }

  override refreshAll(): void {
    this.grid.refreshAll();
  }

  override themeChanged(): void {
    this.grid.redrawAll();
  }

  override resize(): void {
    this.grid.redrawAll();
  }

  override destroy(): void {
    this.grid.destroy();
  }

  /** Hovers card (run, tag) at canvas point (x, y); null x clears. For tests. */
  hoverCard(run: string, tag: string, x: number | null, y: number | null): HistogramHover | null {
    return this.grid.cards.get(cardKey(run, tag))?.hoverAt(x, y) ?? null;
  }

  debug(): HistogramsDebug {
    return { mode: this.mode, cards: [...this.grid.cards.values()].map((card) => card.debug()) };
  }

  private showControls(state: AppState): void {
    this.modeSelect.value = parseMode(state.params[MODE_PARAM] ?? null);
    this.tagFilter.show(state.tagFilter);
  }
}

export const histogramsDashboard: DashboardFactory = (context) => new HistogramsDashboard(context);
