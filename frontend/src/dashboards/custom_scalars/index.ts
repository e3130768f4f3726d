// The Custom scalars dashboard: the add_custom_scalars layout (merged over every run by the
// server) as collapsible categories (a category written `closed` starts collapsed) of chart
// cards. Multiline charts draw one line per (run, tag) whose tag matches one of the chart's
// regular expressions; margin charts draw a value with a filled band between its lower and
// upper tags. The Scalars dashboard's settings bar (smoothing, x axis, log y, outliers) drives
// every chart, and its tag filter keeps the charts whose title or tags match.
//
// Hooks: custom-scalars-empty; categories are tag-group elements (data-group = title,
// data-collapsed) with a group-toggle; charts are custom-scalar-card (see chart_card.ts).
// window.__trainboard.view("custom_scalars") gives {layout_runs, categories: [{title,
// collapsed, charts: [{title, kind, state, lines: [{run, tag, color, points}], bands: [...]}]}]}.

import type { LiveMessage, PointsUpdate, RunsInfo } from "../../api/client";
import type { GridGroup } from "../../components/card_grid";
import { CardGrid, emptyMessage, runTagKey, selectionChanged } from "../../components/card_grid";
import { slotColor } from "../../core/colors";
import type { DashboardContext, DashboardFactory, DashboardView } from "../../core/dashboard";
import { DebouncedCalls, compileFilter, h } from "../../core/dom";
import { LatestLoad } from "../../core/latest_load";
import type { AppState } from "../../core/url_state";
import { ControlsView, cardViewOf, followViewChange } from "../../components/scalar_settings";
import type { ChartSpec, Layout } from "./api";
import { chartReads, fetchLayout } from "./api";
import type { CustomChartFactory } from "./chart_card";
import { ChartCard, createCustomChart } from "./chart_card";
import "./custom_scalars.css";

export interface CustomScalarsOptions {
  /** A stand-in chart for tests (no canvas there). */
  readonly createChart?: CustomChartFactory;
}

const LIVE_REFETCH_MS = 250;
const SMOOTHING_REFETCH_MS = 400;

function chartMatches(spec: ChartSpec, test: (s: string) => boolean): boolean {
  if (test(spec.title)) return true;
  if (spec.kind === "multiline") return spec.tags.some(test) || spec.lines.some((l) => test(l.tag));
  return spec.series.some((s) => test(s.value) || test(s.lower) || test(s.upper));
}

export class CustomScalarsDashboard implements DashboardView {
  readonly element: HTMLElement;
  private readonly context: DashboardContext;
  private readonly createChart: CustomChartFactory;
  private readonly controls: ControlsView;
  private readonly grid: CardGrid<ChartSpec, ChartCard>;
  private readonly layout: LatestLoad<Layout>;
  private readonly calls = new DebouncedCalls();
  private readonly touched = new Set<string>();
  private readonly refetchTouched: () => void;
  private readonly refetchPartial: () => void;

  constructor(context: DashboardContext, options: CustomScalarsOptions = {}) {
    this.context = context;
    this.createChart = options.createChart ?? createCustomChart;
    this.controls = new ControlsView(context);
    this.grid = new CardGrid<ChartSpec, ChartCard>({
      emptyTestId: "custom-scalars-empty",
      create: (spec) => this.newCard(spec),
      update: (card, spec) => card.setSpec(spec),
    });
    this.element = h(
      "div",
      { class: "tb-custom-scalars", "data-testid": "custom-scalars-dashboard" },
      this.controls.element,
      this.grid.empty,
      this.grid.body,
    );
    this.controls.show(context.state());
    this.layout = new LatestLoad({ fetch: () => fetchLayout(context.client), what: "the custom-scalars layout", loaded: () => this.rebuild() });
    this.refetchTouched = this.calls.add(LIVE_REFETCH_MS, () => this.flushTouched());
    this.refetchPartial = this.calls.add(SMOOTHING_REFETCH_MS, () => {
      for (const card of this.cards()) card.viewChanged("if-partial");
    });
    void this.layout.load();
  }

  get pending(): number {
    return this.layout.pending + this.calls.pending;
  }

  show(): void {
    this.resize();
  }

