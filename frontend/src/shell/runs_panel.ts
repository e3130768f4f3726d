// The runs panel: a filter, all/none/only, a count ("123 of 10,000 runs"), and a row per run
// with a checkbox, a colour swatch, its display name, its tags and a notes menu; the sub-runs
// add_scalars creates are listed under their parent run. The sub-runs add_hparams creates are
// not listed at all: they are part of the run they describe (core/colors.ts colorSource),
// drawn in its colour and switched with its checkbox; its row carries an "hparams" badge
// naming them.
//
// The list is virtual (shell/virtual_list.ts): only the rows in view are in the DOM, so
// 10,000 runs scroll and filter lightly. Filtering (core/selection.ts RunFilterIndex) is one
// pass over names lowercased once; the panel filters at once on every keystroke, and the
// page's filter (the URL, every chart) follows 100 ms after typing pauses. All / None / Only
// change the selection as sets of names: no row is touched.
//
// Notes (shell/run_notes.ts, /api/runs/notes): each row's "⋯" button (or a right-click on the
// row, or the ContextMenu key / Shift+F10 on its checkbox) opens the run's menu
// (shell/run_menu.ts). Hidden runs leave the list and the selection unless "show hidden" is
// on; archived runs sit in a collapsed "Archived" section (and are drawn only while it is
// open); a run moved to the trash leaves at once, and the toast's Undo brings it back.
// `tag:<name>` in the filter keeps the runs with that tag.
//
// Hooks: run-filter, run-filter-error, runs-all, runs-none, runs-only, runs-count
// (data-shown, data-total), runs-show-hidden, run-list (data-rows: rows in the DOM,
// data-length: rows in the list), run-row (data-run, data-hidden-note / data-archived when
// so), run-toggle (a checkbox, data-run), run-group-toggle, run-swatch, run-name, run-tag
// (data-tag), run-menu-button (data-run), run-hparams (the badge, data-run = the parent,
// data-count = its folded sub-runs), runs-archived (the section's toggle, data-count,
// aria-expanded); the menu's and the toast's in run_menu.ts.
//
// Colours: each run's swatch holds a colour input (run-color, data-run; right-click the swatch
// to go back to the palette colour; the swatch has data-picked="1" while a colour is picked),
// and color-group-regex groups runs by a regex (runs whose first capture group is equal share a
// colour; color-group-error says why a regex is refused). Both persist (core/colors.ts). A
// colour in the run's notes wins over both.

import type { Run } from "../api/client";
import type { RunColorPrefs, RunColors } from "../core/colors";
import { colorSource } from "../core/colors";
import { DebouncedCalls, compileFilter, debounce, h } from "../core/dom";
import type { RunNote } from "../core/run_labels";
import { RUN_NOTES, agoText, runLabel } from "../core/run_labels";
import { buildRunTree, matchingRuns, onlyRunsShown, runFilterError, withRunsShown } from "../core/selection";
import type { Theme } from "../core/theme";
import type { AppState } from "../core/url_state";
import { RunMenu, Toast } from "./run_menu";
import type { RunNotesStore } from "./run_notes";
import { VirtualList } from "./virtual_list";

export interface RunsPanelDeps {
  readonly colors: RunColors;
  state(): AppState;
  theme(): Theme;
  update(patch: Partial<AppState>): void;
  /** Saves and applies new run colour choices. */
  setColorPrefs?(prefs: RunColorPrefs): void;
  /** The run notes (none: the panel has no notes menu). */
  readonly notes?: RunNotesStore;
}

/** One line of the list: a run, a group of sub-runs without a run of its own, or a section. */
export interface PanelEntry {
  readonly key: string;
  readonly kind: "run" | "group" | "section";
  /** The run (or group) name; the section's id. */
  readonly name: string;
  /** What the row's checkbox switches (a parent: itself, its sub-runs and folded sessions). */
  readonly names: readonly string[];
  /** For a sub-run's row: its parent (the row shows the rest of the name). */
  readonly parent: string | null;
  /** add_hparams sessions folded into this run's row. */
  readonly folded: readonly string[];
}

/** The panel's lines before filtering: the main list and the archived runs. */
export interface PanelLines {
  readonly main: readonly PanelEntry[];
  readonly archived: readonly PanelEntry[];
  /** Runs with a row (main and archived). */
  readonly runCount: number;
}

