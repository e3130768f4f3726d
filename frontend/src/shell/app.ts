// The dashboard shell: header with tabs and live status, warnings, runs panel, and the
// selected dashboard. It loads environment, runs and tags, keeps them fresh from the push
// channel, and keeps the view state in the URL.

import type { ApiClient, LiveMessage, RunsInfo } from "../api/client";
import { RunColors } from "../core/colors";
import type { CardRef, DashboardContext, DashboardView, RenderedCard } from "../core/dashboard";
import { selectedRuns } from "../core/dashboard";
import type { DashboardId, DashboardInfo } from "../core/dashboards";
import { DASHBOARDS, DEFAULT_DASHBOARD } from "../core/dashboards";
import { debounce, h } from "../core/dom";
import { FetchQueue } from "../core/fetch_queue";
import type { LiveStatus } from "../core/live";
import { LiveConnection } from "../core/live";
import { ThemeWatcher } from "../core/theme";
import type { AppState } from "../core/url_state";
import { UrlState } from "../core/url_state";
import type { VisibilityTracker } from "../core/visibility";
import { IntersectionTracker } from "../core/visibility";
import { DASHBOARD_REGISTRY } from "../dashboards/registry";
import type { DashboardRegistry } from "./dashboard_host";
import { DashboardHost } from "./dashboard_host";
import { PinStore } from "../core/pins";
import { relabelRunElements } from "../core/run_labels";
import { PinnedSection } from "./pinned";
import { loadingView, placeholderView } from "./placeholder";
import { LoadProgressView } from "./progress";
import { RunsPanel } from "./runs_panel";
import type { RunNotesTransport } from "./run_notes";
import { HttpNotesTransport, RunNotesStore } from "./run_notes";
import { TabsView } from "./tabs";
import { WarningsView } from "./warnings";
import { Workbench } from "./workbench";

export interface AppOptions {
  /** Stand-in for tests (no IntersectionObserver there). */
  readonly visibility?: VisibilityTracker;
  readonly liveDelayMs?: { min: number; max: number };
  /** Entries replacing the registry's (tests: a dashboard with stand-in charts). */
  readonly dashboards?: DashboardRegistry;
  /** The pins (tests: a store over a stand-in storage); default: kept in localStorage. */
  readonly pins?: PinStore;
  /** Where run notes are read and changed (tests: in memory); default: /api/runs/notes. */
  readonly notes?: RunNotesTransport;
}

const EMPTY_RUNS: RunsInfo = { runs: [], kinds: new Set(), warnings: [] };

export class App {
  readonly element: HTMLElement;
  readonly urlState: UrlState;
  /** Few at once: the first cards in view arrive sooner than if all shared the server. */
  readonly queue = new FetchQueue(3);
  private readonly client: ApiClient;
  private readonly theme: ThemeWatcher;
  private readonly colors = new RunColors();
  private readonly visibility: VisibilityTracker;
  private readonly dashboards: DashboardHost;
  private readonly tabs: TabsView;
  private readonly warnings = new WarningsView();
  /** Files and bytes the server has read, while its first load of the logdir runs. */
  private readonly progress: LoadProgressView;
  private readonly runsPanel: RunsPanel;
  /** The run notes (display names, colours, tags, hidden, archived, trash). */
  readonly notes: RunNotesStore;
  /** Settings pane, run colour choices, keyboard shortcuts and their help. */
  readonly workbench: Workbench;
  private uninstallKeys: (() => void) | null = null;
  readonly pins: PinStore;
  private readonly pinned: PinnedSection;
  private readonly content: HTMLElement;
  private readonly error: HTMLElement;
  private readonly liveBadge: HTMLElement;
  private readonly live: LiveConnection;
  private runs: RunsInfo = EMPTY_RUNS;
  private loaded = false;
  private loads = 0;
  /** The dashboard attached to the page, or null while a placeholder shows. */
  private attached: DashboardView | null = null;
  readonly reloadRuns: () => void;

