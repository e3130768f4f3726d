// One PR-curve card: a tag's precision-recall chart with one line per run, and under it a
// step slider per run. It loads while in view: each run's step list, then the curve of each
// run's chosen step; moving a run's slider loads that run's curve only. New points reload
// the step lists, and each slider stays where the user put it unless it was at the latest.
//
// Hooks: pr-card (data-tag, data-state, data-runs: runs drawn), pr-chart, pr-run-row (data-run,
// data-step: the step drawn) holding that run's step-slider hooks; the tooltip's in tooltip.ts.

import type { ApiClient } from "../../api/client";
import { Card } from "../../components/card";
import type { CardLoadResult } from "../../components/card";
import type { StepPoint } from "../../components/step_slider";
import { StepSlider } from "../../components/step_slider";
import { h } from "../../core/dom";
import type { FetchQueue } from "../../core/fetch_queue";
import type { Theme } from "../../core/theme";
import type { VisibilityTracker } from "../../core/visibility";
import type { TagCard, TagCardSpec } from "../../components/tag_cards_dashboard";
import type { PrCurve } from "./api";
import { fetchCurves, fetchSteps } from "./api";
import type { PrSeries } from "./chart";
import { X_RANGE, Y_RANGE } from "./chart";
import type { ChartPicture } from "../../charts/export";
import type { PrTooltipRow } from "./tooltip";
import { RUN_LABEL_ATTR, runLabel } from "../../core/run_labels";

/** What a card needs of its chart (PrChart; tests pass a stand-in: no canvas there). */
export interface PrChartLike {
  readonly tooltipRows: readonly PrTooltipRow[] | null;
  setData(series: readonly PrSeries[]): void;
  setTheme(theme: Theme): void;
  resize(width: number): void;
  destroy(): void;
}

export type PrChartFactory = (root: HTMLElement, width: number, height: number, theme: Theme) => PrChartLike;

export interface PrCardEnv {
  readonly client: ApiClient;
  readonly createChart: PrChartFactory;
  readonly queue: FetchQueue;
  readonly visibility: VisibilityTracker;
  color(run: string): string;
  theme(): Theme;
}

/** A PR card as tests see it (window.__trainboard.view("pr_curves").cards). */
export interface PrCardDebug {
  readonly tag: string;
  readonly state: string;
  readonly scales: { x: [number, number]; y: [number, number] };
  readonly runs: {
    readonly run: string;
    readonly color: string;
    readonly step: number | null;
    readonly steps: number[];
    readonly curve: PrCurve | null;
  }[];
  readonly tooltip: readonly PrTooltipRow[] | null;
}

export const CHART_HEIGHT = 300;

class RunRow {
  readonly element: HTMLElement;
  readonly slider: StepSlider;
  readonly swatch: HTMLSpanElement;
  steps: readonly StepPoint[] = [];
  curve: PrCurve | null = null;

  constructor(readonly run: string, onStep: () => void) {
    this.slider = new StepSlider(onStep, `Step of ${run}`);
    this.swatch = h("span", { class: "tb-swatch", "aria-hidden": "true" });
    this.element = h(
      "div",
      { class: "tb-pr-run", "data-testid": "pr-run-row", "data-run": run },
      this.swatch,
      h("span", { class: "tb-pr-run-name", title: run, [RUN_LABEL_ATTR]: run }, runLabel(run)),
      this.slider.element,
    );
  }

  setCurve(curve: PrCurve | null): void {
    this.curve = curve;
    if (curve) this.element.dataset.step = String(curve.step);
    else delete this.element.dataset.step;
  }
}

function aborted(signal: AbortSignal): void {
  if (signal.aborted) throw new DOMException("aborted", "AbortError");
}

export class PrCard implements TagCard<TagCardSpec> {
  readonly element: HTMLElement;
  spec: TagCardSpec;
  private readonly env: PrCardEnv;
  private readonly card: Card;
  private readonly chartRoot: HTMLDivElement;
  private readonly runList: HTMLDivElement;
  private readonly rows = new Map<string, RunRow>();
  private chart: PrChartLike | null = null;
  private drawn: readonly PrSeries[] = [];
  private indexStale = true;
  private readonly staleCurves = new Set<string>();

  constructor(spec: TagCardSpec, env: PrCardEnv) {
    this.spec = spec;
    this.env = env;
    this.chartRoot = h("div", { class: "tb-chart", "data-testid": "pr-chart" });
    this.chartRoot.style.height = `${CHART_HEIGHT}px`;
    this.runList = h("div", { class: "tb-pr-runs" });
    this.card = new Card({
      testId: "pr-card",
      title: spec.tag,
      attrs: { "data-tag": spec.tag },
      visibility: env.visibility,
      queue: env.queue,
      load: (signal) => this.load(signal),
      actions: { picture: () => this.picture(), resized: () => this.resize() },
    });
    this.element = this.card.element;
    this.card.body.append(this.chartRoot, this.runList);
  }

