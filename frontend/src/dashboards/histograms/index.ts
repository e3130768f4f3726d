// The Histograms dashboard: a card per (run, tag), each drawing every step of the tag either
// as a ridgeline (offset mode, TensorBoard's default: newest in front) or overlaid.
//
// Hooks: histograms-controls, histogram-mode (a <select>: offset | overlay; URL parameter
// hist_mode), tag-filter, histograms-empty; the cards' (card.ts). window.__trainboard
// .view("histograms") gives {mode, cards: HistogramCardDebug[]}.

import "../../components/histogram_charts.css";
import type { DashboardContext, DashboardFactory } from "../../core/dashboard";
import type { HistogramCardDebug } from "./card";
import { HistogramCard } from "./card";
import type { HistogramHover, HistogramMode } from "./geometry";
import type { CardSpec, ViewSelect } from "../../components/histogram_kind_dashboard";
import { HistogramKindDashboard } from "../../components/histogram_kind_dashboard";

export const MODE_PARAM = "hist_mode";

export function parseMode(value: string | null | undefined): HistogramMode {
  return value === "overlay" ? "overlay" : "offset";
}

const MODE_SELECT: ViewSelect<HistogramMode> = {
  param: MODE_PARAM,
  label: "Mode",
  testId: "histogram-mode",
  ariaLabel: "Histogram mode",
  options: [
    ["offset", "Offset"],
    ["overlay", "Overlay"],
  ],
  parse: parseMode,
};

export interface HistogramsDebug {
  readonly mode: HistogramMode;
  readonly cards: HistogramCardDebug[];
}

export class HistogramsDashboard extends HistogramKindDashboard<HistogramCard, HistogramMode> {
  constructor(context: DashboardContext) {
    super(context, "histograms", MODE_SELECT);
  }

  get mode(): HistogramMode {
    return this.selected;
  }

  /** Hovers card (run, tag) at canvas point (x, y); null x clears. For tests. */
  hoverCard(run: string, tag: string, x: number | null, y: number | null): HistogramHover | null {
    return this.card(run, tag)?.hoverAt(x, y) ?? null;
  }

  debug(): HistogramsDebug {
    return { mode: this.mode, cards: [...this.cards.values()].map((card) => card.debug()) };
  }

  protected createCard(spec: CardSpec): HistogramCard {
    return new HistogramCard(spec, this.context, () => this.mode);
  }
}

export const histogramsDashboard: DashboardFactory = (context) => new HistogramsDashboard(context);
