import { describe, expect, it } from "vitest";
import type { Run } from "../../api/client";
import { drawnRuns } from "../../core/selection";
import { selectExactly, withNames } from "./run_selection";

const runs = ["a", "a/hp", "b", "c"].map((name) => ({ name }) as unknown as Run);

describe("selectExactly", () => {
  it("keeps the run filter when it allows the selection", () => {
    const patch = selectExactly(runs, { runFilter: "^a" }, new Set(["a"]));
    expect(patch.runFilter).toBe("^a");
    expect([...drawnRuns(runs, patch.runFilter, patch.hiddenRuns)]).toEqual(["a"]);
  });

  it("clears the run filter when a selected run does not match it", () => {
    const patch = selectExactly(runs, { runFilter: "^a" }, new Set(["a", "a/hp", "c"]));
    expect(patch.runFilter).toBe("");
    expect([...drawnRuns(runs, patch.runFilter, patch.hiddenRuns)].sort()).toEqual(["a", "a/hp", "c"]);
  });

  it("switches a row's members with it", () => {
    expect([...withNames(new Set(["b"]), ["a", "a/hp"], true)].sort()).toEqual(["a", "a/hp", "b"]);
    expect([...withNames(new Set(["a", "a/hp", "b"]), ["a", "a/hp"], false)]).toEqual(["b"]);
  });
});
