// One custom-scalars chart in a card: loads (only while in view, through the shared queue)
// one /api/scalars view per tag it reads, for the selected runs, and draws a multiline chart
// (LineChart, the Scalars dashboard's chart) or a margin chart (MarginChart). Smoothing, the
// x axis, log y and outlier scaling are the Scalars dashboard's settings; drag zooms (finer
// data is fetched for the range), double click resets.
//
// Hooks: data-testid="custom-scalar-card" with data-category, data-chart (title), data-kind
// (multiline | margin), data-state, data-lines (lines drawn), data-points (raw points drawn,
// summed), data-bands (bands filled), data-zoomed; plus the Card shell's hooks.

import type { ApiClient } from "../../api/client";
import type { ScalarsQuery } from "../../api/scalars";
import { fetchScalars } from "../../api/scalars";
import type { ChartScales, LineChartConfig } from "../../charts/line_chart";
import { LineChart } from "../../charts/line_chart";
import type { Range } from "../../charts/scale_range";
import type { CardLoadResult } from "../../components/card";
import { Card } from "../../components/card";
import { h } from "../../core/dom";
import type { FetchQueue } from "../../core/fetch_queue";
import type { VisibilityTracker } from "../../core/visibility";
import type { CardView } from "../../components/scalar_settings";
import { needsServerSmoothing } from "../../charts/scalar_series";
import type { ChartSpec } from "./api";
import { chartQueries } from "./api";
import type { BandDrawn, MarginChartCallbacks } from "./margin_chart";
import { MarginChart } from "./margin_chart";
import type { Colors, DrawnBand, DrawnLine, Fetched } from "./series";
import { marginBands, multilineSeries } from "./series";

export type Drawing = { readonly kind: "multiline"; readonly lines: readonly DrawnLine[] } | { readonly kind: "margin"; readonly bands: readonly DrawnBand[] };

/** What a card needs of a chart (tests pass a stand-in: there is no canvas there). */
export interface CustomChart {
  readonly plotWidth: number;
  readonly scales: ChartScales | null;
  readonly bandsDrawn?: readonly BandDrawn[];
  setData(drawing: Drawing, zoom: Range | null): void;
  setConfig(config: LineChartConfig): void;
  resize(width: number): void;
  destroy(): void;
}

export type CustomChartFactory = (
  kind: ChartSpec["kind"],
  root: HTMLElement,
  width: number,
  config: LineChartConfig,
  callbacks: MarginChartCallbacks,
) => CustomChart;

export const createCustomChart: CustomChartFactory = (kind, root, width, config, callbacks) => {
  const chart = kind === "margin" ? new MarginChart(root, width, config, callbacks) : new LineChart(root, width, config, callbacks);
  return {
    get plotWidth() {
      return chart.plotWidth;
    },
    get scales() {
      return chart.scales;
    },
    get bandsDrawn() {
      return chart instanceof MarginChart ? chart.bandsDrawn : [];
    },
    setData: (drawing, zoom) => {
      if (chart instanceof MarginChart) chart.setData(drawing.kind === "margin" ? drawing.bands : [], zoom);
      else chart.setData(drawing.kind === "multiline" ? drawing.lines : [], zoom);
    },
    setConfig: (c) => chart.setConfig(c),
    resize: (w) => chart.resize(w),
    destroy: () => chart.destroy(),
  };
};

export interface ChartEnv {
  readonly client: ApiClient;
  readonly queue: FetchQueue;
  readonly visibility: VisibilityTracker;
  readonly createChart: CustomChartFactory;
  view(): CardView;
  colors(): Colors;
  /** The runs selected in the runs panel. */
  drawn(): ReadonlySet<string>;
}

export const CHART_HEIGHT = 240;
const DEFAULT_WIDTH = 400;
const AXIS_ALLOWANCE = 81;

export class ChartCard {
  readonly card: Card;
  spec: ChartSpec;
  private readonly env: ChartEnv;
  private readonly chartRoot: HTMLDivElement;
  private chart: CustomChart | null = null;
  private fetched = new Map<string, Fetched>();
  private drawing: Drawing | null = null;
  private zoom: Range | null = null;
  private queryKey = "";

  constructor(spec: ChartSpec, env: ChartEnv) {
    this.spec = spec;
    this.env = env;
    this.chartRoot = h("div", { class: "tb-chart", "data-testid": "chart" });
    this.chartRoot.style.height = `${CHART_HEIGHT}px`;
    const tags = spec.kind === "multiline" ? spec.tags.join(", ") : spec.series.map((s) => s.value).join(", ");
    this.card = new Card({
      testId: "custom-scalar-card",
      title: spec.title,
      subtitle: tags,
      attrs: { "data-category": spec.category, "data-chart": spec.title, "data-kind": spec.kind },
      visibility: env.visibility,
      queue: env.queue,
      load: (signal) => this.load(signal),
    });
    this.card.body.append(this.chartRoot);
    this.queryKey = this.currentQueryKey();
  }

  get element(): HTMLElement {
    return this.card.element;
  }

  get zoomRange(): Range | null {
    return this.zoom;
  }

  /** A new spec (layout reloaded) or run selection: refetch if what it reads changed. */
  setSpec(spec: ChartSpec): void {
    this.spec = spec;
    const key = this.currentQueryKey();
    if (key !== this.queryKey) {
      this.queryKey = key;
      this.card.invalidate();
    }
  }

