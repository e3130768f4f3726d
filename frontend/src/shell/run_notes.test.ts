// @vitest-environment happy-dom
// The runs panel with notes: the notes menu, tags in the filter, hidden / archived / trashed
// runs, Undo, a conflicting change, and a list of 10,000 runs that keeps only a window of rows.

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Run } from "../api/client";
import { RunColors } from "../core/colors";
import { RUN_NOTES, runLabel } from "../core/run_labels";
import { drawnRuns } from "../core/selection";
import type { AppState } from "../core/url_state";
import { DEFAULT_STATE } from "../core/url_state";
import { MemoryNotesTransport, RunNotesStore } from "./run_notes";
import { RunsPanel, countText, filteredLines, lastWriteTime, panelLines } from "./runs_panel";

const run = (name: string, parent: string | null = null): Run => ({
  name, parent, groupTag: parent ? "loss" : null, subRun: parent ? "scalars" : null, kinds: new Set(["scalars"]), startTime: 1, lastUpdate: 1, lastWriteTime: null,
});

const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
};

let state: AppState;
let transport: MemoryNotesTransport;
let store: RunNotesStore;
let panel: RunsPanel;
let runs: Run[];

const $ = <T extends HTMLElement = HTMLElement>(selector: string): T => {
  const el = document.querySelector<T>(selector);
  if (!el) throw new Error(`no ${selector}`);
  return el;
};
const rowNames = (): string[] => [...document.querySelectorAll<HTMLElement>('[data-testid="run-row"]')].map((r) => r.dataset.run as string);
const typeIn = (el: HTMLInputElement | HTMLTextAreaElement, value: string): void => {
  el.value = value;
  el.dispatchEvent(new Event("input"));
};
const enter = (el: HTMLElement): void => {
  el.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter" }));
};

async function setUp(names: readonly Run[]): Promise<void> {
  state = DEFAULT_STATE;
  runs = [...names];
  transport = new MemoryNotesTransport();
  store = new RunNotesStore(transport);
  const colors = new RunColors();
  colors.assign(runs);
  panel = new RunsPanel({ colors, state: () => state, theme: () => "light", update: (patch) => { state = { ...state, ...patch }; panel.show(state); }, notes: store });
  document.body.replaceChildren(panel.element);
  await store.load();
  panel.setRuns(runs);
}

function openMenu(name: string): HTMLElement {
  $(`[data-testid="run-menu-button"][data-run="${name}"]`).click();
  const menu = $('[data-testid="run-menu"]');
  expect(menu.hidden).toBe(false);
  expect(menu.dataset.run).toBe(name);
  return menu;
}