/** Whether a run's note (or its parent's) says it is hidden / archived / trashed. */
function noteFlag(note: (run: string) => RunNote | null, name: string, parent: string | null, flag: "hidden" | "archived" | "trashed"): boolean {
  return (note(name)?.[flag] ?? false) || (parent !== null && (note(parent)?.[flag] ?? false));
}

/** The panel's lines for `runs` under the notes (see the module comment). */
export function panelLines(runs: readonly Run[], note: (run: string) => RunNote | null, showHidden: boolean): PanelLines {
  const byName = new Map(runs.map((run) => [run.name, run]));
  const folded = new Map<string, string[]>();
  const listed = runs.filter((run) => {
    const source = colorSource(run, byName);
    if (source === run.name) return true;
    const names = folded.get(source) ?? [];
    names.push(run.name);
    folded.set(source, names);
    return false;
  });
  for (const names of folded.values()) names.sort();
  const main: PanelEntry[] = [];
  const archived: PanelEntry[] = [];
  let runCount = 0;
  const place = (entry: PanelEntry): void => {
    const parent = entry.parent;
    if (noteFlag(note, entry.name, parent, "trashed")) return;
    if (!showHidden && noteFlag(note, entry.name, parent, "hidden")) return;
    if (entry.kind === "run") runCount++;
    (noteFlag(note, entry.name, parent, "archived") ? archived : main).push(entry);
  };
  for (const node of buildRunTree(listed)) {
    const childNames = node.children.map((c) => c.name);
    const own = folded.get(node.name) ?? [];
    const names = node.run ? [node.name, ...childNames, ...own] : childNames;
    place({ key: `${node.run ? "r" : "g"}:${node.name}`, kind: node.run ? "run" : "group", name: node.name, names, parent: null, folded: own });
    for (const child of node.children) {
      place({ key: `r:${child.name}`, kind: "run", name: child.name, names: [child.name, ...(folded.get(child.name) ?? [])], parent: node.name, folded: folded.get(child.name) ?? [] });
    }
  }
  return { main, archived, runCount };
}

/** The lines shown: entries with a matching name, then the Archived section (open: its runs). */
export function filteredLines(lines: PanelLines, matching: ReadonlySet<string>, archivedOpen: boolean): { rows: PanelEntry[]; shownRuns: number; archivedShown: number } {
  const rows: PanelEntry[] = [];
  let shownRuns = 0;
  const matches = (e: PanelEntry): boolean => {
    for (const n of e.names) if (matching.has(n)) return true;
    return false;
  };
  for (const e of lines.main) {
    if (!matches(e)) continue;
    rows.push(e);
    if (e.kind === "run") shownRuns++;
  }
  const archivedRows = lines.archived.filter(matches);
  let archivedShown = 0;
  for (const e of archivedRows) if (e.kind === "run") archivedShown++;
  shownRuns += archivedShown;
  if (lines.archived.length > 0) {
    rows.push({ key: "s:archived", kind: "section", name: "archived", names: [], parent: null, folded: [] });
    if (archivedOpen) rows.push(...archivedRows);
  }
  return { rows, shownRuns, archivedShown };
}

/** "123 of 10,000 runs". */
export function countText(shown: number, total: number): string {
  const n = (x: number): string => x.toLocaleString("en-US");
  return shown === total ? `${n(total)} run${total === 1 ? "" : "s"}` : `${n(shown)} of ${n(total)} runs`;
}

/** What the run's data says about its freshness: `last_write_time` (seconds) when the server sends it. */
export function lastWriteTime(run: Run): number | null {
  const value = run.lastWriteTime;
  return value !== null && Number.isFinite(value) ? value : null;
}

const ROW_HEIGHT = 24;
const FILTER_FOLLOW_MS = 100;

interface RowParts {
  entry: PanelEntry;
  readonly toggle: HTMLInputElement | null;
  readonly swatch: HTMLElement | null;
  readonly picker: HTMLInputElement | null;
  readonly label: HTMLElement;
  readonly tags: HTMLElement | null;
}

