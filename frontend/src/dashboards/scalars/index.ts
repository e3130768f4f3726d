// The Scalars dashboard: keeps one ScalarCard per card spec, reacts to view settings and run
// selection, fetches only what is in view, and refetches the cards that live updates touch.
// It loads its own tag index (GET /api/tags?kind=scalars) when created, when push messages
// say runs or scalar tags changed, and after a reconnect. A card's zoom is kept in the URL
// (zoom_url.ts) and restored from it; the key "s" toggles smoothing (core/keyboard.ts).
// "Group runs" (group_controls.ts, kept in the URL by group_settings.ts) makes every card of a
// plain tag draw groups of runs, one line and band each (card.ts, groups.ts), on the step axis
// (the server aggregates by step).

import type { LiveMessage, PointsUpdate, RunsInfo, TagsIndex } from "../../api/client";
import { LineChart } from "../../charts/line_chart";
import { CardGrid, emptyMessage, runTagKey, selectionChanged } from "../../components/card_grid";
import type { CardRef, DashboardContext, DashboardFactory, DashboardView, RenderedCard } from "../../core/dashboard";
import { linkedStepPatch } from "../../core/linked_step";
import { registerDebugHooks } from "../../core/debug_hooks";
import { DebouncedCalls, h } from "../../core/dom";
import { keyboard } from "../../core/keyboard";
import { DEFAULT_SMOOTHING } from "../../charts/smoothing";
import { LatestLoad } from "../../core/latest_load";
import { drawnRuns } from "../../core/selection";
import type { CappedRuns } from "../../core/run_cap";
import { RunCapNote, capDrawnRuns } from "../../core/run_cap";
import type { AppState } from "../../core/url_state";
import type { ChartFactory } from "./card";
import { ScalarCard } from "./card";
import type { CardSpec } from "../../components/scalar_card_specs";
import { buildCardGroups } from "../../components/scalar_card_specs";
import { ControlsView, cardViewOf, followViewChange, scalarSettings, scalarSettingsParams } from "../../components/scalar_settings";
import { formatZoom, parseZoom, zoomParamName } from "./zoom_url";
import type { GroupsDebug } from "./card";
import { GroupControls } from "./group_controls";
import { groupingOf, sameGrouping } from "./group_settings";
import type { CardView } from "../../components/scalar_settings";

export interface ScalarsOptions {
  /** A stand-in chart for tests (no canvas there). */
  readonly createChart?: ChartFactory;
}

/** A card as tests see it (window.__trainboard.cards(), registered below): plain copies, never live objects. */
export interface CardDebug {
  readonly key: string;
  readonly tag: string;
  readonly parent: string | null;
  readonly state: string;
  readonly visible: boolean;
  readonly zoom: [number, number] | null;
  /** The step (or range) picked on the chart and its table's rows, or null. */
  readonly picked: unknown;
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
  /** The card's groups while runs are grouped (null: not grouped). */
  readonly groups: GroupsDebug | null;
}

const SMOOTHING_REFETCH_MS = 400;
const LIVE_REFETCH_MS = 250;

export class ScalarsDashboard implements DashboardView {
  readonly element: HTMLElement;
  private readonly context: DashboardContext;
  private readonly createChart: ChartFactory;
  private readonly controls: ControlsView;
  private readonly groupControls: GroupControls;
  private readonly grid: CardGrid<CardSpec, ScalarCard>;
  /** Says when the charts draw only the first MAX_CHART_RUNS selected runs. */
  private readonly capNote = new RunCapNote();
  private readonly tags: LatestLoad<TagsIndex>;
  private readonly calls = new DebouncedCalls();
  private readonly touched = new Set<string>();
  private runs: RunsInfo | null = null;
  /** Cards made for elsewhere (renderCard). */
  private readonly outside = new Set<ScalarCard>();
  private readonly refetchPartial: () => void;
  private readonly refetchTouched: () => void;
  private readonly unregisterKeys: () => void;
  /** The smoothing to go back to when the shortcut turns smoothing on again. */
  private lastSmoothing = DEFAULT_SMOOTHING;

  constructor(context: DashboardContext, options: ScalarsOptions = {}) {
    this.context = context;
    this.createChart = options.createChart ?? ((root, width, config, callbacks) => new LineChart(root, width, config, callbacks));
    this.controls = new ControlsView(context);
    this.groupControls = new GroupControls(context);
    this.grid = new CardGrid<CardSpec, ScalarCard>({
      emptyTestId: "scalars-empty",
      create: (spec) => this.newCard(spec),
      update: (card, spec) => card.setSpec(spec),
      remove: (card) => {
        context.visibility.unobserve(card.element);
        card.destroy();
      },
    });
    this.element = h("div", { class: "tb-scalars", "data-testid": "scalars-dashboard" }, this.controls.element, this.groupControls.element, this.capNote.element, this.grid.empty, this.grid.body);
    this.controls.show(context.state());
    this.groupControls.show(context.state());
    this.refetchPartial = this.calls.add(SMOOTHING_REFETCH_MS, () => {
      for (const card of this.cards()) card.viewChanged("if-partial");
    });
    this.refetchTouched = this.calls.add(LIVE_REFETCH_MS, () => this.flushTouched());
    this.tags = new LatestLoad({ fetch: () => context.client.tags("scalars"), what: "the scalar tags", loaded: () => this.rebuild() });
    void this.tags.load();
    this.unregisterKeys = keyboard.register({
      id: "scalars.toggle-smoothing",
      keys: ["s"],
      group: "Scalar charts",
      description: "Smoothing off, or back on",
      run: () => this.toggleSmoothing(),
    });
  }

