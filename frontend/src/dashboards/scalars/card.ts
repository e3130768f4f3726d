// One scalar card: fetches its tag for its runs only while visible, draws them, zooms by
// fetching finer data for the selected x range, and offers per-run downloads.
//
// Test hooks on the card element: data-testid="scalar-card", data-tag, data-parent (add_scalars
// group cards), data-state (idle | loading | ready | empty | error), data-points (raw points
// drawn, summed over runs), data-runs (runs drawn), data-zoomed ("1" while zoomed); the status
// line (card-status) says "Loading…" until the first data, and what failed on an error (and a
// Retry button follows it, card-retry). A zoom is told to env.zoomChanged (the dashboard keeps it in the
// URL) and set back with setZoom.

import type { ApiClient, ScalarsResult } from "../../api/client";
import type { ScalarsQuery } from "../../api/scalars";
import { fetchScalars } from "../../api/scalars";
import type { ChartScales, ChartSeries, LineChartCallbacks, LineChartConfig } from "../../charts/line_chart";
import type { Range } from "../../charts/scale_range";
import type { FetchQueue } from "../../core/fetch_queue";
import type { Theme } from "../../core/theme";
import { h } from "../../core/dom";
import { LOADING_STATUS, setRetry } from "../../components/card";
import type { CardSpec } from "../../components/scalar_card_specs";
import type { CardView } from "../../components/scalar_settings";
import { chartSeries, needsServerSmoothing } from "../../charts/scalar_series";
import { downloadLinks } from "./downloads";
import { CardActions } from "../../components/card";
import type { CardSize } from "../../components/card";
import type { ChartPicture, VectorPlot } from "../../charts/export";
import type { ChartPick } from "../../charts/line_chart";
import { StepTable } from "../../charts/step_table";
import { nearestIndex } from "../../charts/tooltip";
import type { PinBoard } from "../../core/dashboard";

/** What a card needs of a chart (LineChart; tests pass a stand-in). */
export interface ChartLike {
  readonly plotWidth: number;
  /** The ranges drawn, for tests (optional: stand-ins need not draw). */
  readonly scales?: ChartScales | null;
  setData(series: readonly ChartSeries[], zoom: Range | null): void;
  setConfig(config: LineChartConfig): void;
  resize(width: number): void;
  destroy(): void;
  /** Marks a picked step or range (optional: stand-ins need not). */
  setPick?(pick: ChartPick | null): void;
  /** What export draws (optional: stand-ins have no canvas). */
  readonly canvas?: HTMLCanvasElement | null;
  vector?(): VectorPlot | null;
}

export type ChartFactory = (
  root: HTMLElement,
  width: number,
  config: LineChartConfig,
  callbacks: LineChartCallbacks,
) => ChartLike;

export interface CardEnv {
  readonly client: ApiClient;
  readonly queue: FetchQueue;
  readonly createChart: ChartFactory;
  view(): CardView;
  color(run: string, theme: Theme): string;
  /** The user zoomed (null: reset); the zoom is in the x axis' units. */
  zoomChanged?(range: Range | null): void;
  /** The pins (the card's pin button); left out: no pin button. */
  readonly pins?: PinBoard;
  /** A step was picked on the chart: the linked step images and histograms follow. */
  setLinkedStep?(step: number | null): void;
}

export type CardState = "idle" | "loading" | "ready" | "empty" | "error";

export const CHART_HEIGHT = 240;
const DEFAULT_WIDTH = 400;
/** Room the y axis and padding take from the chart's width (measured: the rest is the plot). */
const AXIS_ALLOWANCE = 81;

export class ScalarCard {
  readonly element: HTMLElement;
  spec: CardSpec;
  visible = false;
  private readonly env: CardEnv;
  private readonly chartRoot: HTMLDivElement;
  private readonly status: HTMLDivElement;
  private chart: ChartLike | null = null;
  private stale = true;
  private zoom: Range | null = null;
  private result: ScalarsResult | null = null;
  private query: ScalarsQuery | null = null;
  private drawn: ChartSeries[] = [];
  private controller: AbortController | null = null;
  private readonly actions: CardActions;
  private readonly table: StepTable;
  private pick: ChartPick | null = null;

