// One histogram card (a run and a tag): fetches every step while in view and draws them.
//
// Hooks: histogram-card (data-run, data-tag, data-state, data-slices: steps drawn, data-mode),
// plus the chart's (chart.ts) and the card shell's (components/card.ts).

import { Card } from "../../components/card";
import type { CardLoadResult } from "../../components/card";
import type { DashboardContext } from "../../core/dashboard";
import type { HistogramSeries } from "./api";
import { fetchHistograms } from "./api";
import type { CardSpec, GridCard } from "./card_grid";
import { HistogramChart } from "./chart";
import type { HistogramHover, HistogramMode } from "./geometry";

const DEFAULT_WIDTH = 400;

/** A card as window.__trainboard.view("histograms") reports it. */
export interface HistogramCardDebug {
  readonly key: string;
  readonly run: string;
  readonly tag: string;
  readonly state: string;
  readonly visible: boolean;
  /** Steps drawn (one slice each). */
  readonly slices: number;
  readonly steps: number[];
  readonly totalSteps: number;
  readonly bins: number;
  readonly xRange: [number, number] | null;
  readonly hover: HistogramHover | null;
}

export class HistogramCard implements GridCard {
  readonly spec: CardSpec;
  private readonly card: Card;
  private readonly context: DashboardContext;
  private readonly mode: () => HistogramMode;
  private chart: HistogramChart | null = null;
  private series: HistogramSeries | null = null;

  constructor(spec: CardSpec, context: DashboardContext, mode: () => HistogramMode) {
    this.spec = spec;
    this.context = context;
    this.mode = mode;
    this.card = new Card({
      testId: "histogram-card",
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
    const mode = this.mode();
    this.chart.setData(this.series, { mode, theme: this.context.theme(), color: this.context.color(this.spec.run) }, this.width());
    this.element.dataset.slices = String(this.chart.drawnSlices);
    this.element.dataset.mode = mode;
  }

  /** Hovers the chart at (x, y) in canvas CSS pixels; for tests without a pointer. */
  hoverAt(x: number | null, y: number | null): HistogramHover | null {
    return this.chart?.hoverAt(x, y) ?? null;
  }

  destroy(): void {
    this.card.destroy();
  }

  debug(): HistogramCardDebug {
    const s = this.series;
    return {
      key: this.spec.key,
      run: this.spec.run,
      tag: this.spec.tag,
      state: this.card.state,
      visible: this.card.visible,
      slices: this.chart?.drawnSlices ?? 0,
      steps: s ? Array.from(s.steps) : [],
      totalSteps: s?.totalSteps ?? 0,
      bins: s?.bins ?? 0,
      xRange: s && s.xMin !== null && s.xMax !== null ? [s.xMin, s.xMax] : null,
      hover: this.chart?.hover ?? null,
    };
  }

  private width(): number {
    return this.card.body.clientWidth || DEFAULT_WIDTH;
  }

  private newChart(): HistogramChart {
    const chart = new HistogramChart(this.width());
    this.card.body.replaceChildren(chart.element);
    return chart;
  }

  private async load(signal: AbortSignal): Promise<CardLoadResult> {
    const series = await fetchHistograms(this.context.client, this.spec.run, this.spec.tag, signal);
    this.series = series;
    this.redraw();
    const n = series.steps.length;
    if (n === 0) return { state: "empty", status: "No steps logged yet." };
    const status = n < series.totalSteps ? `Showing ${n} of ${series.totalSteps} steps, evenly spread.` : "";
    return { state: "ready", status };
  }
}
