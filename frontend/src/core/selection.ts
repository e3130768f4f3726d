// Which runs are drawn: those matching the run filter and not switched off, nor taken out by
// their notes (hidden, archived, trashed: core/run_labels.ts). Also the runs panel's tree,
// where the sub-runs add_scalars creates sit under their parent run.
//
// The run filter: `tag:<name>` words keep the runs with that tag (all of them, case-
// insensitive); the rest of the text is a case-insensitive regex tested against each run's
// name and its display name. RunFilterIndex keeps what that needs per run, lowercased once,
// so filtering 10,000 runs is one pass over flat arrays; the last answer is kept for the same
// runs, notes and filter text (every card asks drawnRuns after a change).

import type { Run } from "../api/client";
import { compileFilter } from "./dom";
import type { RunNotesView } from "./run_labels";
import { RUN_NOTES } from "./run_labels";

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

/** A run filter's parts: the tags asked for (lowercased) and the regex text. */
export interface ParsedRunFilter {
  readonly tags: readonly string[];
  readonly regex: string;
}

const TAG_WORD = /(^|\s)tag:(\S+)/gi;

/** Splits `text` into its `tag:<name>` words and the regex made of the rest (trimmed). */
export function parseRunFilter(text: string): ParsedRunFilter {
  if (!text.toLowerCase().includes("tag:")) return { tags: [], regex: text };
  const tags: string[] = [];
  const regex = text.replace(TAG_WORD, (_all, lead: string, tag: string) => {
    tags.push(tag.toLowerCase());
    return lead;
  });
  return { tags, regex: regex.trim() };
}

/** The filter's error (a malformed regex), or null. */
export function runFilterError(text: string): string | null {
  return compileFilter(parseRunFilter(text).regex).error;
}

// Text without any regex syntax is matched as a plain substring.
const REGEX_SYNTAX = /[\\^$.|?*+()[\]{}]/;

/** What filtering needs of each run, computed once per list of runs and notes. */
export class RunFilterIndex {
  readonly names: readonly string[];
  private readonly lowerNames: string[];
  /** The lowercased display name where it differs from the name, else null. */
  private readonly lowerLabels: (string | null)[];
  private readonly lowerTags: (readonly string[] | null)[];
  private last: { text: string; result: Set<string> } | null = null;

  constructor(names: readonly string[], label: (run: string) => string = (r) => r, tags: (run: string) => readonly string[] = () => []) {
    this.names = names;
    this.lowerNames = names.map((n) => n.toLowerCase());
    this.lowerLabels = names.map((n) => {
      const l = label(n);
      return l === n ? null : l.toLowerCase();
    });
    this.lowerTags = names.map((n) => {
      const t = tags(n);
      return t.length === 0 ? null : t.map((x) => x.toLowerCase());
    });
  }

  /** Index of each run matching `text` (see the module comment), in list order. */
  matchIndices(text: string): number[] {
    const { tags, regex } = parseRunFilter(text);
    const n = this.names.length;
    const out: number[] = [];
    let test: (i: number) => boolean;
    if (!regex) {
      test = () => true;
    } else if (!REGEX_SYNTAX.test(regex)) {
      const needle = regex.toLowerCase();
      test = (i) => (this.lowerNames[i] as string).includes(needle) || (this.lowerLabels[i]?.includes(needle) ?? false);
    } else {
      const compiled = compileFilter(regex);
      if (compiled.error) return out;
      test = (i) => compiled.test(this.names[i] as string) || (this.lowerLabels[i] !== null && compiled.test(this.lowerLabels[i] as string));
    }
    for (let i = 0; i < n; i++) {
      if (tags.length > 0) {
        const own = this.lowerTags[i];
        if (!own || !tags.every((t) => own.includes(t))) continue;
      }
      if (test(i)) out.push(i);
    }
    return out;
  }

  /** Names of the runs matching `text` (the last answer is kept). */
  match(text: string): Set<string> {
    if (this.last?.text === text) return this.last.result;
    const result = new Set<string>();
    for (const i of this.matchIndices(text)) result.add(this.names[i] as string);
    this.last = { text, result };
    return result;
  }
}

let cachedIndex: { runs: readonly Run[]; version: number; notes: RunNotesView; index: RunFilterIndex } | null = null;

/** The filter index of `runs` under `notes` (kept while neither changes). */
export function runFilterIndex(runs: readonly Run[], notes: RunNotesView = RUN_NOTES): RunFilterIndex {
  if (cachedIndex && cachedIndex.runs === runs && cachedIndex.notes === notes && cachedIndex.version === notes.version) return cachedIndex.index;
  const index = new RunFilterIndex(runs.map((r) => r.name), (r) => notes.label(r), (r) => notes.tags(r));
  cachedIndex = { runs, version: notes.version, notes, index };
  return index;
}

/**
 * Names of the runs matching `runFilter` (tag words, then a case-insensitive regex over the
 * name and display name). The answer is shared: do not change it.
 */
export function matchingRuns(runs: readonly Run[], runFilter: string, notes: RunNotesView = RUN_NOTES): ReadonlySet<string> {
  return runFilterIndex(runs, notes).match(runFilter);
}

/** Names of the runs to draw: matching, not switched off, not taken out by their notes. */
export function drawnRuns(runs: readonly Run[], runFilter: string, hidden: ReadonlySet<string>, notes: RunNotesView = RUN_NOTES): Set<string> {
  const drawn = new Set(matchingRuns(runs, runFilter, notes));
  for (const name of hidden) drawn.delete(name);
  for (const name of notes.excludedSet) drawn.delete(name);
  if (notes.excludedSet.size > 0) {
    // A sub-run leaves with the run it belongs to.
    for (const name of drawn) {
      for (let cut = name.lastIndexOf("/"); cut > 0; cut = name.lastIndexOf("/", cut - 1)) {
        if (notes.excluded(name.slice(0, cut))) {
          drawn.delete(name);
          break;
        }
      }
    }
  }
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

/** Hidden runs that leave exactly `shown` switched on among `all` (the panel's "Only"). */
export function onlyRunsShown(all: Iterable<string>, shown: ReadonlySet<string>): Set<string> {
  const hidden = new Set<string>();
  for (const name of all) if (!shown.has(name)) hidden.add(name);
  return hidden;
}