  constructor(spec: CardSpec, env: CardEnv) {
    this.spec = spec;
    this.env = env;
    this.chartRoot = h("div", { class: "tb-chart", "data-testid": "chart" });
    this.chartRoot.style.height = `${CHART_HEIGHT}px`;
    this.status = h("div", { class: "tb-card-status", "data-testid": "card-status" });
    const title = h("h3", { class: "tb-card-title", title: spec.tag }, spec.tag);
    const subtitle = spec.parent === null ? null : h("span", { class: "tb-card-parent" }, spec.parent);
    this.element = h(
      "section",
      { class: "tb-card", "data-testid": "scalar-card", "data-tag": spec.tag, "data-parent": spec.parent },
      h("header", { class: "tb-card-header" }, title, subtitle),
      this.chartRoot,
      this.status,
      downloadLinks(() => this.spec, env.client),
    );
    this.table = new StepTable(() => {
      this.setPick(null);
      env.setLinkedStep?.(null);
    });
    this.status.after(this.table.element);
    this.actions = new CardActions(this.element, {
      ...(env.pins ? { pin: { ref: { dashboard: "scalars", key: spec.key, tag: spec.tag, run: spec.parent }, pins: env.pins } } : {}),
      picture: () => this.picture(),
      resized: (size) => this.sizeChanged(size),
    });
    this.setState("idle");
  }

  get state(): CardState {
    return (this.element.dataset.state ?? "idle") as CardState;
  }

  get zoomRange(): Range | null {
    return this.zoom;
  }

  get series(): readonly ChartSeries[] {
    return this.drawn;
  }

  get scales(): ChartScales | null {
    return this.chart?.scales ?? null;
  }

  /** New runs for the card: refetch (now if visible, else when it comes into view). */
  setSpec(spec: CardSpec): void {
    const changed = spec.runs.join("\u0000") !== this.spec.runs.join("\u0000");
    this.spec = spec;
    if (changed) this.invalidate();
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    if (!visible) return;
    if (this.stale) void this.load();
    else if (!this.chart && this.result) this.draw();
  }

  /** The data changed on the server (or the x axis changed): refetch when visible. */
  invalidate(): void {
    this.stale = true;
    if (this.visible) void this.load();
  }

  /** Shows the x range `range` (null: all), e.g. from the URL; refetches when it changes. */
  setZoom(range: Range | null): void {
    const same = range === null ? this.zoom === null : this.zoom !== null && this.zoom[0] === range[0] && this.zoom[1] === range[1];
    if (same) return;
    this.zoom = range;
    this.element.dataset.zoomed = range ? "1" : "0";
    this.invalidate();
  }

  /** Redraws after a view change; `refetch` also fetches anew (x axis or smoothing). */
  viewChanged(refetch: "always" | "if-partial" | "never"): void {
    if (refetch === "always") this.zoom = null;
    this.chart?.setConfig(this.chartConfig());
    if (this.result) this.draw();
    const partial = this.result !== null && needsServerSmoothing(this.result, this.zoom !== null);
    if (refetch === "always" || (refetch === "if-partial" && partial)) this.invalidate();
  }

  resize(): void {
    this.chart?.resize(this.width());
  }

  destroy(): void {
    this.actions.dispose();
    this.controller?.abort();
    this.chart?.destroy();
    this.chart = null;
    this.element.remove();
  }

  private width(): number {
    return this.chartRoot.clientWidth || DEFAULT_WIDTH;
  }

  private chartConfig(): LineChartConfig {
    const view = this.env.view();
    return {
      xaxis: view.xaxis,
      logY: view.logY,
      ignoreOutliers: view.ignoreOutliers,
      theme: view.theme,
      height: this.chartHeight(),
    };
  }

  /** The chart's height: taller in full screen. */
  private chartHeight(): number {
    return this.actions?.size === "full" ? Math.max(CHART_HEIGHT, Math.floor(window.innerHeight * 0.6)) : CHART_HEIGHT;
  }

  private sizeChanged(_size: CardSize): void {
    this.chartRoot.style.height = `${this.chartHeight()}px`;
    this.chart?.setConfig(this.chartConfig());
    this.chart?.resize(this.width());
    if (this.result) this.draw();
  }

  /** The picked step (or range) and its table, for tests. */
  get picked(): { pick: ChartPick; table: ReturnType<StepTable["debug"]> } | null {
    return this.pick ? { pick: { ...this.pick }, table: this.table.debug() } : null;
  }

  /** Picks x (axis units) as a click does; `extend` makes a range from the last pick. */
  pickAt(x: number, extend: boolean): void {
    const last = this.pick;
    const at = this.nearestPoint(x);
    const snapped = at?.x ?? x; // on the point nearest the click, as the table shows it
    this.setPick(extend && last ? { x: last.x, x2: snapped } : { x: snapped });
    if (!extend || !last) this.env.setLinkedStep?.(at?.step ?? null);
  }