export class RunsPanel {
  readonly element: HTMLElement;
  private readonly deps: RunsPanelDeps;
  private readonly filter: HTMLInputElement;
  private readonly filterError: HTMLSpanElement;
  private readonly count: HTMLElement;
  private readonly showHidden: HTMLInputElement;
  /** "show hidden", shown while the server keeps notes. */
  private readonly showHiddenLabel: HTMLElement;
  private readonly list: VirtualList;
  private readonly groupRegex: HTMLInputElement;
  private readonly groupError: HTMLSpanElement;
  private readonly menu: RunMenu | null;
  private readonly toast = new Toast();
  private readonly calls = new DebouncedCalls();
  private readonly followFilter: () => void;
  private readonly parts = new WeakMap<HTMLElement, RowParts>();
  private runs: readonly Run[] = [];
  private byName: ReadonlyMap<string, Run> = new Map();
  private lines: PanelLines = { main: [], archived: [], runCount: 0 };
  private rows: PanelEntry[] = [];
  /** What `rows` was filtered from (the same again: no need to filter). */
  private filtered: { lines: PanelLines; matching: ReadonlySet<string>; archivedOpen: boolean } | null = null;
  private archivedOpen = false;
  /** The filter as typed (the page's runFilter follows it, debounced). */
  private filterText: string | null = null;
  /** Milliseconds the panel's last filtering took (window.__trainboard.runsPanel()). */
  private lastFilterMs = 0;

  constructor(deps: RunsPanelDeps) {
    this.deps = deps;
    this.filter = h("input", {
      type: "search",
      class: "tb-filter",
      placeholder: "Filter runs (regex, tag:name)",
      "data-testid": "run-filter",
      "aria-label": "Filter runs",
    });
    this.followFilter = this.calls.add(FILTER_FOLLOW_MS, () => this.commitFilter());
    this.filter.addEventListener("input", () => {
      this.filterText = this.filter.value;
      this.refilter();
      this.followFilter();
    });
    this.filterError = h("span", { class: "tb-filter-error", "data-testid": "run-filter-error" });
    const all = h("button", { type: "button", "data-testid": "runs-all", title: "Show every run the filter matches" }, "All");
    const none = h("button", { type: "button", "data-testid": "runs-none", title: "Hide every run the filter matches" }, "None");
    const only = h("button", { type: "button", "data-testid": "runs-only", title: "Show only the runs the filter matches" }, "Only");
    all.addEventListener("click", () => this.setMatching(true));
    none.addEventListener("click", () => this.setMatching(false));
    only.addEventListener("click", () => this.onlyMatching());
    this.count = h("span", { class: "tb-runs-count", "data-testid": "runs-count", "aria-live": "polite" });
    this.showHidden = h("input", { type: "checkbox", "data-testid": "runs-show-hidden" });
    this.showHidden.addEventListener("change", () => this.setVisibility());
    this.list = new VirtualList({
      rowHeight: ROW_HEIGHT,
      key: (i) => (this.rows[i] as PanelEntry).key,
      render: (i) => this.renderRow(this.rows[i] as PanelEntry),
      update: (i, row) => this.updateRow(row, this.rows[i] as PanelEntry),
      attrs: { class: "tb-run-list", role: "list", "data-testid": "run-list", "aria-label": "Runs" },
    });
    this.groupRegex = h("input", {
      type: "text",
      class: "tb-filter tb-color-group",
      placeholder: "Colour by regex group, e.g. lr=([^,]+)",
      "data-testid": "color-group-regex",
      "aria-label": "Colour runs by a regex group",
      spellcheck: "false",
    });
    this.groupError = h("span", { class: "tb-filter-error", "data-testid": "color-group-error" });
    // Regrouping redraws every chart: once typing pauses.
    const regroup = debounce(() => {
      const groupBy = this.groupRegex.value;
      if (!compileFilter(groupBy).error) deps.setColorPrefs?.({ ...deps.colors.preferences, groupBy });
    }, 200);
    this.groupRegex.addEventListener("input", () => {
      const error = compileFilter(this.groupRegex.value).error;
      this.groupError.textContent = error ?? "";
      regroup();
    });
    const notes = deps.notes;
    this.showHiddenLabel = h("label", { class: "tb-runs-show-hidden", title: "List hidden runs (and draw them)" }, this.showHidden, "show hidden");
    this.showHiddenLabel.hidden = !notes;
    this.menu = notes
      ? new RunMenu({
          note: (run) => notes.notes.note(run),
          color: (run) => deps.colors.color(run, deps.theme()),
          change: (run, changes) => notes.change(run, changes),
          trashed: (run) => this.offerUndo(run),
        })
      : null;
    notes?.subscribe(() => {
      this.rebuild();
      this.menu?.refresh();
    });
    this.element = h(
      "aside",
      { class: "tb-runs", "data-testid": "runs-panel" },
      h("div", { class: "tb-runs-head" }, h("span", { class: "tb-runs-title" }, "Runs"), all, none, only),
      this.filter,
      this.filterError,
      h(
        "div",
        { class: "tb-runs-status" },
        this.count,
        this.showHiddenLabel,
      ),
      this.groupRegex,
      this.groupError,
      this.list.element,
      this.menu?.element,
      this.toast.element,
    );
    this.list.element.addEventListener("contextmenu", (event) => {
      if (!this.menu || event.defaultPrevented || !this.deps.notes?.available) return;
      const row = (event.target as Element | null)?.closest<HTMLElement>('[data-testid="run-row"]');
      const entry = row ? this.parts.get(row)?.entry : undefined;
      if (!row || !entry || entry.kind !== "run") return;
      event.preventDefault();
      this.menu.open(entry.name, row.querySelector<HTMLElement>('[data-testid="run-menu-button"]'));
    });
  }