  /** The data changed on the server: refetch (now if in view). */
  invalidate(): void {
    this.card.invalidate();
  }

  /** Redraws after a view change; `refetch` also fetches anew (x axis, or smoothing on partial data). */
  viewChanged(refetch: "always" | "if-partial" | "never"): void {
    if (refetch === "always") this.zoom = null;
    this.chart?.setConfig(this.chartConfig());
    this.draw();
    const partial = [...this.fetched.values()].some((f) => needsServerSmoothing(f.result, this.zoom !== null));
    if (refetch === "always" || (refetch === "if-partial" && partial)) this.card.invalidate();
  }

  resize(): void {
    this.chart?.resize(this.width());
  }

  destroy(): void {
    this.chart?.destroy();
    this.chart = null;
    this.card.destroy();
  }

  debug(): Record<string, unknown> {
    const drawing = this.drawing;
    const lines = drawing?.kind === "multiline" ? drawing.lines : [];
    const bands = drawing?.kind === "margin" ? drawing.bands : [];
    const filled = this.chart?.bandsDrawn ?? [];
    return {
      key: this.spec.key,
      category: this.spec.category,
      title: this.spec.title,
      kind: this.spec.kind,
      state: this.card.state,
      visible: this.card.visible,
      errors: [...this.spec.errors],
      zoom: this.zoom ? [...this.zoom] : null,
      scales: this.chart?.scales ?? null,
      lines: lines.map((l) => ({ run: l.run, tag: l.tag, label: l.label, color: l.color, points: l.raw.length })),
      bands: bands.map((b, i) => ({
        run: b.run,
        color: b.color,
        value_points: b.value?.raw.length ?? 0,
        lower_points: b.lower?.ys.length ?? 0,
        upper_points: b.upper?.ys.length ?? 0,
        filled_vertices: filled[i]?.vertices ?? 0,
      })),
    };
  }

  private currentQueryKey(): string {
    const queries = chartQueries(this.spec, this.env.drawn());
    return JSON.stringify([...queries]);
  }

  private width(): number {
    return this.chartRoot.clientWidth || DEFAULT_WIDTH;
  }

  private chartConfig(): LineChartConfig {
    const view = this.env.view();
    return { xaxis: view.xaxis, logY: view.logY, ignoreOutliers: view.ignoreOutliers, theme: view.theme, height: CHART_HEIGHT };
  }

  private async load(signal: AbortSignal): Promise<CardLoadResult> {
    const queries = chartQueries(this.spec, this.env.drawn());
    this.queryKey = JSON.stringify([...queries]);
    const view = this.env.view();
    const width = this.chart ? this.chart.plotWidth : Math.max(1, this.width() - AXIS_ALLOWANCE);
    const entries = await Promise.all(
      [...queries].map(async ([tag, runs]): Promise<[string, Fetched]> => {
        const query: ScalarsQuery = {
          tag,
          runs,
          width,
          xaxis: view.xaxis,
          xmin: this.zoom?.[0],
          xmax: this.zoom?.[1],
          smoothing: view.smoothing,
          smoothingKind: view.smoothingKind,
        };
        const result = await fetchScalars(this.env.client, query, signal);
        return [tag, { query, result }];
      }),
    );
    if (signal.aborted) throw new DOMException("aborted", "AbortError");
    this.fetched = new Map(entries);
    this.draw();
    const errors = this.spec.errors.join("; ");
    if (this.drawnCount() === 0) {
      return { state: "empty", status: errors || "No scalar data for this chart in the selected runs." };
    }
    return errors ? { state: "ready", status: errors } : "ready";
  }


  private drawnCount(): number {
    const d = this.drawing;
    if (!d) return 0;
    return d.kind === "multiline" ? d.lines.length : d.bands.length;
  }

  private draw(): void {
    if (this.fetched.size === 0 && this.drawing === null) return;
    const view = this.env.view();
    const colors = this.env.colors();
    const spec = this.spec;
    this.drawing =
      spec.kind === "multiline"
        ? { kind: "multiline", lines: multilineSeries(spec, this.fetched, view, colors) }
        : { kind: "margin", bands: marginBands(spec, this.fetched, view, colors) };
    this.setAttributes(this.drawing);
    if (!this.card.visible) return;
    if (!this.chart) {
      this.chart = this.env.createChart(spec.kind, this.chartRoot, this.width(), this.chartConfig(), {
        onZoom: (xmin, xmax) => this.onZoom([xmin, xmax]),
        onResetZoom: () => this.onZoom(null),
        onBands: (drawn) => {
          this.card.element.dataset.bands = String(drawn.filter((b) => b.vertices > 0).length);
        },
      });
    }
    this.chart.setData(this.drawing, this.zoom);
  }

  private setAttributes(drawing: Drawing): void {
    const el = this.card.element;
    if (drawing.kind === "multiline") {
      el.dataset.lines = String(drawing.lines.length);
      el.dataset.points = String(drawing.lines.reduce((n, l) => n + l.raw.length, 0));
    } else {
      el.dataset.lines = String(drawing.bands.filter((b) => b.value).length);
      el.dataset.points = String(drawing.bands.reduce((n, b) => n + (b.value?.raw.length ?? 0), 0));
    }
    el.dataset.zoomed = this.zoom ? "1" : "0";
  }

  private onZoom(range: Range | null): void {
    this.zoom = range;
    this.card.element.dataset.zoomed = range ? "1" : "0";
    this.card.invalidate();
  }
}
