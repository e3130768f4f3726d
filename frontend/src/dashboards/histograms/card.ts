// One histogram card (a run and a tag): fetches every step while in view and draws them.
//
// Hooks: histogram-card (data-run, data-tag, data-state, data-slices: steps drawn, data-mode),
// plus the chart's (chart.ts) and the card shell's (components/card.ts).

import type { DashboardContext } from "../../core/dashboard";
import { linkedStep } from "../../core/linked_step";
import type { HistogramSeries } from "../../api/histograms";
import { fetchHistograms } from "../../api/histograms";
import { HistogramChart } from "./chart";
import type { HistogramHover, HistogramMode } from "./geometry";
import type { KindCardDebug } from "../../components/histogram_kind_card";
import { HistogramKindCard } from "../../components/histogram_kind_card";
import type { CardSpec } from "../../components/histogram_kind_dashboard";

/** A card as window.__trainboard.view("histograms") reports it. */
export interface HistogramCardDebug extends KindCardDebug {
  /** Steps drawn (one slice each). */
  readonly slices: number;
  readonly steps: number[];
  readonly totalSteps: number;
  readonly bins: number;
  readonly xRange: [number, number] | null;
  readonly hover: HistogramHover | null;
  /** The step of the slice outlined for the linked step, or null. */
  readonly linkedStep: number | null;
}

export class HistogramCard extends HistogramKindCard<HistogramSeries, HistogramChart> {
  private readonly mode: () => HistogramMode;

  constructor(spec: CardSpec, context: DashboardContext, mode: () => HistogramMode) {
    super(spec, context, "histogram-card");
    this.mode = mode;
  }

  redraw(): void {
    if (!this.series) return;
    const chart = this.drawingChart();
    const mode = this.mode();
    const linked = linkedStep(this.context.state());
    chart.setData(this.series, { mode, theme: this.context.theme(), color: this.context.color(this.spec.run), linkedStep: linked }, this.width());
    this.element.dataset.slices = String(chart.drawnSlices);
    if (chart.linkedSlice === null) delete this.element.dataset.linkedStep;
    else this.element.dataset.linkedStep = String(chart.linkedSlice);
    this.element.dataset.mode = mode;
  }

  /** Hovers the chart at (x, y) in canvas CSS pixels; for tests without a pointer. */
  hoverAt(x: number | null, y: number | null): HistogramHover | null {
    return this.chart?.hoverAt(x, y) ?? null;
  }

  debug(): HistogramCardDebug {
    const s = this.series;
    return {
      ...this.debugCard(),
      slices: this.chart?.drawnSlices ?? 0,
      steps: s ? Array.from(s.steps) : [],
      totalSteps: s?.totalSteps ?? 0,
      bins: s?.bins ?? 0,
      xRange: s && s.xMin !== null && s.xMax !== null ? [s.xMin, s.xMax] : null,
      hover: this.chart?.hover ?? null,
      linkedStep: this.chart?.linkedSlice ?? null,
    };
  }

  protected fetch(signal: AbortSignal): Promise<HistogramSeries> {
    return fetchHistograms(this.context.client, this.spec.run, this.spec.tag, signal);
  }

  protected newChart(width: number): HistogramChart {
    return new HistogramChart(width);
  }
}