  constructor(client: ApiClient, options: AppOptions = {}) {
    this.client = client;
    this.urlState = new UrlState();
    this.theme = new ThemeWatcher();
    this.visibility = options.visibility ?? new IntersectionTracker();
    const update = (patch: Partial<AppState>): void => this.urlState.update(patch);
    const state = (): AppState => this.urlState.state;
    const theme = (): "light" | "dark" => this.theme.theme;
    this.tabs = new TabsView((tab) => update({ tab }));
    this.notes = new RunNotesStore(options.notes ?? new HttpNotesTransport(client));
    this.runsPanel = new RunsPanel({ colors: this.colors, state, theme, update, setColorPrefs: (prefs) => this.workbench.setColorPrefs(prefs), notes: this.notes });
    this.notes.subscribe(() => this.notesChanged());
    this.workbench = new Workbench({
      urlState: this.urlState,
      theme: this.theme,
      colors: this.colors,
      colorsChanged: () => this.colorsChanged(),
      defaultsChanged: (next, previous) => this.dashboards.forEach((view) => view.stateChanged(next, previous)),
      resize: () => this.attached?.resize(),
      focusRunFilter: () => this.runsPanel.focusFilter(),
    });
    this.reloadRuns = debounce(() => void this.load(), 200);
    this.dashboards = new DashboardHost(
      { ...DASHBOARD_REGISTRY, ...options.dashboards },
      {
        context: (info) => this.context(info),
        created: (view) => {
          if (this.loaded) view.setRuns(this.runs);
        },
        loaded: () => this.showDashboard(),
      },
    );
    this.pins = options.pins ?? new PinStore();
    this.pinned = new PinnedSection(this.pins, (ref) => this.renderCard(ref));
    this.content = h("main", { class: "tb-content", "data-testid": "content" });
    this.progress = new LoadProgressView(client);
    this.error = h("div", { class: "tb-load-error", role: "alert", "data-testid": "load-error" });
    this.error.hidden = true;
    this.liveBadge = h("span", { class: "tb-live", "data-testid": "live-status", title: "Live updates" });
    this.element = h(
      "div",
      { class: "tb-app" },
      h("header", { class: "tb-header" }, h("span", { class: "tb-logo" }, "trainboard"), this.tabs.element, this.liveBadge, this.workbench.pane.button),
      this.workbench.pane.element,
      this.workbench.help.element,
      this.progress.element,
      this.error,
      this.warnings.element,
      h("div", { class: "tb-main" }, this.runsPanel.element, this.content),
    );
    this.live = new LiveConnection(() => client.openLive(), {
      onMessage: (message) => this.onLive(message),
      onReconnect: () => {
        this.reloadRuns();
        this.dashboards.forEach((view) => view.refreshAll());
      },
      onStatus: (status) => this.showLiveStatus(status),
    }, options.liveDelayMs ? { minDelayMs: options.liveDelayMs.min, maxDelayMs: options.liveDelayMs.max } : {});
    this.urlState.subscribe((next, previous) => this.stateChanged(next, previous));
    window.addEventListener(
      "resize",
      debounce(() => {
        this.attached?.resize();
        this.pinned.resize();
      }, 150),
    );
    this.theme.subscribe(() => this.colorsChanged());
  }

  /** Requests in flight or scheduled; 0 means the page is quiet. */
  get pending(): number {
    return this.loads + this.queue.pending + this.dashboards.pending + this.pinned.pending + this.notes.pending + this.runsPanel.pending;
  }

  /** The dashboard of tab `id` if it has been created (tabs are created when first shown). */
  dashboard(id: DashboardId): DashboardView | null {
    return this.dashboards.get(id);
  }

  get runsInfo(): RunsInfo {
    return this.runs;
  }

  get liveStatus(): LiveStatus {
    return this.live.status;
  }

  /** Loads everything and starts the push connection. */
  async start(): Promise<void> {
    this.progress.start();
    this.showDashboard();
    const environment = this.client.environment().then(
      (env) => {
        document.title = env.windowTitle || "trainboard";
      },
      () => undefined,
    );
    this.uninstallKeys ??= this.workbench.install();
    await Promise.all([environment, this.load()]);
    this.live.start();
  }

  stop(): void {
    this.progress.stop();
    this.uninstallKeys?.();
    this.uninstallKeys = null;
    this.live.stop();
    this.pinned.destroy();
    this.dashboards.destroy();
  }

  /** Fetches the runs, then updates every view. */
  async load(): Promise<void> {
    this.loads++;
    try {
      const [runs] = await Promise.all([this.client.runs(), this.notes.load()]);
      this.runs = runs;
      this.loaded = true;
      this.colors.assign(runs.runs);
      this.error.hidden = true;
      this.warnings.show(runs.warnings);
      this.tabs.show(this.urlState.state.tab, runs.kinds);
      this.runsPanel.setRuns(runs.runs);
      this.dashboards.forEach((view) => view.setRuns(runs));
      this.pinned.start();
      // Whether a tab has data is known only now (placeholder or dashboard).
      this.showDashboard();
    } catch (err) {
      this.error.textContent = `Could not load the logdir: ${err instanceof Error ? err.message : String(err)}`;
      this.error.hidden = false;
    } finally {
      this.loads--;
    }
  }

