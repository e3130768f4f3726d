// window.__trainboard: a read-only view of what the page draws, for browser tests.
//
//   __trainboard.version          the front end's version
//   __trainboard.pending          requests in flight or scheduled (0: the page is quiet)
//   __trainboard.live             push connection: "connecting" | "open" | "reconnecting" | "stopped"
//   __trainboard.state()          the view state (tab, smoothing, xaxis, hiddenRuns as a list, ...)
//   __trainboard.runs()           [{name, parent, group_tag, kinds}]
//   __trainboard.cards()          every scalar card: {key, tag, parent, state, visible, zoom,
//                                 scales: {x: [min, max], y: [min, max], logY} | null,
//                                 series: [{run, color, points, x, raw, smoothed}]}
//   __trainboard.card(tag, parent?)  one card, or null
// Every call returns fresh copies; changing them changes nothing on the page.

import type { App } from "./app";
import type { CardDebug } from "../dashboards/scalars/index";

export const FRONTEND_VERSION = "0.1.0";

export interface TrainboardDebug {
  readonly version: string;
  readonly pending: number;
  readonly live: string;
  state(): Record<string, unknown>;
  runs(): { name: string; parent: string | null; group_tag: string | null; kinds: string[] }[];
  cards(): CardDebug[];
  card(tag: string, parent?: string | null): CardDebug | null;
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
    cards: () => app.scalars.debugCards(),
    card: (tag: string, parent: string | null = null) =>
      app.scalars.debugCards().find((c) => c.tag === tag && c.parent === parent) ?? null,
  });
  Object.defineProperty(win, "__trainboard", { value: debug, configurable: true, writable: false });
  return debug;
}
