// window.__trainboard: a read-only view of what the page draws, for browser tests.
//
//   __trainboard.version          the front end's version
//   __trainboard.pending          requests in flight or scheduled (0: the page is quiet)
//   __trainboard.live             push connection: "connecting" | "open" | "reconnecting" | "stopped"
//   __trainboard.state()          the view state (tab, runFilter, hiddenRuns as a list, params, and
//                                 the registered URL parameters by key: smoothing, xaxis, ...)
//   __trainboard.runs()           [{name, parent, group_tag, kinds}]
//   __trainboard.dashboards()     ids of the dashboards created so far (created on first show)
//   __trainboard.view(id)         a dashboard's own debug data (DashboardView.debug()), or null
//   __trainboard.pinned()         {pins: pin ids ("<dashboard>:<key>") in order, shown: those showing a card}
//   __trainboard.runsPanel()      the runs panel: {total, shown, rows, domRows, window, filter, filterMs
//                                 (how long its last filtering took), renderMs / maxRenderMs (its
//                                 list's latest / slowest render of the visible rows), archived, menu}
//   __trainboard.runNotes()       the run notes the page holds, by run
// plus the hooks dashboards register (src/core/debug_hooks.ts), e.g. Scalars' cards() and
// card(tag, parent?). Every call returns fresh copies; changing them changes nothing on the page.

import type { App } from "./app";
import type { DashboardDebugHooks, DebugHookName } from "../core/debug_hooks";
import { registeredDebugHooks } from "../core/debug_hooks";
import type { DashboardId } from "../core/dashboards";
import { DASHBOARDS } from "../core/dashboards";
import { registeredUrlValues } from "../core/url_params";

export const FRONTEND_VERSION = "0.1.0";

export interface TrainboardDebug extends DashboardDebugHooks {
  readonly version: string;
  readonly pending: number;
  readonly live: string;
  state(): Record<string, unknown>;
  runs(): { name: string; parent: string | null; group_tag: string | null; kinds: string[] }[];
  dashboards(): DashboardId[];
  view(id: DashboardId): unknown;
  pinned(): { pins: string[]; shown: string[] };
  runsPanel(): ReturnType<App["runsPanelDebug"]>;
  runNotes(): Record<string, unknown>;
}

/** The registered dashboards' hooks, each asking its dashboard's view at call time. */
function dashboardHooks(app: App): Record<string, unknown> {
  const hooks: Record<string, unknown> = {};
  for (const hook of registeredDebugHooks()) {
    hooks[hook.name] = (...args: unknown[]): unknown => {
      const fn = hook.make(app.dashboard(hook.dashboard)) as (...a: unknown[]) => unknown;
      return fn(...args);
    };
  }
  return hooks;
}

/** A deep copy holding only JSON data (typed arrays become plain arrays). */
function plainCopy(value: unknown): unknown {
  if (value === undefined) return null;
  return JSON.parse(JSON.stringify(value, (_key, v: unknown) => (ArrayBuffer.isView(v) && !(v instanceof DataView) ? Array.from(v as unknown as ArrayLike<number>) : v))) as unknown;
}

declare global {
  interface Window {
    __trainboard?: TrainboardDebug;
  }
}

export function installDebug(app: App, win: Window = window): TrainboardDebug {
  const own: Omit<TrainboardDebug, DebugHookName> = {
    version: FRONTEND_VERSION,
    get pending(): number {
      return app.pending;
    },
    get live(): string {
      return app.liveStatus;
    },
    state: () => {
      const s = app.urlState.state;
      return { ...s, ...registeredUrlValues(s.params), hiddenRuns: [...s.hiddenRuns].sort() };
    },
    runs: () =>
      app.runsInfo.runs.map((r) => ({ name: r.name, parent: r.parent, group_tag: r.groupTag, kinds: [...r.kinds].sort() })),
    dashboards: () => DASHBOARDS.map((d) => d.id).filter((id) => app.dashboard(id) !== null),
    view: (id: DashboardId) => {
      const view = app.dashboard(id);
      return view?.debug ? plainCopy(view.debug()) : null;
    },
    pinned: () => app.pinnedDebug(),
    runsPanel: () => app.runsPanelDebug(),
    runNotes: () => plainCopy(Object.fromEntries(app.notes.notes.all())) as Record<string, unknown>,
  };
  // The registered hooks are typed by the dashboards' augmentations of DashboardDebugHooks.
  const debug = Object.freeze(Object.defineProperties(dashboardHooks(app), Object.getOwnPropertyDescriptors(own))) as unknown as TrainboardDebug;
  Object.defineProperty(win, "__trainboard", { value: debug, configurable: true, writable: false });
  return debug;
}
