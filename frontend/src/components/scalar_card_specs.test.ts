import { describe, expect, it } from "vitest";
import type { Run, TagInfo } from "../api/client";
import { buildCardGroups, tagPrefix } from "./scalar_card_specs";

const info: TagInfo = { points: 10, lastStep: 9, displayName: "", description: "" };

function run(name: string, parent: string | null = null, groupTag: string | null = null): Run {
  return { name, parent, groupTag, subRun: parent ? "scalars" : null, kinds: new Set(["scalars"]), startTime: 0, lastUpdate: 0, lastWriteTime: null };
}

function tags(entries: Record<string, string[]>): Map<string, Map<string, TagInfo>> {
  return new Map(Object.entries(entries).map(([r, ts]) => [r, new Map(ts.map((t) => [t, info]))]));
}

const RUNS = [
  run("a"),
  run("b"),
  run("a/losses_train", "a", "losses"),
  run("a/losses_val", "a", "losses"),
  run("b/losses_train", "b", "losses"),
];
const TAGS = tags({
  a: ["loss/train", "loss/val", "lr"],
  b: ["loss/train", "acc"],
  "a/losses_train": ["losses"],
  "a/losses_val": ["losses"],
  "b/losses_train": ["losses"],
});
const ALL = new Set(RUNS.map((r) => r.name));

describe("card grouping", () => {
  it("groups by the tag prefix before the first slash", () => {
    expect(tagPrefix("loss/train/x")).toBe("loss");
    expect(tagPrefix("lr")).toBe("lr");
    const groups = buildCardGroups(RUNS, TAGS, ALL, "");
    expect(groups.map((g) => g.name)).toEqual(["acc", "loss", "losses", "lr"]);
    const loss = groups.find((g) => g.name === "loss");
    expect(loss?.items.map((c) => [c.tag, c.runs])).toEqual([
      ["loss/train", ["a", "b"]],
      ["loss/val", ["a"]],
    ]);
  });

  it("draws each parent's add_scalars sub-runs on one card titled by the group tag", () => {
    const losses = buildCardGroups(RUNS, TAGS, ALL, "").find((g) => g.name === "losses");
    expect(losses?.items.map((c) => ({ tag: c.tag, parent: c.parent, runs: c.runs }))).toEqual([
      { tag: "losses", parent: "a", runs: ["a/losses_train", "a/losses_val"] },
      { tag: "losses", parent: "b", runs: ["b/losses_train"] },
    ]);
    const keys = losses?.items.map((c) => c.key) ?? [];
    expect(new Set(keys).size).toBe(2);
  });

  it("filters tags by a case-insensitive regex and leaves out cards without drawn runs", () => {
    const groups = buildCardGroups(RUNS, TAGS, new Set(["b"]), "LOSS/");
    expect(groups.map((g) => g.items.map((c) => c.key))).toEqual([["loss/train"]]);
    expect(buildCardGroups(RUNS, TAGS, new Set(), "")).toEqual([]);
  });

  it("matches nothing for an invalid regex instead of throwing", () => {
    expect(buildCardGroups(RUNS, TAGS, ALL, "(")).toEqual([]);
  });
});
