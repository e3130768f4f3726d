// The table's checkboxes are the page's run selection (core/selection.ts): a run is checked
// when it is drawn (it matches the run filter and is not switched off). Changing the checks
// changes AppState's run filter and switched-off runs, so every tab follows.

import type { Run } from "../../api/client";
import { matchingRuns } from "../../core/selection";
import type { AppState } from "../../core/url_state";

/**
 * The state patch that makes exactly `selected` drawn. The run filter is kept when every
 * selected run matches it (only the switched-off runs change); otherwise it is cleared, and
 * every run outside `selected` is switched off instead.
 */
export function selectExactly(runs: readonly Run[], state: Pick<AppState, "runFilter">, selected: ReadonlySet<string>): Pick<AppState, "runFilter" | "hiddenRuns"> {
  const matching = matchingRuns(runs, state.runFilter);
  const keepFilter = [...selected].every((name) => matching.has(name) || !runs.some((r) => r.name === name));
  const pool = keepFilter ? [...matching] : runs.map((r) => r.name);
  const hiddenRuns = new Set(pool.filter((name) => !selected.has(name)));
  return { runFilter: keepFilter ? state.runFilter : "", hiddenRuns };
}

/** `drawn` with `names` (a row's run and its folded members) switched on or off. */
export function withNames(drawn: ReadonlySet<string>, names: readonly string[], on: boolean): Set<string> {
  const next = new Set(drawn);
  for (const name of names) {
    if (on) next.add(name);
    else next.delete(name);
  }
  return next;
}
