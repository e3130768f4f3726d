// The Scalars dashboard: keeps one ScalarCard per card spec, reacts to view settings and run
// selection, fetches only what is in view, and refetches the cards that live updates touch.
// It loads its own tag index (GET /api/tags?kind=scalars) when created, when push messages
// say runs or scalar tags changed, and after a reconnect.

import type { LiveMessage, PointsUpdate, RunsInfo, TagsIndex } from "../../api/client";
import { LineChart } from "../../charts/line_chart";
import type { DashboardContext, DashboardFactory, DashboardView } from "../../core/dashboard";
import { debounce, h } from "../../core/dom";
import { drawnRuns } from "../../core/selection";
import type { AppState } from "../../core/url_state";
import type { CardView, ChartFactory } from "./card";
import { ScalarCard } from "./card";
import { buildCardGroups } from "./card_specs";
import { GroupView } from "../../components/tag_groups";
import { ControlsView } from "./view";

export interface ScalarsOptions {
  /** A stand-in chart for tests (no canvas there). */
  readonly createChart?: ChartFactory;
}

/** A card as tests see it (window.__trainboard.cards()): plain copies, never live objects. */
export interface CardDebug {
  readonly key: string;
  readonly tag: string;
  readonly parent: string | null;
  readonly state: string;
  readonly visible: boolean;
  readonly zoom: [number, number] | null;
  /** The x and y ranges the chart shows (null before it is drawn). */
  readonly scales: { x: [number, number]; y: [number, number]; logY: boolean } | null;
  readonly series: readonly {
    readonly run: string;
    readonly color: string;
    readonly points: number;
    readonly x: number[];
    readonly raw: number[];
    readonly smoothed: number[] | null;
  }[];
}

const SMOOTHING_REFETCH_MS = 400;
const LIVE_REFETCH_MS = 250;
const TAGS_RELOAD_MS = 200;

export class ScalarsDashboard implements DashboardView {
  readonly element: HTMLElement;
  private readonly context: DashboardContext;
  private readonly createChart: ChartFactory;
  private readonly controls: ControlsView;
  private readonly body: HTMLDivElement;
  private readonly empty: HTMLDivElement;
  private readonly cards = new Map<string, ScalarCard>();
  private readonly groups = new Map<string, GroupView>();
  private readonly collapsed = new Set<string>();
  private readonly touched = new Set<string>();
  private runs: RunsInfo | null = null;
  private tags: TagsIndex | null = null;
  private readonly scheduled = new Set<string>();
  private readonly refetchPartial: () => void;
  private readonly refetchTouched: () => void;
  private readonly reloadTags: () => void;
  private tagLoads = 0;
  private tagGeneration = 0;
  private tagError: string | null = null;

  constructor(context: DashboardContext, options: ScalarsOptions = {}) {
    this.context = context;
    this.createChart = options.createChart ?? ((root, width, config, callbacks) => new LineChart(root, width, config, callbacks));
    this.controls = new ControlsView((patch) => context.update(patch));
    this.body = h("div", { class: "tb-groups" });
    this.empty = h("div", { class: "tb-empty", "data-testid": "scalars-empty" });
    this.element = h("div", { class: "tb-scalars", "data-testid": "scalars-dashboard" }, this.controls.element, this.empty, this.body);
    this.controls.show(context.state());
    this.refetchPartial = this.scheduledCall("smoothing", SMOOTHING_REFETCH_MS, () => {
      for (const card of this.cards.values()) card.viewChanged("if-partial");
    });
    this.refetchTouched = this.scheduledCall("live", LIVE_REFETCH_MS, () => this.flushTouched());
    this.reloadTags = this.scheduledCall("tags", TAGS_RELOAD_MS, () => void this.loadTags());
    void this.loadTags();
  }

  /** Tag loads and debounced refetches not yet started (cards' fetches count in the queue). */
  get pending(): number {
    return this.scheduled.size + this.tagLoads;
  }

  setRuns(runs: RunsInfo): void {
    this.runs = runs;
    this.rebuild();
  }

  show(): void {
    this.resize();
  }

  hide(): void {}

  onLive(message: LiveMessage): void {
    if (message.type === "runs") {
      this.invalidateRuns([...message.reset, ...message.removed]);
      this.reloadTags();
    } else if (message.type === "tags" && message.kind === "scalars") {
      this.reloadTags();
    } else if (message.type === "points" && message.kind === "scalars") {
      this.onPoints(message.updates);
    }
  }

  debug(): CardDebug[] {
    return this.debugCards();
  }

  private async loadTags(): Promise<void> {
    const generation = ++this.tagGeneration;
    this.tagLoads++;
    try {
      const tags = await this.context.client.tags("scalars");
      if (generation !== this.tagGeneration) return;
      this.tags = tags;
      this.tagError = null;
    } catch (err) {
      if (generation !== this.tagGeneration) return;
      this.tagError = `Could not load the scalar tags: ${err instanceof Error ? err.message : String(err)}`;
    } finally {
      this.tagLoads--;
    }
    this.rebuild();
  }