  /** The chart with its title and a legend of the runs drawn, for export; null before it is drawn. */
  picture(): ChartPicture | null {
    const canvas = this.chartRoot.querySelector("canvas");
    if (!canvas) return null;
    return { title: this.spec.tag, theme: this.env.theme(), canvas, legend: this.drawn.map((s) => ({ label: runLabel(s.run), color: s.color })) };
  }

  setSpec(spec: TagCardSpec): void {
    const changed = spec.runs.join("\u0000") !== this.spec.runs.join("\u0000");
    this.spec = spec;
    if (changed) this.dataChanged(null, false);
  }

  dataChanged(run: string | null, reset: boolean): void {
    if (run !== null && !this.spec.runs.includes(run)) return;
    this.indexStale = true;
    if (reset) for (const name of run === null ? this.spec.runs : [run]) this.staleCurves.add(name);
    this.card.invalidate();
  }

  themeChanged(): void {
    this.chart?.setTheme(this.env.theme());
    this.draw();
  }

  resize(): void {
    this.chart?.resize(this.width());
  }

  destroy(): void {
    this.chart?.destroy();
    this.chart = null;
    this.card.destroy();
  }

  debug(): PrCardDebug {
    return {
      tag: this.spec.tag,
      state: this.card.state,
      scales: { x: [...X_RANGE], y: [...Y_RANGE] },
      runs: [...this.rows.values()].map((row) => ({
        run: row.run,
        color: this.env.color(row.run),
        step: row.curve?.step ?? null,
        steps: row.steps.map((p) => p.step),
        curve: row.curve,
      })),
      tooltip: this.chart?.tooltipRows ?? null,
    };
  }

  private width(): number {
    return this.chartRoot.clientWidth || 400;
  }

  private async load(signal: AbortSignal): Promise<CardLoadResult> {
    const { client } = this.env;
    if (this.indexStale) {
      const steps = await fetchSteps(client, this.spec.tag, this.spec.runs, signal);
      aborted(signal);
      this.indexStale = false;
      this.setRows(steps);
    }
    const wanted = [...this.rows.values()].filter((row) => {
      const step = row.slider.step;
      return step !== null && (row.curve?.step !== step || this.staleCurves.has(row.run));
    });
    if (wanted.length > 0) {
      const steps = wanted.map((row) => row.slider.step as number);
      const curves = await fetchCurves(client, this.spec.tag, wanted.map((row) => row.run), steps, signal);
      aborted(signal);
      for (const curve of curves) {
        this.rows.get(curve.run)?.setCurve(curve);
        this.staleCurves.delete(curve.run);
      }
    }
    return this.draw();
  }

  /** Keeps a row per run that has the tag, in the card's run order, with its steps. */
  private setRows(steps: ReadonlyMap<string, StepPoint[]>): void {
    for (const [run, row] of this.rows) {
      if (!steps.has(run)) {
        row.element.remove();
        this.rows.delete(run);
      }
    }
    const ordered: HTMLElement[] = [];
    for (const run of this.spec.runs) {
      const points = steps.get(run);
      if (!points) continue;
      let row = this.rows.get(run);
      if (!row) {
        row = new RunRow(run, () => this.card.invalidate());
        this.rows.set(run, row);
      }
      row.steps = points;
      row.slider.setSteps(points);
      ordered.push(row.element);
    }
    this.runList.replaceChildren(...ordered);
  }

  private draw(): CardLoadResult {
    const series = [...this.rows.values()]
      .filter((row) => row.curve !== null && row.curve.error === null)
      .map((row) => ({ run: row.run, color: this.env.color(row.run), curve: row.curve as PrCurve }));
    for (const row of this.rows.values()) row.swatch.style.background = this.env.color(row.run);
    this.element.dataset.runs = String(series.length);
    const errors = [...this.rows.values()].flatMap((row) => (row.curve?.error ? [`${row.run}: ${row.curve.error}`] : []));
    if (this.rows.size === 0) return { state: "empty", status: "No PR curves for the selected runs." };
    if (!this.chart) this.chart = this.env.createChart(this.chartRoot, this.width(), CHART_HEIGHT, this.env.theme());
    this.chart.setData(series);
    this.drawn = series;
    return { state: "ready", status: errors.join("; ") };
  }
}
