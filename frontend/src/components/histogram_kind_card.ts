// What a Histograms card and a Distributions card share: the card shell (titled by the tag,
// subtitled by the run) that fetches the (run, tag)'s steps while in view, a chart made in
// the card's body on the first draw, and the status line saying how many steps are shown.
//
// Hooks: the card's data-testid (given) with data-run and data-tag, and the card shell's
// (components/card.ts).

import { Card } from "./card";
import type { CardLoadResult } from "./card";
import type { ChartPicture } from "../charts/export";
import type { DashboardContext } from "../core/dashboard";
import type { CardSpec, KindCard } from "./histogram_kind_dashboard";
import { runLabel } from "../core/run_labels";

const DEFAULT_WIDTH = 400;

/** The steps a card fetched (at most the server's max_steps of the tag's `totalSteps`). */
export interface StepSeries {
  readonly steps: Float64Array;
  readonly totalSteps: number;
}

/** What a card needs of its chart. */
export interface KindChart {
  readonly element: HTMLElement;
  /** The canvas drawn on (export), if any. */
  readonly canvas?: HTMLCanvasElement;
}

/** The fields every card's debug() starts with. */
export interface KindCardDebug {
  readonly key: string;
  readonly run: string;
  readonly tag: string;
  readonly state: string;
  readonly visible: boolean;
}

export abstract class HistogramKindCard<T extends StepSeries, H extends KindChart> implements KindCard {
  readonly spec: CardSpec;
  protected readonly context: DashboardContext;
  protected chart: H | null = null;
  protected series: T | null = null;
  private readonly card: Card;

  constructor(spec: CardSpec, context: DashboardContext, testId: string) {
    this.spec = spec;
    this.context = context;
    this.card = new Card({
      testId,
      title: spec.tag,
      subtitleRun: spec.run,
      attrs: { "data-run": spec.run, "data-tag": spec.tag },
      visibility: context.visibility,
      queue: context.queue,
      load: (signal) => this.load(signal),
      actions: {
        pin: { ref: { dashboard: context.info.id, key: spec.key, tag: spec.tag, run: spec.run }, pins: context.pins },
        picture: () => this.picture(),
        resized: () => this.redraw(),
      },
    });
  }

  /** The chart with its title and the run as legend, for export; null before it is drawn. */
  picture(): ChartPicture | null {
    const canvas = this.chart?.canvas;
    if (!canvas || !this.series) return null;
    return {
      title: this.spec.tag,
      subtitle: runLabel(this.spec.run),
      theme: this.context.theme(),
      canvas,
      legend: [{ label: runLabel(this.spec.run), color: this.context.color(this.spec.run) }],
    };
  }

  get element(): HTMLElement {
    return this.card.element;
  }

  invalidate(): void {
    this.card.invalidate();
  }

  destroy(): void {
    this.card.destroy();
  }

  /** Draws the series held (nothing before the first fetch). */
  abstract redraw(): void;

  protected abstract fetch(signal: AbortSignal): Promise<T>;
  protected abstract newChart(width: number): H;

  protected debugCard(): KindCardDebug {
    return { key: this.spec.key, run: this.spec.run, tag: this.spec.tag, state: this.card.state, visible: this.card.visible };
  }

  /** The width to draw at, in CSS pixels. */
  protected width(): number {
    return this.card.body.clientWidth || DEFAULT_WIDTH;
  }

  /** The chart, made in the card's body on first use. */
  protected drawingChart(): H {
    if (!this.chart) {
      this.chart = this.newChart(this.width());
      this.card.body.replaceChildren(this.chart.element);
    }
    return this.chart;
  }

  private async load(signal: AbortSignal): Promise<CardLoadResult> {
    const series = await this.fetch(signal);
    this.series = series;
    this.redraw();
    const n = series.steps.length;
    if (n === 0) return { state: "empty", status: "No steps logged yet." };
    const status = n < series.totalSteps ? `Showing ${n} of ${series.totalSteps} steps, evenly spread.` : "";
    return { state: "ready", status };
  }
}