  /** Scheduled work that counts as pending (the page's filter following the panel's). */
  get pending(): number {
    return this.calls.pending;
  }

  /** Puts the keyboard in the run filter, its text selected. */
  focusFilter(): void {
    this.filter.focus();
    this.filter.select();
  }

  /** What the panel shows, for tests and benchmarks (window.__trainboard.runsPanel()). */
  debug(): {
    total: number;
    shown: number;
    rows: number;
    domRows: number;
    window: [number, number];
    filter: string;
    filterMs: number;
    renderMs: number;
    maxRenderMs: number;
    archived: number;
    menu: string | null;
  } {
    const shown = Number(this.count.dataset.shown ?? 0);
    return {
      total: this.lines.runCount,
      shown,
      rows: this.rows.length,
      domRows: this.list.element.querySelectorAll('[data-testid="run-row"]').length,
      window: [this.list.window.start, this.list.window.end],
      filter: this.currentFilter(),
      filterMs: this.lastFilterMs,
      renderMs: this.list.renderMs,
      maxRenderMs: this.list.maxRenderMs,
      archived: this.lines.archived.length,
      menu: this.menu?.openRun ?? null,
    };
  }

  setRuns(runs: readonly Run[]): void {
    this.runs = runs;
    this.byName = new Map(runs.map((run) => [run.name, run]));
    this.showHiddenLabel.hidden = !this.deps.notes?.available;
    const notes = this.deps.notes?.notes ?? RUN_NOTES;
    this.lines = panelLines(runs, (run) => notes.note(run), this.showHidden.checked);
    this.show(this.deps.state());
  }

  /** Shows the state's filter, checkboxes and colours. */
  show(state: AppState): void {
    if (document.activeElement !== this.filter && this.calls.pending === 0) {
      this.filter.value = state.runFilter;
      this.filterText = null;
    }
    if (document.activeElement !== this.groupRegex) this.groupRegex.value = this.deps.colors.preferences.groupBy;
    this.refilter();
  }

  /** Scrolls the row of `run` into view (when it is listed); true if it is. */
  reveal(run: string): boolean {
    const index = this.rows.findIndex((e) => e.name === run && e.kind === "run");
    if (index < 0) return false;
    this.list.reveal(index);
    return true;
  }

  private currentFilter(): string {
    return this.filterText ?? this.deps.state().runFilter;
  }

  private commitFilter(): void {
    if (this.filterText === null) return;
    const runFilter = this.filterText;
    // From here the state holds the filter (and a change of it from elsewhere shows).
    this.filterText = null;
    if (runFilter !== this.deps.state().runFilter) this.deps.update({ runFilter });
  }

  /** The lines for the current runs and notes (after either changed). */
  private rebuild(): void {
    this.showHiddenLabel.hidden = !this.deps.notes?.available;
    const notes = this.deps.notes?.notes ?? RUN_NOTES;
    this.lines = panelLines(this.runs, (run) => notes.note(run), this.showHidden.checked);
    this.refilter();
  }

  private refilter(): void {
    const started = performance.now();
    const text = this.currentFilter();
    this.filterError.textContent = runFilterError(text) ?? "";
    const matching = matchingRuns(this.runs, text);
    const same = this.filtered;
    if (same && same.lines === this.lines && same.matching === matching && same.archivedOpen === this.archivedOpen) {
      // Only the checkboxes or colours can have changed: update the rows in view.
      this.list.refresh();
      return;
    }
    this.filtered = { lines: this.lines, matching, archivedOpen: this.archivedOpen };
    const { rows, shownRuns } = filteredLines(this.lines, matching, this.archivedOpen);
    this.rows = rows;
    this.count.textContent = countText(shownRuns, this.lines.runCount);
    this.count.dataset.shown = String(shownRuns);
    this.count.dataset.total = String(this.lines.runCount);
    this.list.setCount(rows.length);
    this.list.element.dataset.length = String(rows.length);
    this.list.element.dataset.rows = String(this.list.window.end - this.list.window.start);
    this.lastFilterMs = performance.now() - started;
  }