  hide(): void {}

  setRuns(_runs: RunsInfo): void {
    this.rebuild();
  }

  stateChanged(state: AppState, previous: AppState): void {
    this.controls.show(state);
    if (selectionChanged(state, previous)) this.rebuild();
    followViewChange(this.cards(), state, previous, this.refetchPartial);
  }

  onLive(message: LiveMessage): void {
    if (message.type === "runs") {
      this.invalidateRuns([...message.reset, ...message.removed]);
      this.layout.reloadSoon();
    } else if (message.type === "tags" && (message.kind === "scalars" || message.kind === "custom_scalars")) {
      this.layout.reloadSoon();
    } else if (message.type === "points" && message.kind === "custom_scalars") {
      this.layout.reloadSoon();
    } else if (message.type === "points" && message.kind === "scalars") {
      this.onPoints(message.updates);
    }
  }

  refreshAll(): void {
    for (const card of this.cards()) card.invalidate();
    this.layout.reloadSoon();
  }

  themeChanged(): void {
    for (const card of this.cards()) card.viewChanged("never");
  }

  resize(): void {
    for (const card of this.cards()) card.resize();
  }

  destroy(): void {
    this.grid.destroy();
  }

  debug(): unknown {
    return {
      layout_runs: this.layout.value ? [...this.layout.value.layoutRuns] : [],
      error: this.layout.error,
      categories: this.grid.groups.map((group) => ({
        title: group.name,
        collapsed: group.collapsed,
        charts: this.cards()
          .filter((c) => c.spec.category === group.name)
          .map((c) => c.debug()),
      })),
    };
  }

  private cards(): ChartCard[] {
    return [...this.grid.cards.values()];
  }

  private onPoints(updates: readonly PointsUpdate[]): void {
    for (const u of updates) this.touched.add(runTagKey(u.run, u.tag));
    this.refetchTouched();
  }

  private flushTouched(): void {
    const touched = [...this.touched].map((key) => key.split("\u0000") as [string, string]);
    this.touched.clear();
    for (const card of this.cards()) {
      if (touched.some(([run, tag]) => chartReads(card.spec, run, tag))) card.invalidate();
    }
  }

  private invalidateRuns(runs: readonly string[]): void {
    if (runs.length === 0) return;
    for (const card of this.cards()) {
      if (runs.some((run) => chartRunsInclude(card.spec, run))) card.invalidate();
    }
  }

  private newCard(spec: ChartSpec): ChartCard {
    return new ChartCard(spec, {
      client: this.context.client,
      queue: this.context.queue,
      visibility: this.context.visibility,
      createChart: this.createChart,
      view: () => cardViewOf(this.context.state(), this.context.theme()),
      colors: () => {
        const theme = this.context.theme();
        return { run: (run) => this.context.colors.color(run, theme), slot: (i) => slotColor(i, theme) };
      },
      drawn: () => this.context.drawnRuns(),
    });
  }

  private rebuild(): void {
    const layout = this.layout.value;
    if (!layout) {
      this.grid.showEmpty(this.layout.error ?? "");
      return;
    }
    const test = compileFilter(this.context.state().tagFilter).test;
    // A category is a group (collapsed at first when written `closed`); empty ones are left out.
    const groups: GridGroup<ChartSpec>[] = layout.categories
      .map((category) => ({
        name: category.title,
        items: category.charts.filter((spec) => chartMatches(spec, test)),
        collapsed: category.closed,
      }))
      .filter((group) => group.items.length > 0);
    this.grid.show(groups);
    const noData =
      layout.categories.length === 0 ? "No custom-scalars layout in this logdir yet. Write one with SummaryWriter.add_custom_scalars()." : null;
    this.grid.showEmpty(emptyMessage({ error: this.layout.error, noData, shown: groups.length, noMatch: "No charts match the filter." }));
  }
}

function chartRunsInclude(spec: ChartSpec, run: string): boolean {
  if (spec.kind === "multiline") return spec.lines.some((l) => l.run === run);
  return spec.series.some((s) => s.runs.includes(run) || s.bandRuns.includes(run));
}

export const customScalarsDashboard: DashboardFactory = (context) => new CustomScalarsDashboard(context);