  private setPick(pick: ChartPick | null): void {
    this.pick = pick;
    this.chart?.setPick?.(pick);
    this.table.show(pick === null ? null : pick.x2 === undefined ? { x: pick.x } : { x: pick.x, x2: pick.x2 }, this.drawn);
    if (pick) this.element.dataset.picked = pick.x2 === undefined ? "point" : "range";
    else delete this.element.dataset.picked;
  }

  /** The point nearest x among the lines drawn: its x and step (null: none). */
  private nearestPoint(x: number): { x: number; step: number } | null {
    let best: { d: number; x: number; step: number } | null = null;
    for (const s of this.drawn) {
      const i = nearestIndex(s.xs, x);
      if (i < 0) continue;
      const d = Math.abs((s.xs[i] as number) - x);
      if (!best || d < best.d) best = { d, x: s.xs[i] as number, step: s.steps[i] as number };
    }
    return best && { x: best.x, step: best.step };
  }

  /** The chart with its title and a legend of the runs drawn, for export. */
  picture(): ChartPicture | null {
    const canvas = this.chart?.canvas ?? null;
    if (!canvas) return null;
    return {
      title: this.spec.tag,
      subtitle: this.spec.parent,
      theme: this.env.view().theme,
      canvas,
      vector: this.chart?.vector?.() ?? null,
      legend: this.drawn.map((s) => ({ label: s.label, color: s.color })),
    };
  }

  private buildQuery(): ScalarsQuery {
    const view = this.env.view();
    const width = this.chart ? this.chart.plotWidth : Math.max(1, this.width() - AXIS_ALLOWANCE);
    return {
      tag: this.spec.tag,
      runs: this.spec.runs,
      width,
      xaxis: view.xaxis,
      xmin: this.zoom?.[0],
      xmax: this.zoom?.[1],
      smoothing: view.smoothing,
      smoothingKind: view.smoothingKind,
    };
  }

  private async load(): Promise<void> {
    this.stale = false;
    this.controller?.abort();
    if (this.spec.runs.length === 0) {
      // A card made before the tag index loaded (pinned, the "all" view): setSpec brings runs.
      this.status.textContent = "No data for the selected runs.";
      this.setState("empty");
      return;
    }
    const controller = new AbortController();
    this.controller = controller;
    const query = this.buildQuery();
    if (!this.result) {
      this.setState("loading");
      this.status.textContent = LOADING_STATUS;
      setRetry(this.status, null);
    }
    this.element.dataset.fetching = "1";
    try {
      const result = await this.env.queue.run(() => {
        if (controller.signal.aborted) throw new DOMException("aborted", "AbortError");
        return fetchScalars(this.env.client, query, controller.signal);
      });
      if (controller.signal.aborted) return;
      this.result = result;
      this.query = query;
      this.draw();
    } catch (err) {
      if (controller.signal.aborted || (err instanceof DOMException && err.name === "AbortError")) return;
      this.status.textContent = `Could not load ${this.spec.tag}: ${err instanceof Error ? err.message : String(err)}`;
      setRetry(this.status, () => this.invalidate());
      this.setState("error");
    } finally {
      if (this.controller === controller) {
        this.controller = null;
        delete this.element.dataset.fetching;
      }
    }
  }

  private draw(): void {
    const result = this.result;
    const query = this.query;
    if (!result || !query) return;
    const view = this.env.view();
    this.drawn = chartSeries(result, query, view, (run) => this.env.color(run, view.theme));
    const points = this.drawn.reduce((n, s) => n + s.raw.length, 0);
    this.element.dataset.points = String(points);
    this.element.dataset.runs = String(this.drawn.length);
    this.element.dataset.zoomed = this.zoom ? "1" : "0";
    setRetry(this.status, null);
    if (this.drawn.length === 0) {
      this.status.textContent = "No data for the selected runs.";
      this.setState("empty");
    } else {
      this.status.textContent = "";
      this.setState("ready");
    }
    if (!this.visible) return;
    if (!this.chart) {
      this.chart = this.env.createChart(this.chartRoot, this.width(), this.chartConfig(), {
        onZoom: (xmin, xmax) => this.onZoom([xmin, xmax]),
        onResetZoom: () => this.onZoom(null),
        onPick: (x, extend) => this.pickAt(x, extend),
      });
    }
    this.chart.setData(this.drawn, this.zoom);
    if (this.pick) this.setPick(this.pick);
  }

  private onZoom(range: Range | null): void {
    this.zoom = range;
    this.element.dataset.zoomed = range ? "1" : "0";
    this.invalidate();
    this.env.zoomChanged?.(range);
  }

  private setState(state: CardState): void {
    this.element.dataset.state = state;
  }
}
