// How many runs a chart draws at most. With thousands of runs selected (a sweep), a chart of
// every one is unreadable and costs a request per card that names each run: the charts draw
// the first MAX_CHART_RUNS of the selected runs (in the runs list's order) and say so, and the
// runs panel (filter, switching runs off) chooses which.
// Hooks: data-testid="chart-runs-capped" (the note; hidden when nothing is left out),
// data-shown, data-selected.

import type { Run } from "../api/client";
import { h } from "./dom";
import "./run_cap.css";

export const MAX_CHART_RUNS = 100;

export interface CappedRuns {
  /** The runs to draw: `drawn`, or its first `max` in the order of `runs`. */
  readonly drawn: Set<string>;
  /** How many were selected before the cap. */
  readonly selected: number;
}

/** `drawn` bounded to its first `max` runs in the order of `runs`. */
export function capDrawnRuns(runs: readonly Run[], drawn: ReadonlySet<string>, max = MAX_CHART_RUNS): CappedRuns {
  if (drawn.size <= max) return { drawn: new Set(drawn), selected: drawn.size };
  const kept = new Set<string>();
  for (const run of runs) {
    if (!drawn.has(run.name)) continue;
    kept.add(run.name);
    if (kept.size >= max) break;
  }
  return { drawn: kept, selected: drawn.size };
}

/** The note's text, or null when every selected run is drawn. */
export function capNoteText(capped: CappedRuns): string | null {
  if (capped.drawn.size >= capped.selected) return null;
  const n = (x: number): string => x.toLocaleString("en-US");
  return (
    `Showing the first ${n(capped.drawn.size)} of ${n(capped.selected)} selected runs in each chart; ` +
    "select fewer in the runs panel (filter, or switch runs off) to choose which."
  );
}

/** A note element kept up to date with `show`. */
export class RunCapNote {
  readonly element: HTMLElement;

  constructor() {
    this.element = h("div", { class: "tb-run-cap-note", role: "note", "data-testid": "chart-runs-capped" });
    this.element.hidden = true;
  }

  show(capped: CappedRuns | null): void {
    const text = capped ? capNoteText(capped) : null;
    this.element.hidden = text === null;
    this.element.textContent = text ?? "";
    this.element.dataset.shown = String(capped?.drawn.size ?? 0);
    this.element.dataset.selected = String(capped?.selected ?? 0);
  }
}
