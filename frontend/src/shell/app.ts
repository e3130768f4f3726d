// The dashboard shell: header with tabs and live status, warnings, runs panel, and the
// selected dashboard. It loads environment, runs and tags, keeps them fresh from the push
// channel, and keeps the view state in the URL.

import type { ApiClient, LiveMessage, RunsInfo } from "../api/client";
import { RunColors } from "../core/colors";
import type { DashboardId } from "../core/dashboards";
import { DASHBOARDS } from "../core/dashboards";
import { debounce, h } from "../core/dom";
import { FetchQueue } from "../core/fetch_queue";
import type { LiveStatus } from "../core/live";
import { LiveConnection } from "../core/live";
import { ThemeWatcher } from "../core/theme";
import type { AppState } from "../core/url_state";
import { UrlState } from "../core/url_state";
import type { VisibilityTracker } from "../core/visibility";
import type { ChartFactory } from "../dashboards/scalars/card";
import { ScalarsDashboard } from "../dashboards/scalars/index";
import { placeholderView } from "./placeholder";
import { RunsPanel } from "./runs_panel";
import { TabsView } from "./tabs";
import { WarningsView } from "./warnings";

export interface AppOptions {
  /** Stand-ins for tests (no canvas or IntersectionObserver there). */
  readonly createChart?: ChartFactory;
  readonly visibility?: VisibilityTracker;
  readonly liveDelayMs?: { min: number; max: number };
}

const EMPTY_RUNS: RunsInfo = { runs: [], kinds: new Set(), warnings: [] };

export class App {
  readonly element: HTMLElement;
  readonly urlState: UrlState;
  /** Few at once: the first cards in view arrive sooner than if all shared the server. */
  readonly queue = new FetchQueue(3);
  readonly scalars: ScalarsDashboard;
  private readonly client: ApiClient;
  private readonly theme: ThemeWatcher;
  private readonly colors = new RunColors();
  private readonly tabs: TabsView;
  private readonly warnings = new WarningsView();
  private readonly runsPanel: RunsPanel;
  private readonly content: HTMLElement;
  private readonly error: HTMLElement;
  private readonly liveBadge: HTMLElement;
  private readonly live: LiveConnection;
  private runs: RunsInfo = EMPTY_RUNS;
  private loads = 0;
  private shown: DashboardId | null = null;
  readonly reloadRuns: () => void;
  readonly reloadTags: () => void;

  constructor(client: ApiClient, options: AppOptions = {}) {
    this.client = client;
    this.urlState = new UrlState();
    this.theme = new ThemeWatcher();
    const update = (patch: Partial<AppState>): void => this.urlState.update(patch);
    const state = (): AppState => this.urlState.state;
    const theme = (): "light" | "dark" => this.theme.theme;
    this.tabs = new TabsView((tab) => update({ tab }));
    this.runsPanel = new RunsPanel({ colors: this.colors, state, theme, update });
    this.reloadRuns = debounce(() => void this.load(), 200);
    this.reloadTags = debounce(() => void this.load(), 200);
    this.scalars = new ScalarsDashboard({
      client,
      queue: this.queue,
      colors: this.colors,
      state,
      theme,
      update,
      reloadTags: this.reloadTags,
      ...(options.createChart ? { createChart: options.createChart } : {}),
      ...(options.visibility ? { visibility: options.visibility } : {}),
    });
    this.content = h("main", { class: "tb-content", "data-testid": "content" });
    this.error = h("div", { class: "tb-load-error", role: "alert", "data-testid": "load-error" });
    this.error.hidden = true;
    this.liveBadge = h("span", { class: "tb-live", "data-testid": "live-status", title: "Live updates" });
    this.element = h(
      "div",
      { class: "tb-app" },
      h("header", { class: "tb-header" }, h("span", { class: "tb-logo" }, "trainboard"), this.tabs.element, this.liveBadge),
      this.error,
      this.warnings.element,
      h("div", { class: "tb-main" }, this.runsPanel.element, this.content),
    );
    this.live = new LiveConnection(() => client.openLive(), {
      onMessage: (message) => this.onLive(message),
      onReconnect: () => {
        this.reloadRuns();
        this.scalars.refreshAll();
      },
      onStatus: (status) => this.showLiveStatus(status),
    }, options.liveDelayMs ? { minDelayMs: options.liveDelayMs.min, maxDelayMs: options.liveDelayMs.max } : {});
    this.urlState.subscribe((next, previous) => this.stateChanged(next, previous));
    window.addEventListener("resize", debounce(() => this.scalars.resize(), 150));
    this.theme.subscribe(() => {
      this.runsPanel.show(this.urlState.state);
      this.scalars.themeChanged();
    });
  }

