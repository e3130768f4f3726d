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
import { GroupView } from "../../components/tag_groups";
import { slotColor } from "../../core/colors";
import type { DashboardContext, DashboardFactory, DashboardView } from "../../core/dashboard";
import { compileFilter, debounce, h } from "../../core/dom";
import type { AppState } from "../../core/url_state";
import type { CardView } from "../scalars/card";
import { ControlsView } from "../scalars/view";
import type { ChartSpec, Layout } from "./api";
import { chartReads, fetchLayout } from "./api";
import type { CustomChartFactory } from "./chart_card";
import { ChartCard, createCustomChart } from "./chart_card";
import "./custom_scalars.css";

export interface CustomScalarsOptions {
  /** A stand-in chart for tests (no canvas there). */
  readonly createChart?: CustomChartFactory;
}

const LAYOUT_RELOAD_MS = 200;
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
  private readonly body: HTMLDivElement;
  private readonly empty: HTMLDivElement;
  private readonly cards = new Map<string, ChartCard>();
  private readonly groups = new Map<string, GroupView>();
  /** Categories the user opened or closed (overriding the layout's `closed`). */
  private readonly toggled = new Map<string, boolean>();
  private readonly scheduled = new Set<string>();
  private readonly touched = new Set<string>();
  private readonly reloadLayout: () => void;
  private readonly refetchTouched: () => void;
  private readonly refetchPartial: () => void;
  private layout: Layout | null = null;
  private layoutError: string | null = null;
  private loads = 0;
  private generation = 0;

  constructor(context: DashboardContext, options: CustomScalarsOptions = {}) {
    this.context = context;
    this.createChart = options.createChart ?? createCustomChart;
    this.controls = new ControlsView((patch) => context.update(patch));
    this.empty = h("div", { class: "tb-empty", "data-testid": "custom-scalars-empty" });
    this.body = h("div", { class: "tb-groups" });
    this.element = h("div", { class: "tb-custom-scalars", "data-testid": "custom-scalars-dashboard" }, this.controls.element, this.empty, this.body);
    this.controls.show(context.state());
    this.reloadLayout = this.scheduledCall("layout", LAYOUT_RELOAD_MS, () => void this.load());
    this.refetchTouched = this.scheduledCall("live", LIVE_REFETCH_MS, () => this.flushTouched());
    this.refetchPartial = this.scheduledCall("smoothing", SMOOTHING_REFETCH_MS, () => {
      for (const card of this.cards.values()) card.viewChanged("if-partial");
    });
    void this.load();
  }

  get pending(): number {
    return this.loads + this.scheduled.size;
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
    if (state.runFilter !== previous.runFilter || state.hiddenRuns !== previous.hiddenRuns || state.tagFilter !== previous.tagFilter) {
      this.rebuild();
    }
    if (state.xaxis !== previous.xaxis) {
      for (const card of this.cards.values()) card.viewChanged("always");
    } else if (state.smoothing !== previous.smoothing || state.smoothingKind !== previous.smoothingKind) {
      for (const card of this.cards.values()) card.viewChanged("never");
      this.refetchPartial();
    } else if (state.logY !== previous.logY || state.ignoreOutliers !== previous.ignoreOutliers) {
      for (const card of this.cards.values()) card.viewChanged("never");
    }
  }

  onLive(message: LiveMessage): void {
    if (message.type === "runs") {
      this.invalidateRuns([...message.reset, ...message.removed]);
      this.reloadLayout();
    } else if (message.type === "tags" && (message.kind === "scalars" || message.kind === "custom_scalars")) {
      this.reloadLayout();
    } else if (message.type === "points" && message.kind === "custom_scalars") {
      this.reloadLayout();
    } else if (message.type === "points" && message.kind === "scalars") {
      this.onPoints(message.updates);
    }
  }

  refreshAll(): void {
    for (const card of this.cards.values()) card.invalidate();
    this.reloadLayout();
  }

  themeChanged(): void {
    for (const card of this.cards.values()) card.viewChanged("never");
  }

  resize(): void {
    for (const card of this.cards.values()) card.resize();
  }

  destroy(): void {
    for (const card of this.cards.values()) card.destroy();
    this.cards.clear();
  }

  debug(): unknown {
    return {
      layout_runs: this.layout ? [...this.layout.layoutRuns] : [],
      error: this.layoutError,
      categories: [...this.groups.values()].map((group) => ({
        title: group.name,
        collapsed: group.collapsed,
        charts: [...this.cards.values()].filter((c) => c.spec.category === group.name).map((c) => c.debug()),
      })),
    };
  }

  private scheduledCall(name: string, delayMs: number, fn: () => void): () => void {
    const run = debounce(() => {
      this.scheduled.delete(name);
      fn();
    }, delayMs);
    return () => {
      this.scheduled.add(name);
      run();
    };
  }

  private async load(): Promise<void> {
    const generation = ++this.generation;
    this.loads++;
    try {
      const layout = await fetchLayout(this.context.client);
      if (generation !== this.generation) return;
      this.layout = layout;
      this.layoutError = null;
    } catch (err) {
      if (generation !== this.generation) return;
      this.layoutError = `Could not load the custom-scalars layout: ${err instanceof Error ? err.message : String(err)}`;
    } finally {
      this.loads--;
    }
    this.rebuild();
  }

  private onPoints(updates: readonly PointsUpdate[]): void {
    for (const u of updates) this.touched.add(`${u.run}\u0000${u.tag}`);
    this.refetchTouched();
  }

  private flushTouched(): void {
    const touched = [...this.touched].map((key) => key.split("\u0000") as [string, string]);
    this.touched.clear();
    for (const card of this.cards.values()) {
      if (touched.some(([run, tag]) => chartReads(card.spec, run, tag))) card.invalidate();
    }
  }

  private invalidateRuns(runs: readonly string[]): void {
    if (runs.length === 0) return;
    for (const card of this.cards.values()) {
      if (runs.some((run) => chartRunsInclude(card.spec, run))) card.invalidate();
    }
  }

  private cardView(): CardView {
    const state = this.context.state();
    return {
      xaxis: state.xaxis,
      smoothing: state.smoothing,
      smoothingKind: state.smoothingKind,
      logY: state.logY,
      ignoreOutliers: state.ignoreOutliers,
      theme: this.context.theme(),
    };
  }

  private newCard(spec: ChartSpec): ChartCard {
    return new ChartCard(spec, {
      client: this.context.client,
      queue: this.context.queue,
      visibility: this.context.visibility,
      createChart: this.createChart,
      view: () => this.cardView(),
      colors: () => {
        const theme = this.context.theme();
        return { run: (run) => this.context.colors.color(run, theme), slot: (i) => slotColor(i, theme) };
      },
      drawn: () => this.context.drawnRuns(),
    });
  }

  private groupView(title: string, closed: boolean): GroupView {
    let view = this.groups.get(title);
    if (!view) {
      view = new GroupView(title, (collapsed) => this.toggled.set(title, collapsed));
      this.groups.set(title, view);
    }
    view.setCollapsed(this.toggled.get(title) ?? closed);
    return view;
  }

  private rebuild(): void {
    const layout = this.layout;
    if (!layout) {
      this.showEmpty(this.layoutError ?? "");
      return;
    }
    const test = compileFilter(this.context.state().tagFilter).test;
    const keep = new Set<string>();
    const elements: HTMLElement[] = [];
    for (const category of layout.categories) {
      const specs = category.charts.filter((spec) => chartMatches(spec, test));
      if (specs.length === 0) continue;
      const view = this.groupView(category.title, category.closed);
      view.setCards(specs.map((spec) => this.cardFor(spec, keep)));
      elements.push(view.element);
    }
    for (const [key, card] of this.cards) {
      if (keep.has(key)) continue;
      card.destroy();
      this.cards.delete(key);
    }
    for (const [title, view] of [...this.groups]) {
      if (!elements.includes(view.element)) this.groups.delete(title);
    }
    this.body.replaceChildren(...elements);
    let message = "";
    if (this.layoutError !== null) message = this.layoutError;
    else if (layout.categories.length === 0) message = "No custom-scalars layout in this logdir yet. Write one with SummaryWriter.add_custom_scalars().";
    else if (elements.length === 0) message = "No charts match the filter.";
    this.showEmpty(message);
  }

  private cardFor(spec: ChartSpec, keep: Set<string>): HTMLElement {
    keep.add(spec.key);
    const existing = this.cards.get(spec.key);
    if (existing) {
      existing.setSpec(spec);
      return existing.element;
    }
    const card = this.newCard(spec);
    this.cards.set(spec.key, card);
    return card.element;
  }

  private showEmpty(message: string): void {
    this.empty.textContent = message;
    this.empty.hidden = message === "";
  }
}

function chartRunsInclude(spec: ChartSpec, run: string): boolean {
  if (spec.kind === "multiline") return spec.lines.some((l) => l.run === run);
  return spec.series.some((s) => s.runs.includes(run) || s.bandRuns.includes(run));
}

export const customScalarsDashboard: DashboardFactory = (context) => new CustomScalarsDashboard(context);
