// One scalar card: fetches its tag for its runs only while visible, draws them, zooms by
// fetching finer data for the selected x range, and offers per-run downloads.
//
// Test hooks on the card element: data-testid="scalar-card", data-tag, data-parent (add_scalars
// group cards), data-state (idle | loading | ready | empty | error), data-points (raw points
// drawn, summed over runs), data-runs (runs drawn), data-zoomed ("1" while zoomed); the status
// line (card-status) says "Loading…" until the first data, and what failed on an error (and a
// Retry button follows it, card-retry). A zoom is told to env.zoomChanged (the dashboard keeps it in the
// URL) and set back with setZoom.
//
// Grouped (env.grouping() names a `by`; cards of add_scalars groups stay ungrouped): the card
// fetches GET /api/scalars/groups instead and draws one line and band per group, with the
// group legend (groups.ts) under the chart; a click on a group there fetches its members as
// ordinary series and draws them thin beneath. data-grouped="1" while it does. The groups are
// of the card's runs (the runs panel's selection) and, zoomed, downsampled within the zoom's
// steps; a grouping the server refuses (400: a regex Python's re rejects) is told to
// env.groupingFailed besides the card's error.

import type { ApiClient, ScalarsResult } from "../../api/client";
import { ApiError } from "../../api/client";
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
import type { GroupsQuery, GroupsResult } from "./group_api";
import { fetchGroups, groupRuns } from "./group_api";
import type { Grouping } from "./group_settings";
import { GroupLegend, expandedMembers, groupChartSeries, groupColor, groupLabel, memberChartSeries } from "./groups";
import { runLabel } from "../../core/run_labels";

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
  /** How runs are grouped (left out, or `by` null: not grouped). */
  grouping?(): Grouping;
  /** Every run holding scalar `tag` (a grouped card whose runs are all of them sends no list). */
  tagRuns?(tag: string): readonly string[] | undefined;
  /** The server refused grouping by `by` (e.g. a regex Python's re rejects): its message. */
  groupingFailed?(by: string, message: string): void;
}

/** A group card's data: the groups, and the members of its expanded groups (null: none). */
interface GroupedData {
  readonly query: GroupsQuery;
  readonly result: GroupsResult;
  readonly members: { readonly query: ScalarsQuery; readonly result: ScalarsResult } | null;
}

/** A card's groups, as tests see them (CardDebug.groups): the query asked and the answer. */
export interface GroupsDebug {
  readonly by: string;
  readonly stat: string;
  readonly band: string;
  readonly width: number;
  readonly smoothing: number;
  /** The runs asked for (null: every run holding the tag). */
  readonly runs: string[] | null;
  readonly xmin: number | null;
  readonly xmax: number | null;
  readonly ungrouped: string[];
  readonly groups: GroupDebug[];
}

