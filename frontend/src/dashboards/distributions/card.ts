// One distribution card (a run and a tag): fetches every step's nine basis-point values while
// in view and draws the bands.
//
// Hooks: distribution-card (data-run, data-tag, data-state, data-steps: steps drawn), plus the
// chart's (chart.ts) and the card shell's (components/card.ts).

import { Card } from "../../components/card";
import type { CardLoadResult } from "../../components/card";
import type { DashboardContext } from "../../core/dashboard";
import type { CardSpec, GridCard } from "../histograms/card_grid";
import type { DistributionSeries } from "./api";
import { fetchDistributions } from "./api";
import type { DistributionXAxis } from "./bands";
import type { DistributionHover } from "./chart";
import { DistributionChart } from "./chart";

const DEFAULT_WIDTH = 400;

/** A card as window.__trainboard.view("distributions") reports it. */
export interface DistributionCardDebug {
  readonly key: string;
  readonly run: string;
  readonly tag: string;
  readonly state: string;
  readonly visible: boolean;
  readonly steps: number[];
  readonly totalSteps: number;
  readonly basisPoints: number[];
  /** Per step drawn, the nine values (null: not finite). */
  readonly values: (number | null)[][];
  /** Pixel x of each step on the canvas (what a pointer must hover to reach it). */
  readonly pixels: number[];
  readonly hover: DistributionHover | null;
}

export class DistributionCard implements GridCard {
  readonly spec: CardSpec;
  private readonly card: Card;
  private readonly context: DashboardContext;
  private readonly axis: () => DistributionXAxis;
  private chart: DistributionChart | null = null;
  private series: DistributionSeries | null = null;

  constructor(spec: CardSpec, context: DashboardContext, axis: () => DistributionXAxis) {
    this.spec = spec;
    this.context = context;
    this.axis = axis;
    this.card = new Card({
      testId: "distribution-card",
      title: spec.tag,
      subtitle: spec.run,
      attrs: { "data-run": spec.run, "data-tag": spec.tag },
      visibility: context.visibility,
      queue: context.queue,
      load: (signal) => this.load(signal),
    });
  }

  get element(): HTMLElement {
    return this.card.element;
  }

  invalidate(): void {
    this.card.invalidate();
  }

  redraw(): void {
    if (!this.series) return;
    this.chart ??= this.newChart();
    this.chart.setData(this.series, { axis: this.axis(), theme: this.context.theme(), color: this.context.color(this.spec.run) }, this.width());
    this.element.dataset.steps = String(this.series.steps.length);
  }

  hoverAt(x: number | null, y: number | null): DistributionHover | null {
    return this.chart?.hoverAt(x, y) ?? null;
  }

  destroy(): void {
    this.card.destroy();
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
      key: this.spec.key,
      run: this.spec.run,
      tag: this.spec.tag,
      state: this.card.state,
      visible: this.card.visible,
      steps: s ? Array.from(s.steps) : [],
      totalSteps: s?.totalSteps ?? 0,
      basisPoints: s ? [...s.basisPoints] : [],
      values,
      pixels,
      hover: this.chart?.hover ?? null,
    };
  }

  private width(): number {
    return this.card.body.clientWidth || DEFAULT_WIDTH;
  }

  private newChart(): DistributionChart {
    const chart = new DistributionChart(this.width());
    this.card.body.replaceChildren(chart.element);
    return chart;
  }

  private async load(signal: AbortSignal): Promise<CardLoadResult> {
    const series = await fetchDistributions(this.context.client, this.spec.run, this.spec.tag, signal);
    this.series = series;
    this.redraw();
    const n = series.steps.length;
    if (n === 0) return { state: "empty", status: "No steps logged yet." };
    const status = n < series.totalSteps ? `Showing ${n} of ${series.totalSteps} steps, evenly spread.` : "";
    return { state: "ready", status };
  }
}
