// window.__trainboard: a read-only view of what the page draws, for browser tests.
//
//   __trainboard.version          the front end's version
//   __trainboard.pending          requests in flight or scheduled (0: the page is quiet)
//   __trainboard.visdom             push connection: "connecting" | "open" | "reconnecting" | "stopped"
//   __trainboard.state()          the view state (tab, smoothing, xaxis, hiddenRuns as a list, ...)
//   __trainboard.runs()           [{name, parent, group_tag, kinds}]
//   __trainboard.cards()          every scalar card: {key, tag, parent, state, visible, zoom,
//                                 scales: {x: [min, max], y: [min, max], logY} | null,
//                                 series: [{run, color, points, x, raw, smoothed}]}
//   __trainboard.card(tag, parent?)  one card, or null
//   __trainboard.dashboards()     ids of the dashboards created so far (created on first show)
//   __trainboard.view(id)         a dashboard's own debug data (DashboardView.debug()), or null
// Every call returns fresh copies; changing them changes nothing on the page.

import type { App } from "./app";
import type { DashboardId } from "../core/dashboards";
import { DASHBOARDS } from "../core/dashboards";
import type { CardDebug } from "../dashboards/scalars/index";
import { ScalarsDashboard } from "../dashboards/scalars/index";

export const FRONTEND_VERSION = "0.1.0";

export interface TrainboardDebug {
  readonly version: string;
  readonly pending: number;
  readonly live: string;
  state(): Record<string, unknown>;
  runs(): { name: string; parent: string | null; group_tag: string | null; kinds: string[] }[];
  cards(): CardDebug[];
  card(tag: string, parent?: string | null): CardDebug | null;
  dashboards(): DashboardId[];
  view(id: DashboardId): unknown;
}

function scalarCards(app: App): CardDebug[] {
  const scalars = app.dashboard("scalars");
  return scalars instanceof ScalarsDashboard ? scalars.debugCards() : [];
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
  const debug: TrainboardDebug = Object.freeze({
    version: FRONTEND_VERSION,
    get pending(): number {
      return app.pending;
    },
    get live(): string {
      return app.liveStatus;
    },
    state: () => {
      const s = app.urlState.state;
      return { ...s, hiddenRuns: [...s.hiddenRuns].sort() };
    },
    runs: () =>
      app.runsInfo.runs.map((r) => ({ name: r.name, parent: r.parent, group_tag: r.groupTag, kinds: [...r.kinds].sort() })),
    cards: () => scalarCards(app),
    card: (tag: string, parent: string | null = null) =>
      scalarCards(app).find((c) => c.tag === tag && c.parent === parent) ?? null,
    dashboards: () => DASHBOARDS.map((d) => d.id).filter((id) => app.dashboard(id) !== null),
    view: (id: DashboardId) => {
      const view = app.dashboard(id);
      return view?.debug ? plainCopy(view.debug()) : null;
    },
  });
  Object.defineProperty(win, "__trainboard", { value: debug, configurable: true, writable: false });
  return debug;
}