  private context(info: DashboardInfo): DashboardContext {
    const urlState = this.urlState;
    return {
      info,
      client: this.client,
      queue: this.queue,
      colors: this.colors,
      visibility: this.visibility,
      state: () => urlState.state,
      theme: () => this.theme.theme,
      update: (patch) => urlState.update(patch),
      param: (name) => urlState.state.params[name] ?? null,
      setParams: (patch) => {
        const params: Record<string, string> = { ...urlState.state.params };
        for (const [name, value] of Object.entries(patch)) {
          if (value === null) delete params[name];
          else params[name] = value;
        }
        urlState.update({ params });
      },
      runs: () => this.runs,
      drawnRuns: () => selectedRuns(this.runs, urlState.state),
      color: (run) => this.colors.color(run, this.theme.theme),
      reloadRuns: () => this.reloadRuns(),
      pins: this.pins,
      renderCard: (ref) => this.renderCard(ref),
    };
  }

  /** What the pinned section shows (pin ids, and those showing a card), for tests. */
  pinnedDebug(): { pins: string[]; shown: string[] } {
    return this.pinned.debug();
  }

  /** A card of `ref`'s dashboard made for elsewhere (creating that dashboard if need be). */
  private async renderCard(ref: CardRef): Promise<RenderedCard | null> {
    const info = DASHBOARDS.find((d) => d.id === ref.dashboard);
    if (!info) return null;
    const view = await this.dashboards.ensureLoaded(info);
    return view?.renderCard?.(ref) ?? null;
  }

  /** What the runs panel shows, for tests and benchmarks (window.__trainboard.runsPanel()). */
  runsPanelDebug(): ReturnType<RunsPanel["debug"]> {
    return this.runsPanel.debug();
  }

  /**
   * The run notes changed (names, colours, what leaves the selection): every dashboard takes
   * the runs again and redraws.
   */
  private notesChanged(): void {
    if (!this.loaded) return;
    relabelRunElements(this.element);
    this.dashboards.forEach((view) => {
      view.setRuns(this.runs);
      view.themeChanged();
    });
  }

  /** Run colours (or the theme) changed: the runs panel and every dashboard redraw. */
  private colorsChanged(): void {
    this.runsPanel.show(this.urlState.state);
    this.dashboards.forEach((view) => view.themeChanged());
  }

  private onLive(message: LiveMessage): void {
    if (message.type === "runs" || message.type === "warnings") this.reloadRuns();
    this.dashboards.forEach((view) => view.onLive(message));
  }

  private stateChanged(next: AppState, previous: AppState): void {
    this.runsPanel.show(next);
    this.tabs.show(next.tab, this.runs.kinds);
    this.dashboards.forEach((view) => view.stateChanged(next, previous));
    if (next.tab !== previous.tab) this.showDashboard();
  }

  /**
   * Shows the selected tab: its dashboard when it has one and the logdir has its kind (the
   * default tab always: it says itself that there is no data), else a placeholder.
   */
  private showDashboard(): void {
    const tab = this.urlState.state.tab;
    this.tabs.show(tab, this.runs.kinds);
    const info = DASHBOARDS.find((d) => d.id === tab);
    if (!info) return;
    const hasData = info.kind === null || this.runs.kinds.has(info.kind);
    const wanted = this.dashboards.has(tab) && (tab === DEFAULT_DASHBOARD || (this.loaded && hasData));
    const view = wanted ? this.dashboards.ensure(info) : null;
    if (view) {
      if (view === this.attached) return;
      this.attached?.hide();
      this.attached = view;
      this.content.replaceChildren(this.pinned.element, view.element);
      view.show();
      return;
    }
    this.attached?.hide();
    this.attached = null;
    const failure = this.dashboards.failure(tab);
    const waiting = !this.loaded || (wanted && failure === null);
    this.content.replaceChildren(this.pinned.element, waiting ? loadingView(info) : placeholderView(info, this.runs.kinds, failure));
  }

  private showLiveStatus(status: LiveStatus): void {
    this.liveBadge.dataset.status = status;
    this.liveBadge.textContent = status === "open" ? "● live" : status === "stopped" ? "" : "○ reconnecting…";
  }
}