  private setMatching(shown: boolean): void {
    const state = this.deps.state();
    const runFilter = this.currentFilter();
    const names = matchingRuns(this.runs, runFilter);
    this.filterText = null;
    this.deps.update({ runFilter, hiddenRuns: withRunsShown(state.hiddenRuns, names, shown) });
  }

  private onlyMatching(): void {
    const runFilter = this.currentFilter();
    const names = matchingRuns(this.runs, runFilter);
    this.filterText = null;
    this.deps.update({ runFilter, hiddenRuns: onlyRunsShown(this.runs.map((r) => r.name), names) });
  }

  /** "show hidden" or the Archived section changed: the list and the selection follow. */
  private setVisibility(): void {
    if (this.deps.notes) this.deps.notes.setVisibility({ showHidden: this.showHidden.checked, showArchived: this.archivedOpen });
    this.rebuild();
  }

  private offerUndo(run: string): void {
    const notes = this.deps.notes;
    if (!notes) return;
    this.toast.show(`Moved ${runLabel(run)} to the trash.`, () => {
      void notes.change(run, { trashed: false }).then((outcome) => {
        if (outcome.ok) this.toast.show(`Restored ${runLabel(run)}.`, null, 4000);
        else this.toast.show(`Could not restore ${run}: ${outcome.message}`, null);
      });
    });
  }

  private renderRow(entry: PanelEntry): HTMLElement {
    if (entry.kind === "section") return this.sectionRow(entry);
    const isRun = entry.kind === "run";
    const name = entry.name;
    const toggle = h("input", { type: "checkbox", "data-testid": isRun ? "run-toggle" : "run-group-toggle", "data-run": name });
    const swatch = isRun ? h("span", { class: "tb-swatch", "data-testid": "run-swatch" }) : null;
    const picker = isRun ? this.colorPicker(name) : null;
    const label = h("span", { class: "tb-run-name", "data-testid": "run-name" });
    const tags = isRun && this.deps.notes ? h("span", { class: "tb-run-tags" }) : null;
    const menuButton =
      isRun && this.menu && this.deps.notes?.available
        ? h("button", { type: "button", class: "tb-run-menu-button", "data-testid": "run-menu-button", "data-run": name, "aria-haspopup": "dialog", "aria-label": `Notes of ${name}`, title: "Rename, colour, tags, note, hide, archive, trash" }, "⋯")
        : null;
    const row = h(
      "label",
      { class: "tb-run-row", role: "listitem", "data-testid": "run-row", "data-run": name, style: entry.parent !== null ? "padding-left:20px" : null },
      toggle,
      swatch && picker ? h("span", { class: "tb-swatch-wrap", title: "Pick a colour (right-click: back to the palette)" }, swatch, picker) : null,
      label,
      tags,
      entry.folded.length > 0 ? hparamsBadge(name, entry.folded) : null,
      menuButton,
    );
    toggle.addEventListener("change", () => {
      const state = this.deps.state();
      const names = this.parts.get(row)?.entry.names ?? [];
      this.deps.update({ hiddenRuns: withRunsShown(state.hiddenRuns, names, toggle.checked) });
    });
    if (menuButton && this.menu) {
      const menu = this.menu;
      menuButton.addEventListener("click", (event) => {
        event.preventDefault();
        menu.open(name, menuButton);
      });
      toggle.addEventListener("keydown", (event) => {
        if (event.key === "ContextMenu" || (event.key === "F10" && event.shiftKey)) {
          event.preventDefault();
          menu.open(name, toggle);
        }
      });
    }
    this.parts.set(row, { entry, toggle, swatch, picker, label, tags });
    this.updateRow(row, entry);
    return row;
  }

  private sectionRow(entry: PanelEntry): HTMLElement {
    const button = h("button", { type: "button", class: "tb-runs-section", "data-testid": "runs-archived" });
    button.addEventListener("click", () => {
      this.archivedOpen = !this.archivedOpen;
      this.setVisibility();
    });
    const row = h("div", { class: "tb-run-row tb-run-section", role: "listitem" }, button);
    this.parts.set(row, { entry, toggle: null, swatch: null, picker: null, label: button, tags: null });
    this.updateRow(row, entry);
    return row;
  }

