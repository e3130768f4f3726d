// The contract between the shell and a dashboard (one tab).
//
// A dashboard is a factory `(context) => DashboardView`, registered in
// src/dashboards/registry.ts. The shell creates it the first time its tab is shown, attaches
// its element while the tab is selected (detached otherwise), and forwards runs, view-state
// changes, push messages, reconnects, theme changes and window resizes to every dashboard
// created so far. A dashboard fetches its own data through `context.client` (the generic
// getJson / getBytes / href with wire types in its own api.ts), preferably through
// `context.queue` so `window.__trainboard.pending` counts it.

import type { ApiClient, LiveMessage, Run, RunsInfo } from "../api/client";
import type { RunColors } from "./colors";
import type { DashboardId, DashboardInfo } from "./dashboards";
import type { FetchQueue } from "./fetch_queue";
import { drawnRuns } from "./selection";
import type { Theme } from "./theme";
import type { AppState } from "./url_state";
import type { VisibilityTracker } from "./visibility";

export interface DashboardContext {
  /** This dashboard's tab. */
  readonly info: DashboardInfo;
  readonly client: ApiClient;
  /** The shared request limiter; its pending count is part of __trainboard.pending. */
  readonly queue: FetchQueue;
  readonly colors: RunColors;
  /** Tells elements when they scroll into view (cards load lazily through it). */
  readonly visibility: VisibilityTracker;
  /** The view state (tab, run filter, hidden runs, tag filter, dashboard params, ...). */
  state(): AppState;
  theme(): Theme;
  /** Changes the view state (and the URL); every dashboard's stateChanged follows. */
  update(patch: Partial<AppState>): void;
  /** One of this dashboard's URL parameters (AppState.params), or null. */
  param(name: string): string | null;
  /** Sets (string) or removes (null) dashboard URL parameters. */
  setParams(patch: Readonly<Record<string, string | null>>): void;
  /** The runs as last loaded (empty until the first load). */
  runs(): RunsInfo;
  /** Names of the runs the user has selected (run filter and run toggles applied). */
  drawnRuns(): ReadonlySet<string>;
  /** The run's colour in the current theme (the same as on the runs panel). */
  color(run: string): string;
  /** Asks the shell to reload runs (debounced); setRuns follows. */
  reloadRuns(): void;
  /** The pinned cards (shown above every tab; a card's pin button toggles its ref). */
  readonly pins: PinBoard;
  /**
   * A card of another dashboard (or this one) made for `ref`, to put elsewhere (the "all"
   * view); null when that dashboard cannot render it.
   */
  renderCard(ref: CardRef): Promise<RenderedCard | null>;
}

/**
 * A card as a dashboard can make it outside its own grid: the dashboard, the card's key in
 * that dashboard's grid, and what identifies it to a person. Scalars: key the tag (plus the
 * add_scalars parent), run the add_scalars parent or null (the card draws the selected
 * runs). Images, video, audio, histograms, distributions: key `run \0 tag`, run the run.
 */
export interface CardRef {
  readonly dashboard: DashboardId;
  readonly key: string;
  readonly tag: string;
  readonly run: string | null;
}

/** A card a dashboard made for a CardRef, kept up to date by that dashboard until destroyed. */
export interface RenderedCard {
  readonly element: HTMLElement;
  /** The space it has changed (a chart redraws at its new width). */
  resize(): void;
  destroy(): void;
}

/** The pinned cards, in pin order; `subscribe` hears every change (returns an unsubscribe). */
export interface PinBoard {
  readonly pins: readonly CardRef[];
  isPinned(ref: CardRef): boolean;
  /** Pins `ref`, or unpins it when pinned; returns whether it is pinned now. */
  toggle(ref: CardRef): boolean;
  subscribe(listener: () => void): () => void;
}

/** A card ref's identity (its dashboard and key). */
export function cardRefId(ref: Pick<CardRef, "dashboard" | "key">): string {
  return `${ref.dashboard}:${ref.key}`;
}

export interface DashboardView {
  /** The dashboard's root; the shell attaches it while its tab is selected. */
  readonly element: HTMLElement;
  /** Requests in flight or scheduled that the queue does not count (0: quiet). */
  readonly pending: number;
  /** The tab was selected (the element is attached): load or redraw what is in view. */
  show(): void;
  /** Another tab was selected (the element is detached). */
  hide(): void;
  /** Runs (or their kinds) loaded or changed. Called once right after creation too. */
  setRuns(runs: RunsInfo): void;
  stateChanged(next: AppState, previous: AppState): void;
  /** Every push message, of any kind (filter on `message.kind` yourself). */
  onLive(message: LiveMessage): void;
  /** The push connection came back: messages may have been missed, so refetch. */
  refreshAll(): void;
  themeChanged(): void;
  /** The window changed size. */
  resize(): void;
  destroy(): void;
  /** What `window.__trainboard.view(id)` returns for browser tests (plain JSON data). */
  debug?(): unknown;
  /**
   * Makes a card for `ref` outside the dashboard's grid (a pinned card, a card of the "all"
   * view) and keeps it up to date like its own; null when `ref` names no card it can make.
   */
  renderCard?(ref: CardRef): RenderedCard | null;
}

export type DashboardFactory = (context: DashboardContext) => DashboardView;

/** A factory loaded on demand (keeps heavy libraries out of the main bundle). */
export interface LazyDashboard {
  load(): Promise<DashboardFactory>;
}

export type DashboardEntry = DashboardFactory | LazyDashboard;

/**
 * Every method of DashboardView as a no-op, for dashboards to extend. Subclasses set
 * `element` and override what they need.
 */
export abstract class DashboardBase implements DashboardView {
  abstract readonly element: HTMLElement;
  protected readonly context: DashboardContext;

  constructor(context: DashboardContext) {
    this.context = context;
  }

  get pending(): number {
    return 0;
  }

  show(): void {}
  hide(): void {}
  setRuns(_runs: RunsInfo): void {}
  stateChanged(_next: AppState, _previous: AppState): void {}
  onLive(_message: LiveMessage): void {}
  refreshAll(): void {}
  themeChanged(): void {}
  resize(): void {}
  destroy(): void {}
}

/** The selected runs that hold `kind`, in name order. */
export function runsWithKind(context: DashboardContext, kind: string): Run[] {
  const drawn = context.drawnRuns();
  return context
    .runs()
    .runs.filter((run) => drawn.has(run.name) && run.kinds.has(kind))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** drawnRuns for a state and run list (what the shell's context uses). */
export function selectedRuns(runs: RunsInfo, state: AppState): Set<string> {
  return drawnRuns(runs.runs, state.runFilter, state.hiddenRuns);
}
