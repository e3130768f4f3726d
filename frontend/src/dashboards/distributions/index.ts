// The Distributions dashboard: a card per (run, tag) of the histograms kind, each step drawn as
// TensorBoard's nested percentile bands over steps (or relative / wall time).
//
// Hooks: distributions-controls, distribution-xaxis (a <select>: step | relative | wall; URL
// parameter dist_xaxis), tag-filter, distributions-empty; the cards' (card.ts).
// window.__trainboard.view("distributions") gives {xaxis, cards: DistributionCardDebug[]}.

import "../histograms/histograms.css";
import type { LiveMessage, RunsInfo } from "../../api/client";
import { TagFilterInput } from "../../components/tag_groups";
import type { DashboardContext, DashboardFactory } from "../../core/dashboard";
import { DashboardBase } from "../../core/dashboard";
import { h } from "../../core/dom";
import type { AppState } from "../../core/url_state";
import { CardGrid, cardKey } from "../histograms/card_grid";
import type { DistributionXAxis } from "./bands";
import type { DistributionCardDebug } from "./card";
import { DistributionCard } from "./card";
import type { DistributionHover } from "./chart";

export const XAXIS_PARAM = "dist_xaxis";

export function parseXAxis(value: string | null | undefined): DistributionXAxis {
  return value === "relative" || value === "wall" ? value : "step";
}

export interface DistributionsDebug {
  readonly xaxis: DistributionXAxis;
  readonly cards: DistributionCardDebug[];
}

export class DistributionsDashboard extends DashboardBase {
  readonly element: HTMLElement;
  private readonly grid: CardGrid<DistributionCard>;
  private readonly axisSelect: HTMLSelectElement;
  private readonly tagFilter: TagFilterInput;

  constructor(context: DashboardContext) {
    super(context);
    this.axisSelect = h(
      "select",
      { "data-testid": "distribution-xaxis", "aria-label": "Horizontal axis" },
      h("option", { value: "step" }, "Step"),
      h("option", { value: "relative" }, "Relative time"),
      h("option", { value: "wall" }, "Wall time"),
    );
    this.axisSelect.addEventListener("change", () => {
      const axis = parseXAxis(this.axisSelect.value);
      context.setParams({ [XAXIS_PARAM]: axis === "step" ? null : axis });
    });
    this.tagFilter = new TagFilterInput((tagFilter) => context.update({ tagFilter }));
    const controls = h(
      "div",
      { class: "tb-controls", "data-testid": "distributions-controls" },
      h("label", { class: "tb-control" }, h("span", { class: "tb-control-label" }, "X axis"), this.axisSelect),
      this.tagFilter.element,
    );
    this.grid = new CardGrid(context, "distributions", (spec) => new DistributionCard(spec, context, () => this.xaxis));
    this.element = h("div", { class: "tb-distributions", "data-testid": "distributions-dashboard" }, controls, this.grid.element);
    this.showControls(context.state());
  }

  get xaxis(): DistributionXAxis {
    return parseXAxis(this.context.param(XAXIS_PARAM));
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
    if (parseXAxis(next.params[XAXIS_PARAM]) !== parseXAxis(previous.params[XAXIS_PARAM])) this.grid.redrawAll();
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
  hoverCard(run: string, tag: string, x: number | null, y: number | null): DistributionHover | null {
    return this.grid.cards.get(cardKey(run, tag))?.hoverAt(x, y) ?? null;
  }

  debug(): DistributionsDebug {
    return { xaxis: this.xaxis, cards: [...this.grid.cards.values()].map((card) => card.debug()) };
  }

  private showControls(state: AppState): void {
    this.axisSelect.value = parseXAxis(state.params[XAXIS_PARAM]);
    this.tagFilter.show(state.tagFilter);
  }
}

export const distributionsDashboard: DashboardFactory = (context) => new DistributionsDashboard(context);