  /** Brings a row up to date: checkbox, colour, label, tags, tooltip. */
  private updateRow(row: HTMLElement, entry: PanelEntry): void {
    const parts = this.parts.get(row);
    if (!parts) return;
    parts.entry = entry;
    if (entry.kind === "section") {
      parts.label.textContent = `${this.archivedOpen ? "▾" : "▸"} Archived (${this.lines.archived.length})`;
      parts.label.setAttribute("aria-expanded", this.archivedOpen ? "true" : "false");
      parts.label.dataset.count = String(this.lines.archived.length);
      return;
    }
    const state = this.deps.state();
    const hidden = state.hiddenRuns;
    const name = entry.name;
    const toggle = parts.toggle as HTMLInputElement;
    if (entry.kind === "run") {
      toggle.checked = !hidden.has(name);
      toggle.indeterminate = entry.names.some((n) => hidden.has(n) !== hidden.has(name));
    } else {
      const shown = entry.names.filter((n) => !hidden.has(n)).length;
      toggle.checked = shown > 0;
      toggle.indeterminate = shown > 0 && shown < entry.names.length;
    }
    const full = runLabel(name);
    const parentLabel = entry.parent !== null ? runLabel(entry.parent) : null;
    parts.label.textContent = parentLabel !== null && full.startsWith(`${parentLabel}/`) ? full.slice(parentLabel.length + 1) : full;
    const note = this.deps.notes?.notes.note(name) ?? null;
    if (parts.swatch && entry.kind === "run") {
      const color = this.deps.colors.color(name, this.deps.theme());
      parts.swatch.style.background = color;
      parts.swatch.dataset.picked = this.deps.colors.picked(name) === null ? "0" : "1";
      parts.swatch.dataset.noteColor = note?.color ? "1" : "0";
      if (parts.picker && document.activeElement !== parts.picker) parts.picker.value = color;
    }
    if (parts.tags) {
      const tags = note?.tags ?? [];
      const shownTags = parts.tags.dataset.tags ?? "";
      if (shownTags !== tags.join("\u0000")) {
        parts.tags.dataset.tags = tags.join("\u0000");
        parts.tags.replaceChildren(...tags.map((tag) => h("span", { class: "tb-chip tb-chip-small", "data-testid": "run-tag", "data-tag": tag }, tag)));
      }
    }
    if (note?.hidden) row.dataset.hiddenNote = "1";
    else delete row.dataset.hiddenNote;
    if (note?.archived) row.dataset.archived = "1";
    else delete row.dataset.archived;
    row.title = this.rowTitle(name, full, note);
  }

  private rowTitle(name: string, label: string, note: RunNote | null): string {
    const lines = [label === name ? name : `${label} (${name})`];
    if (note?.tags.length) lines.push(`tags: ${note.tags.join(", ")}`);
    if (note?.note) lines.push(note.note);
    const run = this.byName.get(name);
    const written = run ? lastWriteTime(run) : null;
    if (written !== null) lines.push(`updated ${agoText(written, Date.now() / 1000)}`);
    return lines.join("\n");
  }

  /** The colour input over a run's swatch: picks its colour; right-click unpicks it. */
  private colorPicker(run: string): HTMLInputElement {
    const picker = h("input", { type: "color", class: "tb-run-color", "data-testid": "run-color", "data-run": run, "aria-label": `Colour of ${run}` });
    const pick = (color: string | null): void => {
      const prefs = this.deps.colors.preferences;
      const picked = { ...prefs.picked };
      if (color === null) delete picked[run];
      else picked[run] = color;
      this.deps.setColorPrefs?.({ ...prefs, picked });
    };
    picker.addEventListener("input", () => pick(picker.value));
    picker.addEventListener("contextmenu", (event) => {
      event.preventDefault();
      pick(null);
    });
    return picker;
  }
}

function hparamsBadge(run: string, sessions: readonly string[]): HTMLElement {
  const count = sessions.length;
  return h(
    "span",
    {
      class: "tb-run-badge",
      // Styled here rather than in styles.css: the badge is this panel's alone.
      style: "margin-left:auto;padding:0 5px;border:1px solid var(--border);border-radius:8px;font-size:11px;color:var(--fg-soft)",
      "data-testid": "run-hparams",
      "data-run": run,
      "data-count": count,
      title: `add_hparams session${count === 1 ? "" : "s"} shown as part of this run: ${sessions.join(", ")}`,
    },
    count === 1 ? "hparams" : `hparams ×${count}`,
  );
}
