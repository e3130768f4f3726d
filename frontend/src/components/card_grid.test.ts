// @vitest-environment happy-dom
import { describe, expect, it } from "vitest";
import type { GridGroup, RunTagSpec } from "./card_grid";
import { CardGrid, compareRunTags, emptyMessage, runTagKey, runTagSpecs, selectionChanged } from "./card_grid";
import type { AppState } from "../core/url_state";
import { DEFAULT_STATE } from "../core/url_state";

interface Spec {
  readonly key: string;
  readonly runs: readonly string[];
}

class StubCard {
  readonly element: HTMLElement;
  destroyed = false;
  spec: Spec;

  constructor(spec: Spec) {
    this.spec = spec;
    this.element = document.createElement("section");
    this.element.dataset.key = spec.key;
  }

  destroy(): void {
    this.destroyed = true;
    this.element.remove();
  }
}

function makeGrid(log: string[] = []): CardGrid<Spec, StubCard> {
  return new CardGrid<Spec, StubCard>({
    emptyTestId: "stub-empty",
    create: (spec) => {
      log.push(`create ${spec.key}`);
      return new StubCard(spec);
    },
    update: (card, spec) => {
      log.push(`update ${spec.key}`);
      card.spec = spec;
    },
  });
}

const spec = (key: string, ...runs: string[]): Spec => ({ key, runs });

/** The groups shown: name, collapsed state and card keys, in page order. */
function shown(grid: CardGrid<Spec, StubCard>): [string, string, string[]][] {
  return [...grid.body.querySelectorAll<HTMLElement>('[data-testid="tag-group"]')].map((group) => [
    group.dataset.group ?? "",
    group.dataset.collapsed ?? "",
    [...group.querySelectorAll<HTMLElement>("section")].map((card) => card.dataset.key ?? ""),
  ]);
}

function toggle(grid: CardGrid<Spec, StubCard>, name: string): void {
  grid.body.querySelector<HTMLElement>(`[data-group="${name}"] [data-testid="group-toggle"]`)?.click();
}

describe("CardGrid", () => {
  it("creates a card per spec in the groups' order", () => {
    const grid = makeGrid();
    grid.show([
      { name: "b", items: [spec("b/1"), spec("b/2")] },
      { name: "a", items: [spec("a/1")] },
    ]);
    expect(shown(grid)).toEqual([
      ["b", "0", ["b/1", "b/2"]],
      ["a", "0", ["a/1"]],
    ]);
    expect([...grid.cards.keys()]).toEqual(["b/1", "b/2", "a/1"]);
    expect(grid.groups.map((g) => g.name)).toEqual(["b", "a"]);
  });

  it("keeps the cards of kept keys (handing them the new spec), destroys the others and drops empty groups", () => {
    const log: string[] = [];
    const grid = makeGrid(log);
    grid.show([{ name: "a", items: [spec("a/1", "x"), spec("a/2")] }, { name: "b", items: [spec("b/1")] }]);
    const kept = grid.cards.get("a/1");
    const gone = grid.cards.get("a/2");
    log.length = 0;
    grid.show([{ name: "a", items: [spec("a/3"), spec("a/1", "x", "y")] }, { name: "b", items: [] }]);
    expect(log).toEqual(["create a/3", "update a/1"]);
    expect(grid.cards.get("a/1")).toBe(kept);
    expect(kept?.spec.runs).toEqual(["x", "y"]);
    expect(gone?.destroyed).toBe(true);
    expect(grid.cards.has("a/2")).toBe(false);
    expect(shown(grid)).toEqual([["a", "0", ["a/3", "a/1"]]]);
    expect(grid.groups.map((g) => g.name)).toEqual(["a"]);
  });

  it("remembers a group's collapsed state by name, over its default, across being hidden", () => {
    const grid = makeGrid();
    const groups: GridGroup<Spec>[] = [
      { name: "open", items: [spec("o")] },
      { name: "closed", items: [spec("c")], collapsed: true },
    ];
    grid.show(groups);
    expect(shown(grid).map(([name, collapsed]) => [name, collapsed])).toEqual([
      ["open", "0"],
      ["closed", "1"],
    ]);
    toggle(grid, "open");
    toggle(grid, "closed");
    grid.show([]);
    expect(shown(grid)).toEqual([]);
    grid.show(groups);
    expect(shown(grid).map(([name, collapsed]) => [name, collapsed])).toEqual([
      ["open", "1"],
      ["closed", "0"],
    ]);
  });

  it("disposes of cards through `remove` when given, and of all of them on destroy", () => {
    const removed: string[] = [];
    const grid = new CardGrid<Spec, StubCard>({
      emptyTestId: "stub-empty",
      create: (s) => new StubCard(s),
      remove: (card) => {
        removed.push(card.spec.key);
        card.destroy();
      },
    });
    grid.show([{ name: "g", items: [spec("1"), spec("2"), spec("3")] }]);
    grid.show([{ name: "g", items: [spec("2")] }]);
    expect(removed).toEqual(["1", "3"]);
    grid.destroy();
    expect(removed).toEqual(["1", "3", "2"]);
    expect(grid.cards.size).toBe(0);
  });

  it("shows the empty-state line, hidden when there is nothing to say", () => {
    const grid = makeGrid();
    expect(grid.empty.dataset.testid).toBe("stub-empty");
    grid.showEmpty("No runs selected.");
    expect([grid.empty.textContent, grid.empty.hidden]).toEqual(["No runs selected.", false]);
    grid.showEmpty("");
    expect(grid.empty.hidden).toBe(true);
  });
});