  stateChanged(state: AppState, previous: AppState): void {
    this.controls.show(state);
    if (
      state.runFilter !== previous.runFilter ||
      state.tagFilter !== previous.tagFilter ||
      state.hiddenRuns !== previous.hiddenRuns
    ) {
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

  themeChanged(): void {
    for (const card of this.cards.values()) card.viewChanged("never");
  }

  /** Live "points" updates: refetch the cards showing those (run, tag), debounced. */
  onPoints(updates: readonly PointsUpdate[]): void {
    let unknown = false;
    for (const u of updates) {
      this.touched.add(`${u.run}\u0000${u.tag}`);
      if (!this.tags?.get(u.run)?.has(u.tag)) unknown = true;
    }
    if (unknown) this.reloadTags();
    this.refetchTouched();
  }

  /** Refetches the cards drawing any of `runs` (e.g. runs restarted with purged data). */
  invalidateRuns(runs: readonly string[]): void {
    const names = new Set(runs);
    for (const card of this.cards.values()) {
      if (card.spec.runs.some((run) => names.has(run))) card.invalidate();
    }
  }

  /** Refetches every card (visible now, the rest when they come into view). */
  refreshAll(): void {
    for (const card of this.cards.values()) card.invalidate();
    this.reloadTags();
  }

  resize(): void {
    for (const card of this.cards.values()) card.resize();
  }

  debugCards(): CardDebug[] {
    return [...this.cards.values()].map((card) => ({
      key: card.spec.key,
      tag: card.spec.tag,
      parent: card.spec.parent,
      state: card.state,
      visible: card.visible,
      zoom: card.zoomRange ? [card.zoomRange[0], card.zoomRange[1]] : null,
      scales: card.scales ? { x: [...card.scales.x], y: [...card.scales.y], logY: card.scales.logY } : null,
      series: card.series.map((s) => ({
        run: s.label,
        color: s.color,
        points: s.raw.length,
        x: Array.from(s.xs),
        raw: Array.from(s.raw),
        smoothed: s.smoothed ? Array.from(s.smoothed) : null,
      })),
    }));
  }

  destroy(): void {
    for (const card of this.cards.values()) {
      this.context.visibility.unobserve(card.element);
      card.destroy();
    }
    this.cards.clear();
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

  private flushTouched(): void {
    const touched = new Set(this.touched);
    this.touched.clear();
    for (const card of this.cards.values()) {
      if (card.spec.runs.some((run) => touched.has(`${run}\u0000${card.spec.tag}`))) card.invalidate();
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

  private newCard(spec: ConstructorParameters<typeof ScalarCard>[0]): ScalarCard {
    const card = new ScalarCard(spec, {
      client: this.context.client,
      queue: this.context.queue,
      createChart: this.createChart,
      view: () => this.cardView(),
      color: (run, theme) => this.context.colors.color(run, theme),
    });
    this.context.visibility.observe(card.element, (visible) => card.setVisible(visible));
    return card;
  }

  private rebuild(): void {
    if (!this.runs || !this.tags) {
      if (this.tagError !== null) this.showEmpty(0, 0);
      return;
    }
    const state = this.context.state();
    const drawn = drawnRuns(this.runs.runs, state.runFilter, state.hiddenRuns);
    const groups = buildCardGroups(this.runs.runs, this.tags, drawn, state.tagFilter);
    const keep = new Set<string>();
    const groupElements: HTMLElement[] = [];
    for (const group of groups) {
      let view = this.groups.get(group.name);
      if (!view) {
        const name = group.name;
        view = new GroupView(name, (collapsed) => (collapsed ? this.collapsed.add(name) : this.collapsed.delete(name)));
        view.setCollapsed(this.collapsed.has(name));
        this.groups.set(name, view);
      }
      const elements = group.cards.map((spec) => {
        keep.add(spec.key);
        const existing = this.cards.get(spec.key);
        if (existing) {
          existing.setSpec(spec);
          return existing.element;
        }
        const card = this.newCard(spec);
        this.cards.set(spec.key, card);
        return card.element;
      });
      view.setCards(elements);
      groupElements.push(view.element);
    }
    for (const [key, card] of this.cards) {
      if (keep.has(key)) continue;
      this.context.visibility.unobserve(card.element);
      card.destroy();
      this.cards.delete(key);
    }
    for (const name of [...this.groups.keys()]) {
      if (!groups.some((g) => g.name === name)) this.groups.delete(name);
    }
    this.body.replaceChildren(...groupElements);
    this.showEmpty(drawn.size, groups.length);
  }

  private showEmpty(drawnRunCount: number, groupCount: number): void {
    const hasScalars = [...(this.tags?.values() ?? [])].some((tags) => tags.size > 0);
    let message = "";
    if (this.tagError !== null) message = this.tagError;
    else if (!hasScalars) message = "No scalar data in this logdir yet. Log some with SummaryWriter.add_scalar().";
    else if (drawnRunCount === 0) message = "No runs selected.";
    else if (groupCount === 0) message = "No tags match the filter.";
    this.empty.textContent = message;
    this.empty.hidden = message === "";
  }
}

export const scalarsDashboard: DashboardFactory = (context) => new ScalarsDashboard(context);