  /** Requests in flight or scheduled; 0 means the page is quiet. */
  get pending(): number {
    return this.loads + this.queue.pending + this.scalars.scheduledRefetches;
  }

  get runsInfo(): RunsInfo {
    return this.runs;
  }

  get liveStatus(): LiveStatus {
    return this.live.status;
  }

  /** Loads everything and starts the push connection. */
  async start(): Promise<void> {
    this.showDashboard();
    const environment = this.client.environment().then(
      (env) => {
        document.title = env.windowTitle || "trainboard";
      },
      () => undefined,
    );
    await Promise.all([environment, this.load()]);
    this.live.start();
  }

  stop(): void {
    this.live.stop();
    this.scalars.destroy();
  }

  /** Fetches runs and scalar tags, then updates every view. */
  async load(): Promise<void> {
    this.loads++;
    try {
      const [runs, tags] = await Promise.all([this.client.runs(), this.client.tags("scalars")]);
      this.runs = runs;
      this.colors.assign(runs.runs);
      this.error.hidden = true;
      this.warnings.show(runs.warnings);
      this.tabs.show(this.urlState.state.tab, runs.kinds);
      this.runsPanel.setRuns(runs.runs);
      this.scalars.setData(runs, tags);
      // Placeholder pages say whether the logdir has their kind, which is known only now.
      if (this.urlState.state.tab !== "scalars") this.showDashboard(true);
    } catch (err) {
      this.error.textContent = `Could not load the logdir: ${err instanceof Error ? err.message : String(err)}`;
      this.error.hidden = false;
    } finally {
      this.loads--;
    }
  }

  private onLive(message: LiveMessage): void {
    switch (message.type) {
      case "runs":
        this.reloadRuns();
        this.scalars.invalidateRuns([...message.reset, ...message.removed]);
        break;
      case "warnings":
        this.reloadRuns();
        break;
      case "tags":
        if (message.kind === "scalars") this.reloadTags();
        break;
      case "points":
        if (message.kind === "scalars") this.scalars.onPoints(message.updates);
        break;
      case "hello":
        break;
    }
  }

  private stateChanged(next: AppState, previous: AppState): void {
    this.runsPanel.show(next);
    this.tabs.show(next.tab, this.runs.kinds);
    this.scalars.stateChanged(next, previous);
    if (next.tab !== previous.tab) this.showDashboard();
  }

  private showDashboard(force = false): void {
    const tab = this.urlState.state.tab;
    if (tab === this.shown && !force) return;
    this.shown = tab;
    this.tabs.show(tab, this.runs.kinds);
    if (tab === "scalars") {
      this.content.replaceChildren(this.scalars.element);
      this.scalars.resize();
      return;
    }
    const dashboard = DASHBOARDS.find((d) => d.id === tab);
    if (dashboard) this.content.replaceChildren(placeholderView(dashboard, this.runs.kinds));
  }

  private showLiveStatus(status: LiveStatus): void {
    this.liveBadge.dataset.status = status;
    this.liveBadge.textContent = status === "open" ? "● live" : status === "stopped" ? "" : "○ reconnecting…";
  }
}
