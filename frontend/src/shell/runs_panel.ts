// The runs panel: a regex filter, all/none, and a checkbox with a colour swatch per run; the
// sub-runs add_scalars creates are listed under their parent run. The sub-runs add_hparams
// creates are not listed at all: they are part of the run they describe (core/colors.ts
// colorSource), drawn in its colour and switched with its checkbox; its row carries an
// "hparams" badge naming them.
//
// Hooks: run-filter, run-filter-error, runs-all, runs-none, run-row (data-run, hidden when
// filtered out), run-toggle (a checkbox, data-run), run-swatch, run-hparams (the badge,
// data-run = the parent, data-count = its folded sub-runs).
//
// Colours: each run's swatch holds a colour input (run-color, data-run; right-click the swatch
// to go back to the palette colour; the swatch has data-picked="1" while a colour is picked),
// and color-group-regex groups runs by a regex (runs whose first capture group is equal share a
// colour; color-group-error says why a regex is refused). Both persist (core/colors.ts).

import type { Run } from "../api/client";
import type { RunColorPrefs, RunColors } from "../core/colors";
import { colorSource } from "../core/colors";
import { compileFilter, debounce, h } from "../core/dom";
import type { RunTreeNode } from "../core/selection";
import { buildRunTree, matchingRuns, withRunsShown } from "../core/selection";
import type { Theme } from "../core/theme";
import type { AppState } from "../core/url_state";

export interface RunsPanelDeps {
  readonly colors: RunColors;
  state(): AppState;
  theme(): Theme;
  update(patch: Partial<AppState>): void;
  /** Saves and applies new run colour choices. */
  setColorPrefs?(prefs: RunColorPrefs): void;
}

interface Row {
  readonly names: readonly string[];
  readonly row: HTMLElement;
  readonly toggle: HTMLInputElement;
  readonly swatch: HTMLElement | null;
  readonly picker: HTMLInputElement | null;
  readonly run: string | null;
}

export class RunsPanel {
  readonly element: HTMLElement;
  private readonly deps: RunsPanelDeps;
  private readonly filter: HTMLInputElement;
  private readonly filterError: HTMLSpanElement;
  private readonly list: HTMLDivElement;
  private readonly groupRegex: HTMLInputElement;
  private readonly groupError: HTMLSpanElement;
  private runs: readonly Run[] = [];
  private rows: Row[] = [];

  constructor(deps: RunsPanelDeps) {
    this.deps = deps;
    this.filter = h("input", {
      type: "search",
      class: "tb-filter",
      placeholder: "Filter runs (regex)",
      "data-testid": "run-filter",
      "aria-label": "Filter runs",
    });
    this.filter.addEventListener("input", () => deps.update({ runFilter: this.filter.value }));
    this.filterError = h("span", { class: "tb-filter-error", "data-testid": "run-filter-error" });
    const all = h("button", { type: "button", "data-testid": "runs-all" }, "All");
    const none = h("button", { type: "button", "data-testid": "runs-none" }, "None");
    all.addEventListener("click", () => this.setMatching(true));
    none.addEventListener("click", () => this.setMatching(false));
    this.list = h("div", { class: "tb-run-list", role: "list" });
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
    this.element = h(
      "aside",
      { class: "tb-runs", "data-testid": "runs-panel" },
      h("div", { class: "tb-runs-head" }, h("span", { class: "tb-runs-title" }, "Runs"), all, none),
      this.filter,
      this.filterError,
      this.groupRegex,
      this.groupError,
      this.list,
    );
  }

  /** Puts the keyboard in the run filter, its text selected. */
  focusFilter(): void {
    this.filter.focus();
    this.filter.select();
  }

  setRuns(runs: readonly Run[]): void {
    this.runs = runs;
    this.rows = [];
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
    this.list.replaceChildren(...buildRunTree(listed).map((node) => this.nodeElement(node, folded.get(node.name) ?? [])));
    this.show(this.deps.state());
  }

  /** Shows the state's filter, checkboxes and colours. */
  show(state: AppState): void {
    if (document.activeElement !== this.filter) this.filter.value = state.runFilter;
    const compiled = compileFilter(state.runFilter);
    this.filterError.textContent = compiled.error ?? "";
    const matching = matchingRuns(this.runs, state.runFilter);
    const theme = this.deps.theme();
    if (document.activeElement !== this.groupRegex) this.groupRegex.value = this.deps.colors.preferences.groupBy;
    for (const { names, row, toggle, swatch, picker, run } of this.rows) {
      const hidden = state.hiddenRuns;
      const shown = names.filter((n) => !hidden.has(n)).length;
      if (run !== null) {
        toggle.checked = !hidden.has(run);
        toggle.indeterminate = names.some((n) => hidden.has(n) !== hidden.has(run));
      } else {
        toggle.checked = shown > 0;
        toggle.indeterminate = shown > 0 && shown < names.length;
      }
      row.hidden = !names.some((n) => matching.has(n));
      if (swatch && run !== null) {
        const color = this.deps.colors.color(run, theme);
        swatch.style.background = color;
        swatch.dataset.picked = this.deps.colors.picked(run) === null ? "0" : "1";
        if (picker && document.activeElement !== picker) picker.value = color;
      }
    }
  }

  private setMatching(shown: boolean): void {
    const state = this.deps.state();
    const names = matchingRuns(this.runs, state.runFilter);
    this.deps.update({ hiddenRuns: withRunsShown(state.hiddenRuns, names, shown) });
  }

  private nodeElement(node: RunTreeNode, folded: readonly string[]): HTMLElement {
    const childNames = node.children.map((c) => c.name);
    // A parent's checkbox switches the parent and all its sub-runs.
    const names = node.run ? [node.name, ...childNames, ...folded] : childNames;
    const head = this.row(node.name, node.run !== null, names, "run-row");
    if (folded.length > 0) head.append(hparamsBadge(node.name, folded));
    if (node.children.length === 0) return head;
    const children = h(
      "div",
      { class: "tb-run-children" },
      ...node.children.map((child) => this.row(child.name, true, [child.name], "run-row", node.name)),
    );
    return h("div", { class: "tb-run-node" }, head, children);
  }

  private row(name: string, isRun: boolean, names: readonly string[], testid: string, parent?: string): HTMLElement {
    const toggle = h("input", { type: "checkbox", "data-testid": isRun ? "run-toggle" : "run-group-toggle", "data-run": name });
    const swatch = isRun ? h("span", { class: "tb-swatch", "data-testid": "run-swatch" }) : null;
    const picker = isRun ? this.colorPicker(name) : null;
    const label = parent && name.startsWith(`${parent}/`) ? name.slice(parent.length + 1) : name;
    const row = h(
      "label",
      { class: "tb-run-row", role: "listitem", "data-testid": testid, "data-run": name, title: name },
      toggle,
      swatch && picker ? h("span", { class: "tb-swatch-wrap", title: "Pick a colour (right-click: back to the palette)" }, swatch, picker) : null,
      h("span", { class: "tb-run-name" }, label),
    );
    toggle.addEventListener("change", () => {
      const state = this.deps.state();
      this.deps.update({ hiddenRuns: withRunsShown(state.hiddenRuns, names, toggle.checked) });
    });
    this.rows.push({ names, row, toggle, swatch, picker, run: isRun ? name : null });
    return row;
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