describe("emptyMessage", () => {
  const base = { error: null, noData: null, selected: 2, shown: 1 };

  it("says the most important reason first", () => {
    expect(emptyMessage({ ...base, error: "boom", noData: "none", selected: 0, shown: 0 })).toBe("boom");
    expect(emptyMessage({ ...base, noData: "none", selected: 0, shown: 0 })).toBe("none");
    expect(emptyMessage({ ...base, selected: 0, shown: 0 })).toBe("No runs selected.");
    expect(emptyMessage({ ...base, shown: 0 })).toBe("No tags match the filter.");
    expect(emptyMessage({ error: null, noData: null, shown: 0, noMatch: "No charts match the filter." })).toBe("No charts match the filter.");
    expect(emptyMessage(base)).toBe("");
  });
});

describe("(run, tag) cards", () => {
  it("makes a spec per run and tag whose info shows, in the runs' order, sorted by tag then run", () => {
    const index = new Map([
      ["b", new Map([["x/1", 1], ["x/2", 2]])],
      ["a", new Map([["x/1", 3]])],
    ]);
    const specs = runTagSpecs(["b", "a", "missing"], index, (n) => n !== 2);
    expect(specs).toEqual<RunTagSpec[]>([
      { key: runTagKey("b", "x/1"), run: "b", tag: "x/1" },
      { key: runTagKey("a", "x/1"), run: "a", tag: "x/1" },
    ]);
    expect(specs.sort(compareRunTags).map((s) => s.run)).toEqual(["a", "b"]);
    expect(runTagKey("run", "tag")).toBe("run\u0000tag");
  });
});

describe("selectionChanged", () => {
  it("is true when the run filter, hidden runs or tag filter changed", () => {
    const smoother: AppState = { ...DEFAULT_STATE, params: { smoothing: "0.9" } };
    expect(selectionChanged(DEFAULT_STATE, smoother)).toBe(false);
    expect(selectionChanged(DEFAULT_STATE, { ...DEFAULT_STATE, tagFilter: "loss" })).toBe(true);
    expect(selectionChanged(DEFAULT_STATE, { ...DEFAULT_STATE, runFilter: "a" })).toBe(true);
    expect(selectionChanged(DEFAULT_STATE, { ...DEFAULT_STATE, hiddenRuns: new Set(["a"]) })).toBe(true);
  });
});