describe("the runs panel's notes", () => {
  beforeEach(async () => {
    RUN_NOTES.set(new Map(), { showHidden: false, showArchived: false });
    await setUp([run("exp1"), run("exp2"), run("torch"), run("torch/metrics_a", "torch")]);
  });
  afterEach(async () => {
    // Let a typed filter reach the state before the next test's panel replaces this one.
    await new Promise((r) => setTimeout(r, 150));
    RUN_NOTES.set(new Map(), { showHidden: false, showArchived: false });
  });

  it("renames a run everywhere its label is asked, sub-runs included", async () => {
    const menu = openMenu("torch");
    typeIn(menu.querySelector('[data-testid="run-menu-name"]') as HTMLInputElement, "PyTorch baseline");
    enter(menu.querySelector('[data-testid="run-menu-name"]') as HTMLElement);
    await flush();
    expect(transport.updates).toEqual([{ run: "torch", changes: { display_name: "PyTorch baseline" }, revision: 0 }]);
    expect(runLabel("torch")).toBe("PyTorch baseline");
    expect(runLabel("torch/metrics_a")).toBe("PyTorch baseline/metrics_a");
    expect($('[data-testid="run-row"][data-run="torch"] [data-testid="run-name"]').textContent).toBe("PyTorch baseline");
    expect($('[data-testid="run-row"][data-run="torch/metrics_a"] [data-testid="run-name"]').textContent).toBe("metrics_a");
    // The filter finds a run by its new name too.
    typeIn($<HTMLInputElement>('[data-testid="run-filter"]'), "pytorch");
    expect(rowNames()).toEqual(["torch", "torch/metrics_a"]);
    expect($('[data-testid="runs-count"]').textContent).toBe("2 of 4 runs");
    await new Promise((r) => setTimeout(r, 150));
    expect(state.runFilter).toBe("pytorch");
  });

  it("sets a note colour that wins over the picked one", async () => {
    const menu = openMenu("exp1");
    const color = menu.querySelector('[data-testid="run-menu-color"]') as HTMLInputElement;
    color.value = "#ff0088";
    color.dispatchEvent(new Event("change"));
    await flush();
    expect($('[data-testid="run-row"][data-run="exp1"] [data-testid="run-swatch"]').style.background).toMatch(/#ff0088|rgb\(255, 0, 136\)/);
    (menu.querySelector('[data-testid="run-menu-color-clear"]') as HTMLElement).click();
    await flush();
    expect(transport.notes.get("exp1")?.color).toBeNull();
  });

  it("adds and removes tags, and filters by them", async () => {
    const menu = openMenu("exp2");
    const input = menu.querySelector('[data-testid="run-menu-tag-input"]') as HTMLInputElement;
    input.value = "baseline";
    enter(input);
    await flush();
    input.value = "best";
    enter(input);
    await flush();
    expect([...menu.querySelectorAll<HTMLElement>('[data-testid="run-menu-tag"]')].map((t) => t.dataset.tag)).toEqual(["baseline", "best"]);
    expect([...document.querySelectorAll<HTMLElement>('[data-testid="run-row"][data-run="exp2"] [data-testid="run-tag"]')].map((t) => t.dataset.tag)).toEqual(["baseline", "best"]);
    typeIn($<HTMLInputElement>('[data-testid="run-filter"]'), "tag:baseline");
    expect(rowNames()).toEqual(["exp2"]);
    (menu.querySelector('[data-testid="run-menu-tag-remove"][data-tag="baseline"]') as HTMLElement).click();
    await flush();
    expect(transport.notes.get("exp2")?.tags).toEqual(["best"]);
    expect(rowNames()).toEqual([]);
    expect($('[data-testid="runs-count"]').textContent).toBe("0 of 4 runs");
  });

  it("keeps a free-text note, shown in the row's tooltip", async () => {
    const menu = openMenu("exp1");
    (menu.querySelector('[data-testid="run-menu-note"]') as HTMLTextAreaElement).value = "diverged at step 3k";
    (menu.querySelector('[data-testid="run-menu-note-save"]') as HTMLElement).click();
    await flush();
    expect($('[data-testid="run-row"][data-run="exp1"]').title).toContain("diverged at step 3k");
    menu.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape" }));
    expect(menu.hidden).toBe(true);
  });

  it("hides runs (out of the list and the selection) unless shown", async () => {
    (openMenu("exp1").querySelector('[data-testid="run-menu-hide"]') as HTMLElement).click();
    await flush();
    expect(rowNames()).toEqual(["exp2", "torch", "torch/metrics_a"]);
    expect(drawnRuns(runs, "", new Set()).has("exp1")).toBe(false);
    const show = $<HTMLInputElement>('[data-testid="runs-show-hidden"]');
    show.checked = true;
    show.dispatchEvent(new Event("change"));
    expect(rowNames()).toEqual(["exp1", "exp2", "torch", "torch/metrics_a"]);
    expect($('[data-testid="run-row"][data-run="exp1"]').dataset.hiddenNote).toBe("1");
    expect(drawnRuns(runs, "", new Set()).has("exp1")).toBe(true);
  });

  it("moves archived runs to a collapsed section", async () => {
    (openMenu("torch").querySelector('[data-testid="run-menu-archive"]') as HTMLElement).click();
    await flush();
    expect(rowNames()).toEqual(["exp1", "exp2"]);
    const section = $('[data-testid="runs-archived"]');
    expect(section.dataset.count).toBe("2");
    expect(section.getAttribute("aria-expanded")).toBe("false");
    expect(drawnRuns(runs, "", new Set())).toEqual(new Set(["exp1", "exp2"]));
    section.click();
    expect(rowNames()).toEqual(["exp1", "exp2", "torch", "torch/metrics_a"]);
    expect($('[data-testid="runs-archived"]').getAttribute("aria-expanded")).toBe("true");
    expect(drawnRuns(runs, "", new Set()).has("torch/metrics_a")).toBe(true);
  });

  it("moves a run to the trash, and Undo brings it back", async () => {
    (openMenu("exp2").querySelector('[data-testid="run-menu-trash"]') as HTMLElement).click();
    await flush();
    expect(rowNames()).toEqual(["exp1", "torch", "torch/metrics_a"]);
    expect($('[data-testid="run-menu"]').hidden).toBe(true);
    const toast = $('[data-testid="notes-toast"]');
    expect(toast.hidden).toBe(false);
    $('[data-testid="notes-undo"]').click();
    await flush();
    expect(transport.updates.map((u) => u.changes)).toEqual([{ trashed: true }, { trashed: false }]);
    expect(transport.updates[1]?.revision).toBe(1);
    expect(rowNames()).toEqual(["exp1", "exp2", "torch", "torch/metrics_a"]);
  });

  it("re-reads the notes and says so when another board changed them meanwhile", async () => {
    const menu = openMenu("exp1");
    // Another board renames exp1 first.
    await transport.update({ run: "exp1", changes: { display_name: "theirs" } });
    const name = menu.querySelector('[data-testid="run-menu-name"]') as HTMLInputElement;
    name.value = "mine";
    enter(name);
    await flush();
    expect($('[data-testid="run-menu-message"]').dataset.kind).toBe("conflict");
    expect($('[data-testid="run-menu-message"]').textContent).toContain("changed elsewhere");
    expect(runLabel("exp1")).toBe("theirs");
    expect(name.value).toBe("theirs");
    // Applied again, from the revision now known, it goes through.
    name.value = "mine";
    enter(name);
    await flush();
    expect(runLabel("exp1")).toBe("mine");
    expect(transport.notes.get("exp1")?.revision).toBe(2);
  });

  it("opens the menu from the keyboard and gives the focus back", () => {
    const toggle = $('[data-testid="run-toggle"][data-run="exp1"]');
    toggle.focus();
    toggle.dispatchEvent(new KeyboardEvent("keydown", { key: "F10", shiftKey: true }));
    const menu = $('[data-testid="run-menu"]');
    expect(menu.dataset.run).toBe("exp1");
    expect(document.activeElement).toBe(menu.querySelector('[data-testid="run-menu-name"]'));
    (menu.querySelector('[data-testid="run-menu-close"]') as HTMLElement).click();
    expect(document.activeElement).toBe(toggle);
  });
});

describe("a panel of 10,000 runs", () => {
  beforeEach(() => RUN_NOTES.set(new Map(), { showHidden: false, showArchived: false }));

  it("keeps a window of rows in the DOM and filters by regex to the last run", async () => {
    await setUp(Array.from({ length: 10_000 }, (_, i) => run(`sweep/lr_${i % 5}/seed_${String(i).padStart(5, "0")}`)));
    expect($('[data-testid="runs-count"]').textContent).toBe("10,000 runs");
    const inDom = document.querySelectorAll('[data-testid="run-row"]').length;
    expect(inDom).toBeGreaterThan(0);
    expect(inDom).toBeLessThanOrEqual(100);
    typeIn($<HTMLInputElement>('[data-testid="run-filter"]'), "seed_09999$");
    expect(rowNames()).toEqual(["sweep/lr_4/seed_09999"]);
    expect($('[data-testid="runs-count"]').textContent).toBe("1 of 10,000 runs");
    expect(panel.debug()).toMatchObject({ total: 10_000, shown: 1, rows: 1, domRows: 1 });
    // None / All act on the matches as sets of names.
    $('[data-testid="runs-none"]').click();
    expect([...state.hiddenRuns]).toEqual(["sweep/lr_4/seed_09999"]);
    typeIn($<HTMLInputElement>('[data-testid="run-filter"]'), "lr_1/");
    $('[data-testid="runs-only"]').click();
    expect(state.hiddenRuns.size).toBe(8000);
  });

  it("builds its lines in one pass", () => {
    const many = Array.from({ length: 10_000 }, (_, i) => run(`r${i}`));
    const lines = panelLines(many, () => null, false);
    expect(lines.runCount).toBe(10_000);
    const { rows, shownRuns } = filteredLines(lines, new Set(["r5", "r9999"]), false);
    expect(rows.map((r) => r.name)).toEqual(["r5", "r9999"]);
    expect(shownRuns).toBe(2);
    expect(countText(123, 10_000)).toBe("123 of 10,000 runs");
    expect(countText(1, 1)).toBe("1 run");
  });
});

describe("the notes store", () => {
  beforeEach(() => RUN_NOTES.set(new Map(), { showHidden: false, showArchived: false }));

  it("loads, changes from the known revision, and redraws only on a real change", async () => {
    const memory = new MemoryNotesTransport();
    await memory.update({ run: "a", changes: { tags: ["x"] } });
    const notes = new RunNotesStore(memory);
    let changes = 0;
    notes.subscribe(() => changes++);
    await notes.load();
    expect(changes).toBe(1);
    expect(notes.notes.note("a")).toMatchObject({ tags: ["x"], revision: 1 });
    await notes.load();
    expect(changes).toBe(1);
    const outcome = await notes.change("a", { hidden: true });
    expect(outcome.ok).toBe(true);
    expect(memory.updates.at(-1)).toEqual({ run: "a", changes: { hidden: true }, revision: 1 });
    expect(notes.notes.excluded("a")).toBe(true);
    expect(changes).toBe(2);
    expect(notes.pending).toBe(0);
  });

  it("answers a conflict with the note as it now is", async () => {
    const memory = new MemoryNotesTransport();
    const notes = new RunNotesStore(memory);
    await notes.load();
    await memory.update({ run: "a", changes: { display_name: "other" } });
    const outcome = await notes.change("a", { display_name: "mine" });
    expect(outcome).toMatchObject({ ok: false, conflict: true, note: { displayName: "other", revision: 1 } });
    expect(runLabel("a")).toBe("other");
  });
});

describe("a run's lag", () => {
  beforeEach(() => RUN_NOTES.set(new Map(), { showHidden: false, showArchived: false }));

  it("shows in the row's tooltip when the server sends last_write_time", async () => {
    const written = { ...run("live"), lastWriteTime: Date.now() / 1000 - 120 };
    await setUp([written, run("old")]);
    expect(lastWriteTime(written)).toBeCloseTo(written.lastWriteTime, 3);
    expect($('[data-testid="run-row"][data-run="live"]').title).toContain("updated 2 min ago");
    expect($('[data-testid="run-row"][data-run="old"]').title).not.toContain("updated");
  });
});