  /** Smoothing 0 when it is on, else the last value it had (or the default). */
  toggleSmoothing(): void {
    const smoothing = scalarSettings(this.context.state()).smoothing;
    if (smoothing > 0) this.lastSmoothing = smoothing;
    this.context.setParams(scalarSettingsParams({ smoothing: smoothing > 0 ? 0 : this.lastSmoothing || DEFAULT_SMOOTHING }));
  }

  /** Tag loads and debounced refetches not yet started (cards' fetches count in the queue). */
  get pending(): number {
    return this.calls.pending + this.tags.pending;
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
      this.tags.reloadSoon();
    } else if (message.type === "tags" && message.kind === "scalars") {
      this.tags.reloadSoon();
    } else if (message.type === "points" && message.kind === "scalars") {
      this.onPoints(message.updates);
    }
  }

  debug(): CardDebug[] {
    return this.debugCards();
  }

  stateChanged(state: AppState, previous: AppState): void {
    this.controls.show(state);
    this.groupControls.show(state);
    if (selectionChanged(state, previous)) this.rebuild();
    if (!sameGrouping(groupingOf(state), groupingOf(previous))) {
      for (const card of this.cards()) card.groupingChanged();
    }
    followViewChange(this.cards(), state, previous, this.refetchPartial);
    for (const card of this.cards()) card.setZoom(this.urlZoom(card.spec, state));
  }

  /** The zoom the URL of `state` gives the card of `spec`. */
  private urlZoom(spec: CardSpec, state: AppState = this.context.state()): [number, number] | null {
    return parseZoom(state.params[zoomParamName(spec.tag, spec.parent)], this.cardView(state).xaxis);
  }

  /** What cards draw with: the settings, on the step axis while runs are grouped. */
  private cardView(state: AppState = this.context.state()): CardView {
    const view = cardViewOf(state, this.context.theme());
    return groupingOf(state).by !== null ? { ...view, xaxis: "step" } : view;
  }

  themeChanged(): void {
    for (const card of this.cards()) card.viewChanged("never");
  }

  /** Live "points" updates: refetch the cards showing those (run, tag), debounced. */
  onPoints(updates: readonly PointsUpdate[]): void {
    let unknown = false;
    for (const u of updates) {
      this.touched.add(runTagKey(u.run, u.tag));
      if (!this.tags.value?.get(u.run)?.has(u.tag)) unknown = true;
    }
    if (unknown) this.tags.reloadSoon();
    this.refetchTouched();
  }

  /** Refetches the cards drawing any of `runs` (e.g. runs restarted with purged data). */
  invalidateRuns(runs: readonly string[]): void {
    const names = new Set(runs);
    for (const card of this.cards()) {
      if (card.spec.runs.some((run) => names.has(run))) card.invalidate();
    }
  }

  /** Refetches every card (visible now, the rest when they come into view). */
  refreshAll(): void {
    for (const card of this.cards()) card.invalidate();
    this.tags.reloadSoon();
  }

  resize(): void {
    for (const card of this.cards()) card.resize();
  }

  debugCards(): CardDebug[] {
    return this.cards().map((card) => ({
      key: card.spec.key,
      tag: card.spec.tag,
      parent: card.spec.parent,
      state: card.state,
      visible: card.visible,
      zoom: card.zoomRange ? [card.zoomRange[0], card.zoomRange[1]] : null,
      picked: card.picked,
      scales: card.scales ? { x: [...card.scales.x], y: [...card.scales.y], logY: card.scales.logY } : null,
      series: card.series.map((s) => ({
        run: s.label,
        color: s.color,
        points: s.raw.length,
        x: Array.from(s.xs),
        raw: Array.from(s.raw),
        smoothed: s.smoothed ? Array.from(s.smoothed) : null,
      })),
      groups: card.groups,
    }));
  }

  /** A card of tag `ref.tag` (add_scalars parent `ref.run`) drawing the selected runs, kept up to date here. */
  renderCard(ref: CardRef): RenderedCard | null {
    if (ref.dashboard !== "scalars") return null;
    const spec = this.allSpecs().find((s) => s.key === ref.key) ?? { key: ref.key, tag: ref.tag, parent: ref.run, runs: [] };
    const card = this.newCard(spec);
    this.outside.add(card);
    return {
      element: card.element,
      resize: () => card.resize(),
      destroy: () => {
        this.outside.delete(card);
        this.context.visibility.unobserve(card.element);
        card.destroy();
      },
    };
  }

  /** Every card the selected runs give, whatever the tag filter. */
  private allSpecs(): CardSpec[] {
    const tags = this.tags.value;
    if (!this.runs || !tags) return [];
    const { drawn } = this.chartRuns(this.runs.runs, this.context.state());
    return buildCardGroups(this.runs.runs, tags, drawn, "").flatMap((group) => group.items);
  }

  /** Every run holding scalar `tag`, as the tag index has them (undefined: not loaded). */
  private tagRuns(tag: string): string[] | undefined {
    const tags = this.tags.value;
    return tags ? [...tags].filter(([, runTags]) => runTags.has(tag)).map(([run]) => run) : undefined;
  }

  /** The selected runs the charts draw: at most MAX_CHART_RUNS unless grouped (core/run_cap.ts). */
  private chartRuns(runs: RunsInfo["runs"], state: AppState): CappedRuns {
    const drawn = drawnRuns(runs, state.runFilter, state.hiddenRuns);
    // A group's line aggregates every member on the server: no cap there.
    return groupingOf(state).by !== null ? { drawn, selected: drawn.size } : capDrawnRuns(runs, drawn);
  }

  destroy(): void {
    this.unregisterKeys();
    for (const card of this.outside) card.destroy();
    this.outside.clear();
    this.grid.destroy();
  }

  /** The grid's cards, then those made for elsewhere (pinned, the "all" view). */
  private cards(): ScalarCard[] {
    return [...this.grid.cards.values(), ...this.outside];
  }

  private flushTouched(): void {
    const touched = new Set(this.touched);
    this.touched.clear();
    for (const card of this.cards()) {
      if (card.spec.runs.some((run) => touched.has(runTagKey(run, card.spec.tag)))) card.invalidate();
    }
  }

  private newCard(spec: CardSpec): ScalarCard {
    const card = new ScalarCard(spec, {
      client: this.context.client,
      queue: this.context.queue,
      createChart: this.createChart,
      view: () => this.cardView(),
      grouping: () => groupingOf(this.context.state()),
      tagRuns: (tag) => this.tagRuns(tag),
      groupingFailed: (by, message) => this.groupControls.showError(by, message),
      color: (run, theme) => this.context.colors.color(run, theme),
      pins: this.context.pins,
      setLinkedStep: (step) => this.context.setParams(linkedStepPatch(step)),
      zoomChanged: (range) => {
        const name = zoomParamName(card.spec.tag, card.spec.parent);
        const xaxis = this.cardView().xaxis;
        this.context.setParams({ [name]: range ? formatZoom(xaxis, range) : null });
      },
    });
    card.setZoom(this.urlZoom(spec));
    this.context.visibility.observe(card.element, (visible) => card.setVisible(visible));
    return card;
  }

  private rebuild(): void {
    const tags = this.tags.value;
    if (!this.runs || !tags) {
      if (this.tags.error !== null) this.grid.showEmpty(this.tags.error);
      return;
    }
    const state = this.context.state();
    const capped = this.chartRuns(this.runs.runs, state);
    const drawn = capped.drawn;
    this.capNote.show(capped);
    const groups = buildCardGroups(this.runs.runs, tags, drawn, state.tagFilter);
    this.grid.show(groups);
    if (this.outside.size > 0) {
      const specs = new Map(this.allSpecs().map((spec) => [spec.key, spec]));
      for (const card of this.outside) card.setSpec(specs.get(card.spec.key) ?? { ...card.spec, runs: [] });
    }
    const hasScalars = [...tags.values()].some((t) => t.size > 0);
    const noData = hasScalars ? null : "No scalar data in this logdir yet. Log some with SummaryWriter.add_scalar().";
    this.grid.showEmpty(emptyMessage({ error: this.tags.error, noData, selected: drawn.size, shown: groups.length }));
  }
}

export const scalarsDashboard: DashboardFactory = (context) => new ScalarsDashboard(context);

declare module "../../core/debug_hooks" {
  interface DashboardDebugHooks {
    /** Every scalar card (none until the Scalars tab was shown). */
    cards(): CardDebug[];
    /** One card (`parent`: the run of an add_scalars group card), or null. */
    card(tag: string, parent?: string | null): CardDebug | null;
  }
}

function cardsOf(view: DashboardView | null): CardDebug[] {
  return view instanceof ScalarsDashboard ? view.debugCards() : [];
}

registerDebugHooks("scalars", {
  cards: (view) => () => cardsOf(view),
  card: (view) => (tag, parent = null) => cardsOf(view).find((c) => c.tag === tag && c.parent === parent) ?? null,
});
