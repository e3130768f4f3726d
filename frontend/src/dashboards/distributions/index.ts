// The Distributions dashboard: a card per (run, tag) of the histograms kind, each step drawn as
// TensorBoard's nested percentile bands over steps (or relative / wall time).
//
// Hooks: distributions-controls, distribution-xaxis (a <select>: step | relative | wall; URL
// parameter dist_xaxis), tag-filter, distributions-empty; the cards' (card.ts).
// window.__trainboard.view("distributions") gives {xaxis, cards: DistributionCardDebug[]}.

import "../../components/histogram_charts.css";
import type { DashboardContext, DashboardFactory } from "../../core/dashboard";
import type { CardSpec, ViewSelect } from "../../components/histogram_kind_dashboard";
import { HistogramKindDashboard } from "../../components/histogram_kind_dashboard";
import type { DistributionXAxis } from "./bands";
import type { DistributionCardDebug } from "./card";
import { DistributionCard } from "./card";
import type { DistributionHover } from "./chart";

export const XAXIS_PARAM = "dist_xaxis";

export function parseXAxis(value: string | null | undefined): DistributionXAxis {
  return value === "relative" || value === "wall" ? value : "step";
}

const XAXIS_SELECT: ViewSelect<DistributionXAxis> = {
  param: XAXIS_PARAM,
  label: "X axis",
  testId: "distribution-xaxis",
  ariaLabel: "Horizontal axis",
  options: [
    ["step", "Step"],
    ["relative", "Relative time"],
    ["wall", "Wall time"],
  ],
  parse: parseXAxis,
};

export interface DistributionsDebug {
  readonly xaxis: DistributionXAxis;
  readonly cards: DistributionCardDebug[];
}

export class DistributionsDashboard extends HistogramKindDashboard<DistributionCard, DistributionXAxis> {
  constructor(context: DashboardContext) {
    super(context, "distributions", XAXIS_SELECT);
  }

  get xaxis(): DistributionXAxis {
    return this.selected;
  }

  /** Hovers card (run, tag) at canvas point (x, y); null x clears. For tests. */
  hoverCard(run: string, tag: string, x: number | null, y: number | null): DistributionHover | null {
    return this.card(run, tag)?.hoverAt(x, y) ?? null;
  }

  debug(): DistributionsDebug {
    return { xaxis: this.xaxis, cards: [...this.cards.values()].map((card) => card.debug()) };
  }

  protected createCard(spec: CardSpec): DistributionCard {
    return new DistributionCard(spec, this.context, () => this.xaxis);
  }
}

export const distributionsDashboard: DashboardFactory = (context) => new DistributionsDashboard(context);
