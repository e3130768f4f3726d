// Which runs are drawn: those matching the run filter (a regex) and not switched off. Also
// the runs panel's tree, where the sub-runs add_scalars creates sit under their parent run.

import type { Run } from "../api/client";
import { compileFilter } from "./dom";

export interface RunTreeNode {
  readonly name: string;
  /** null when the parent directory holds no events of its own. */
  readonly run: Run | null;
  readonly children: readonly Run[];
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Top-level runs in name order, each with its add_scalars sub-runs. */
export function buildRunTree(runs: readonly Run[]): RunTreeNode[] {
  const byParent = new Map<string, Run[]>();
  const top: Run[] = [];
  for (const run of runs) {
    if (run.parent !== null) {
      const list = byParent.get(run.parent) ?? [];
      list.push(run);
      byParent.set(run.parent, list);
    } else {
      top.push(run);
    }
  }
  const nodes: RunTreeNode[] = top.map((run) => ({
    name: run.name,
    run,
    children: (byParent.get(run.name) ?? []).sort(byName),
  }));
  const names = new Set(top.map((r) => r.name));
  for (const [parent, children] of byParent) {
    if (!names.has(parent)) nodes.push({ name: parent, run: null, children: children.sort(byName) });
  }
  return nodes.sort(byName);
}

/** Names of the runs matching `runFilter` (case-insensitive regex over the name). */
export function matchingRuns(runs: readonly Run[], runFilter: string): Set<string> {
  const filter = compileFilter(runFilter);
  return new Set(runs.filter((r) => filter.test(r.name)).map((r) => r.name));
}

/** Names of the runs to draw. */
export function drawnRuns(runs: readonly Run[], runFilter: string, hidden: ReadonlySet<string>): Set<string> {
  const drawn = matchingRuns(runs, runFilter);
  for (const name of hidden) drawn.delete(name);
  return drawn;
}

/** `hidden` with `names` switched on or off. */
export function withRunsShown(hidden: ReadonlySet<string>, names: Iterable<string>, shown: boolean): Set<string> {
  const next = new Set(hidden);
  for (const name of names) {
    if (shown) next.delete(name);
    else next.add(name);
  }
  return next;
}