/** A group on a card, as tests see it (CardDebug.groups). */
export interface GroupDebug {
  readonly name: string;
  readonly label: string;
  readonly color: string;
  readonly members: readonly string[];
  readonly expanded: boolean;
  readonly steps: number[];
  readonly value: (number | null)[];
  readonly low: (number | null)[];
  readonly high: (number | null)[];
  readonly count: number[];
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
  private grouped: GroupedData | null = null;
  private readonly expanded = new Set<string>();
  private readonly legend: GroupLegend;

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
    this.legend = new GroupLegend((name) => this.toggleGroup(name));
    this.chartRoot.after(this.legend.element);
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
    else if (!this.chart && this.hasData()) this.draw();
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
    if (this.hasData()) this.draw();
    // A group's line and band are smoothed on the server: a new smoothing always refetches.
    const partial = this.groupedMode() || (this.result !== null && needsServerSmoothing(this.result, this.zoom !== null));
    if (refetch === "always" || (refetch === "if-partial" && partial)) this.invalidate();
  }

  resize(): void {
    this.chart?.resize(this.width());
  }

  /** The grouping changed: drop what was drawn the other way and refetch. */
  groupingChanged(): void {
    const grouped = this.grouped;
    const by = this.groupedMode() ? (this.env.grouping?.().by ?? null) : null;
    if (!grouped || grouped.query.by !== by) this.expanded.clear();
    this.result = null;
    this.query = null;
    this.grouped = null;
    this.legend.show(null, this.expanded, this.env.view().theme);
    this.chart?.setConfig(this.chartConfig()); // grouped cards are on the step axis
    this.invalidate();
  }

  /** Whether the card draws groups (a grouping is on and the card is a plain tag's). */
  groupedMode(): boolean {
    return this.spec.parent === null && (this.env.grouping?.().by ?? null) !== null;
  }

  /** The card's groups, for tests (null: not grouped, or not loaded). */
  get groups(): GroupsDebug | null {
    const grouped = this.grouped;
    if (!grouped) return null;
    const theme = this.env.view().theme;
    const list = (values: Float64Array): (number | null)[] => Array.from(values, (v) => (Number.isFinite(v) ? v : null));
    const { result } = grouped;
    return {
      by: result.by,
      stat: result.stat,
      band: result.band,
      width: grouped.query.width,
      smoothing: grouped.query.smoothing,
      runs: grouped.query.runs === null ? null : [...grouped.query.runs],
      xmin: grouped.query.xmin ?? null,
      xmax: grouped.query.xmax ?? null,
      ungrouped: [...result.ungrouped],
      groups: result.groups.map((g, i) => ({
        name: g.name,
        label: groupLabel(result.by, g.name),
        color: groupColor(i, theme),
        members: [...g.members],
        expanded: this.expanded.has(g.name),
        steps: Array.from(g.steps),
        value: list(g.value),
        low: list(g.low),
        high: list(g.high),
        count: Array.from(g.count),
      })),
    };
  }

  /** Expands (draws the members of) group `name`, or collapses it. */
  toggleGroup(name: string): void {
    const expand = !this.expanded.has(name);
    if (expand) this.expanded.add(name);
    else this.expanded.delete(name);
    if (this.grouped) this.draw();
    // Collapsing only draws less; expanding fetches the members.
    if (expand) this.invalidate();
  }

  private hasData(): boolean {
    return this.groupedMode() ? this.grouped !== null : this.result !== null;
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
    if (this.hasData()) this.draw();
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
    const grouped = this.grouped?.result;
    return {
      title: this.spec.tag,
      subtitle: grouped ? `${grouped.stat}, band ${grouped.band}, by ${grouped.by}` : this.spec.parent,
      theme: this.env.view().theme,
      canvas,
      vector: this.chart?.vector?.() ?? null,
      legend: this.drawn.map((s) => ({ label: s.band ? `${s.label} (${s.band.members} runs)` : runLabel(s.label), color: s.color })),
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
    if (!this.hasData()) {
      this.setState("loading");
      this.status.textContent = LOADING_STATUS;
      setRetry(this.status, null);
    }
    this.element.dataset.fetching = "1";
    try {
      if (this.groupedMode()) {
        const grouped = await this.env.queue.run(() => {
          if (controller.signal.aborted) throw new DOMException("aborted", "AbortError");
          return this.fetchGrouped(query, controller.signal);
        });
        if (controller.signal.aborted) return;
        this.grouped = grouped;
      } else {
        const result = await this.env.queue.run(() => {
          if (controller.signal.aborted) throw new DOMException("aborted", "AbortError");
          return fetchScalars(this.env.client, query, controller.signal);
        });
        if (controller.signal.aborted) return;
        this.result = result;
        this.query = query;
      }
      this.draw();
    } catch (err) {
      if (controller.signal.aborted || (err instanceof DOMException && err.name === "AbortError")) return;
      const message = err instanceof Error ? err.message : String(err);
      this.status.textContent = `Could not load ${this.spec.tag}: ${message}`;
      const by = this.groupedMode() ? this.env.grouping?.().by : null;
      if (by && err instanceof ApiError && err.status === 400) this.env.groupingFailed?.(by, message);
      setRetry(this.status, () => this.invalidate());
      this.setState("error");
    } finally {
      if (this.controller === controller) {
        this.controller = null;
        delete this.element.dataset.fetching;
      }
    }
  }

  /** The groups for `query`'s width and smoothing, then the members of the expanded ones. */
  private async fetchGrouped(query: ScalarsQuery, signal: AbortSignal): Promise<GroupedData> {
    const grouping = this.env.grouping?.();
    if (!grouping?.by) throw new Error("the card is not grouped");
    const groupsQuery: GroupsQuery = {
      tag: query.tag,
      runs: groupRuns(query.runs, this.env.tagRuns?.(query.tag)),
      by: grouping.by,
      stat: grouping.stat,
      band: grouping.band,
      width: Math.max(1, Math.min(10000, Math.round(query.width))),
      smoothing: query.smoothing,
      smoothingKind: query.smoothingKind,
      // The zoom is in steps: grouped cards draw on the step axis.
      xmin: query.xmin,
      xmax: query.xmax,
    };
    const result = await fetchGroups(this.env.client, groupsQuery, signal);
    const runs = expandedMembers(result, this.expanded);
    if (runs.length === 0) return { query: groupsQuery, result, members: null };
    // Members are ordinary series (finer inside a zoom), on the step axis as their groups are.
    const membersQuery: ScalarsQuery = { ...query, runs, xaxis: "step" };
    return { query: groupsQuery, result, members: { query: membersQuery, result: await fetchScalars(this.env.client, membersQuery, signal) } };
  }

  /** What the chart draws: the runs, or the groups (members beneath, then lines over bands). */
  private chartLines(): ChartSeries[] | null {
    const view = this.env.view();
    if (this.groupedMode()) {
      const grouped = this.grouped;
      if (!grouped) return null;
      const members = grouped.members
        ? memberChartSeries(grouped.result, this.expanded, grouped.members.result, grouped.members.query, view, view.theme)
        : [];
      this.legend.show(grouped.result, this.expanded, view.theme);
      return [...members, ...groupChartSeries(grouped.result, view.theme)];
    }
    this.legend.show(null, this.expanded, view.theme);
    const result = this.result;
    const query = this.query;
    if (!result || !query) return null;
    return chartSeries(result, query, view, (run) => this.env.color(run, view.theme));
  }

  private draw(): void {
    const lines = this.chartLines();
    if (!lines) return;
    this.drawn = lines;
    this.element.dataset.grouped = this.groupedMode() ? "1" : "0";
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
