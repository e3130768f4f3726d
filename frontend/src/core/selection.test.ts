import { beforeEach, describe, expect, it } from "vitest";
import type { Run } from "../api/client";
import type { RunNote } from "./run_labels";
import { RunNotesView } from "./run_labels";
import { RunFilterIndex, drawnRuns, matchingRuns, onlyRunsShown, parseRunFilter, runFilterError, withRunsShown } from "./selection";

const run = (name: string, parent: string | null = null): Run => ({
  name, parent, groupTag: null, subRun: parent ? "scalars" : null, kinds: new Set(["scalars"]), startTime: 1, lastUpdate: 1, lastWriteTime: null,
});

const note = (run: string, fields: Partial<RunNote> = {}): RunNote => ({
  run, displayName: null, color: null, tags: [], note: "", hidden: false, archived: false, trashed: false, revision: 1, updated: 0, ...fields,
});

describe("the run filter", () => {
  let notes: RunNotesView;
  beforeEach(() => {
    notes = new RunNotesView();
  });

  it("splits tag: words from the regex", () => {
    expect(parseRunFilter("tag:Baseline lr_0")).toEqual({ tags: ["baseline"], regex: "lr_0" });
    expect(parseRunFilter("^exp tag:a TAG:b")).toEqual({ tags: ["a", "b"], regex: "^exp" });
    expect(parseRunFilter("no tags here")).toEqual({ tags: [], regex: "no tags here" });
    expect(runFilterError("tag:x (")).not.toBeNull();
    expect(runFilterError("tag:x ^a")).toBeNull();
  });

  it("matches names and display names, case-insensitively, as a regex or a plain substring", () => {
    const runs = [run("exp1"), run("exp2"), run("torch"), run("torch/metrics_a", "torch")];
    notes.set(new Map([["exp2", note("exp2", { displayName: "Baseline" })]]));
    expect([...matchingRuns(runs, "^EXP", notes)]).toEqual(["exp1", "exp2"]);
    expect([...matchingRuns(runs, "base", notes)]).toEqual(["exp2"]);
    expect([...matchingRuns(runs, "^base", notes)]).toEqual(["exp2"]);
    expect([...matchingRuns(runs, "metrics", notes)]).toEqual(["torch/metrics_a"]);
    expect([...matchingRuns(runs, "", notes)]).toHaveLength(4);
    expect([...matchingRuns(runs, "(", notes)]).toEqual([]);
  });

  it("keeps the runs with every tag asked for", () => {
    const runs = [run("a"), run("b"), run("c")];
    notes.set(new Map([
      ["a", note("a", { tags: ["baseline", "best"] })],
      ["b", note("b", { tags: ["Baseline"] })],
    ]));
    expect([...matchingRuns(runs, "tag:baseline", notes)]).toEqual(["a", "b"]);
    expect([...matchingRuns(runs, "tag:baseline tag:best", notes)]).toEqual(["a"]);
    expect([...matchingRuns(runs, "tag:baseline ^b", notes)]).toEqual(["b"]);
    expect([...matchingRuns(runs, "tag:nope", notes)]).toEqual([]);
  });

  it("rebuilds its index when the notes change, and reuses it otherwise", () => {
    const runs = [run("a"), run("b")];
    expect([...matchingRuns(runs, "tag:x", notes)]).toEqual([]);
    notes.set(new Map([["b", note("b", { tags: ["x"] })]]));
    expect([...matchingRuns(runs, "tag:x", notes)]).toEqual(["b"]);
    expect(matchingRuns(runs, "tag:x", notes)).toBe(matchingRuns(runs, "tag:x", notes));
  });

  it("finds the last of 10,000 runs", () => {
    const names = Array.from({ length: 10_000 }, (_, i) => `sweep/lr_${i % 7}_seed_${i}`);
    const index = new RunFilterIndex(names);
    expect(index.matchIndices("seed_9999$")).toEqual([9999]);
    expect(index.matchIndices("SEED_9999")).toEqual([9999]);
    expect(index.matchIndices("lr_3").length).toBe(Math.ceil((10_000 - 3) / 7));
  });
});

describe("the selection", () => {
  it("leaves out hidden, archived and trashed runs (and their sub-runs) unless shown", () => {
    const notes = new RunNotesView();
    const runs = [run("a"), run("a/x", "a"), run("b"), run("c"), run("d")];
    notes.set(new Map([
      ["a", note("a", { hidden: true })],
      ["b", note("b", { archived: true })],
      ["c", note("c", { trashed: true })],
    ]));
    expect([...drawnRuns(runs, "", new Set(), notes)]).toEqual(["d"]);
    notes.set(notes.all(), { showHidden: true, showArchived: false });
    expect([...drawnRuns(runs, "", new Set(["a/x"]), notes)]).toEqual(["a", "d"]);
    notes.set(notes.all(), { showHidden: true, showArchived: true });
    expect([...drawnRuns(runs, "", new Set(), notes)]).toEqual(["a", "a/x", "b", "d"]);
  });

  it("switches runs as sets of names: all, none, only", () => {
    const all = Array.from({ length: 10_000 }, (_, i) => `r${i}`);
    const matching = new Set(all.filter((n) => n.endsWith("7")));
    const none = withRunsShown(new Set(), matching, false);
    expect(none.size).toBe(1000);
    expect(withRunsShown(none, matching, true).size).toBe(0);
    const only = onlyRunsShown(all, matching);
    expect(only.size).toBe(9000);
    expect(only.has("r7")).toBe(false);
  });
});
