// One distribution card (a run and a tag): fetches every step's nine basis-point values while
// in view and draws the bands.
//
// Hooks: distribution-card (data-run, data-tag, data-state, data-steps: steps drawn), plus the
// chart's (chart.ts) and the card shell's (components/card.ts).

import type { DashboardContext } from "../../core/dashboard";
import type { KindCardDebug } from "../../components/histogram_kind_card";
import { HistogramKindCard } from "../../components/histogram_kind_card";
import type { CardSpec } from "../../components/histogram_kind_dashboard";
import type { DistributionSeries } from "../../api/distributions";
import { fetchDistributions } from "../../api/distributions";
import type { DistributionXAxis } from "./bands";
import type { DistributionHover } from "./chart";
import { DistributionChart } from "./chart";

/** A card as window.__trainboard.view("distributions") reports it. */
export interface DistributionCardDebug extends KindCardDebug {
  readonly steps: number[];
  readonly totalSteps: number;
  readonly basisPoints: number[];
  /** Per step drawn, the nine values (null: not finite). */
  readonly values: (number | null)[][];
  /** Pixel x of each step on the canvas (what a pointer must hover to reach it). */
  readonly pixels: number[];
  readonly hover: DistributionHover | null;
}

export class DistributionCard extends HistogramKindCard<DistributionSeries, DistributionChart> {
  private readonly axis: () => DistributionXAxis;

  constructor(spec: CardSpec, context: DashboardContext, axis: () => DistributionXAxis) {
    super(spec, context, "distribution-card");
    this.axis = axis;
  }

  redraw(): void {
    if (!this.series) return;
    const chart = this.drawingChart();
    chart.setData(this.series, { axis: this.axis(), theme: this.context.theme(), color: this.context.color(this.spec.run) }, this.width());
    this.element.dataset.steps = String(this.series.steps.length);
  }

  hoverAt(x: number | null, y: number | null): DistributionHover | null {
    return this.chart?.hoverAt(x, y) ?? null;
  }

  debug(): DistributionCardDebug {
    const s = this.series;
    const width = s?.basisPoints.length ?? 0;
    const values: (number | null)[][] = [];
    const pixels: number[] = [];
    for (let i = 0; i < (s?.steps.length ?? 0); i++) {
      values.push(Array.from(s?.values.subarray(i * width, (i + 1) * width) ?? [], (v) => (Number.isFinite(v) ? v : null)));
      pixels.push(this.chart?.pixelOf(i) ?? NaN);
    }
    return {
      ...this.debugCard(),
      steps: s ? Array.from(s.steps) : [],
      totalSteps: s?.totalSteps ?? 0,
      basisPoints: s ? [...s.basisPoints] : [],
      values,
      pixels,
      hover: this.chart?.hover ?? null,
    };
  }

  protected fetch(signal: AbortSignal): Promise<DistributionSeries> {
    return fetchDistributions(this.context.client, this.spec.run, this.spec.tag, signal);
  }

  protected newChart(width: number): DistributionChart {
    return new DistributionChart(width);
  }
}
