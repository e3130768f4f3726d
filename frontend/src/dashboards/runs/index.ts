// The Runs tab: one row per run (GET /api/runs/table) with its display name and colour, its
// hyperparameters (add_hparams sub-runs folded in), its captured environment and the last,
// min and max of the scalar tags the user adds as metric columns. Sort by any column (click
// its header), filter per column (model.ts: ranges, values, regexes), choose the columns,
// and select runs: the checkboxes are the page's run selection, so every tab follows them.
// Filters apply to the columns shown (hiding a column sets its filter aside until shown).
//
// The view (metric tags, column choices, filters, sort) is kept in localStorage
// ("trainboard.runs_table") and in the URL (rt_metrics, rt_hide, rt_show, rt_filter,
// rt_sort): a field in the URL wins over the stored one.
//
// Hooks: rt-dashboard, rt-count (data-shown, data-total), rt-metric-picker (a select of
// scalar tags) and rt-metric-add, rt-columns (the chooser's <details>), rt-column-toggle
// (data-column), rt-metric-remove (data-tag), rt-select-filtered, rt-clear-filters,
// rt-values (the value list popup; rt-value data-value), rt-empty; and table.ts's.
// window.__trainboard.view("runs") gives {rows, total, columns, metrics, scalarTags, sort,
// filters, rendered, error, cells: the shown text of the first 500 rows' visible cells}.

import type { LiveMessage, RunsInfo } from "../../api/client";
import type { WireRunsTable } from "../../api/wire_types";
import type { DashboardContext, DashboardFactory, DashboardView } from "../../core/dashboard";
import { debounce, h } from "../../core/dom";
import { RUN_NOTES, runLabel } from "../../core/run_labels";
import type { AppState } from "../../core/url_state";
import type { Column, Row, TableData, ViewState } from "./model";
import {
  distinctValues,
  filterRows,
  filterValues,
  formatCell,
  isVisible,
  NAME_COLUMN,
  nextSort,
  readView,
  sortRows,
  tableData,
  valuesFilter,
  viewParams,
  withColumnVisible,
  withMetric,
} from "./model";
import { selectExactly, withNames } from "./run_selection";
import { RunsTableView } from "./table";
import "./runs.css";

export const STORAGE_KEY = "trainboard.runs_table";
const RELOAD_MS = 400;
const DEBUG_ROWS = 500;
const GROUP_LABELS: Record<Column["group"], string> = { run: "Run", hparam: "Hyperparameters", env: "Environment", metric: "Metrics" };

function loadStored(): unknown {
  try {
    const text = window.localStorage.getItem(STORAGE_KEY);
    return text ? (JSON.parse(text) as unknown) : null;
  } catch {
    return null;
  }
}

function store(view: ViewState): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, JSON.stringify(view));
  } catch {
    // Storage full or off: the URL still keeps the view.
  }
}

export async function fetchRunsTable(context: DashboardContext, metrics: readonly string[], signal?: AbortSignal): Promise<TableData> {
  const wire = await context.queue.run(() => context.client.getJson<WireRunsTable>("api/runs/table", { metrics: [...metrics] }, signal));
  return tableData(wire, runLabel);
}

export class RunsDashboard implements DashboardView {
  readonly element: HTMLElement;
  private readonly context: DashboardContext;
  private readonly table: RunsTableView;
  private readonly count: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly picker: HTMLSelectElement;
  private readonly chooser: HTMLDetailsElement;
  private readonly chooserList: HTMLElement;
  private readonly popup: HTMLElement;
  private readonly reload: () => void;
  private view: ViewState;
  private data: TableData | null = null;
  private error: string | null = null;
  private shown: readonly Row[] = [];
  private loads = 0;
  private scheduled = false;
  private generation = 0;
  private loadedMetrics = "";
  /** Whether the tab is shown; changes while hidden only mark the table stale. */
  private visible = false;
  private stale = false;
  /** A reload was asked while one was in flight: run it when that one ends. */
  private again = false;

  constructor(context: DashboardContext) {
    this.context = context;
    this.view = readView(context.state().params, loadStored());
    this.table = new RunsTableView({
      sort: (id) => this.setView({ ...this.view, sort: nextSort(this.view.sort, id) }),
      filter: (id, text) => this.setFilter(id, text),
      values: (column, anchor) => this.openValues(column, anchor),
      select: (row, on) => this.select(withNames(context.drawnRuns(), [row.run, ...row.members], on)),
      selectAll: (on) => this.select(withNames(context.drawnRuns(), this.shown.flatMap((r) => [r.run, ...r.members]), on)),
      color: (run) => context.color(run),
      categorical: (column) => column.type !== "number" && this.data !== null && distinctValues(this.data.rows, column, 30) !== null,
    });
    this.count = h("span", { class: "tb-rt-count", "data-testid": "rt-count" });
    this.empty = h("div", { class: "tb-empty", "data-testid": "rt-empty", hidden: true });
    this.picker = h("select", { class: "tb-rt-picker", "data-testid": "rt-metric-picker", "aria-label": "Scalar tag to add as metric columns" });
    const add = h("button", { type: "button", "data-testid": "rt-metric-add" }, "Add metric");
    add.addEventListener("click", () => {
      if (this.picker.value) this.setView(withMetric(this.view, this.picker.value, true));
    });
    this.chooserList = h("div", { class: "tb-rt-chooser-list" });
    this.chooser = h("details", { class: "tb-rt-chooser", "data-testid": "rt-columns" }, h("summary", {}, "Columns"), this.chooserList);
    const onlyFiltered = h("button", { type: "button", "data-testid": "rt-select-filtered", title: "Select the rows shown and nothing else" }, "Select only these");
    onlyFiltered.addEventListener("click", () => this.select(new Set(this.shown.flatMap((r) => [r.run, ...r.members]))));
    const clear = h("button", { type: "button", "data-testid": "rt-clear-filters" }, "Clear filters");
    clear.addEventListener("click", () => this.setView({ ...this.view, filters: {} }));
    this.popup = h("div", { class: "tb-rt-popup", "data-testid": "rt-values", hidden: true });
    this.element = h(
      "div",
      { class: "tb-runs-view", "data-testid": "rt-dashboard" },
      h("div", { class: "tb-controls tb-rt-toolbar" }, this.picker, add, this.chooser, onlyFiltered, clear, this.count),
      this.empty,
      this.table.element,
      this.popup,
    );
    document.addEventListener("mousedown", (event) => {
      if (!this.popup.hidden && !this.popup.contains(event.target as Node)) this.popup.hidden = true;
    });
    const reload = debounce(() => {
      this.scheduled = false;
      if (this.loads > 0) this.again = true;
      else void this.load();
    }, RELOAD_MS);
    // A table over many runs costs the server a moment: reload only while shown, one at a time.
    this.reload = () => {
      if (!this.visible) {
        this.stale = true;
        return;
      }
      this.scheduled = true;
      reload();
    };
    void this.load();
  }

  get pending(): number {
    return this.loads + (this.scheduled ? 1 : 0);
  }

  show(): void {
    this.visible = true;
    if (this.stale) {
      this.stale = false;
      this.reload();
    }
    this.table.update();
  }

  hide(): void {
    this.visible = false;
    this.popup.hidden = true;
  }

  setRuns(_runs: RunsInfo): void {
    // Runs came or went (or their notes changed): the rows follow.
    if (this.data) this.reload();
  }

  stateChanged(state: AppState, previous: AppState): void {
    if (state.params !== previous.params) {
      const next = readView(state.params, this.view);
      if (JSON.stringify(next) !== JSON.stringify(this.view)) {
        this.view = next;
        store(next);
        this.afterViewChange();
        return;
      }
    }
    if (state.runFilter !== previous.runFilter || state.hiddenRuns !== previous.hiddenRuns) {
      this.table.setDrawn(this.context.drawnRuns());
    }
  }

  onLive(message: LiveMessage): void {
    if (message.type === "runs" || message.type === "tags") {
      this.reload();
    } else if (message.type === "points" && message.kind === "scalars") {
      const metrics = new Set(this.view.metrics);
      if (message.updates.some((u) => metrics.has(u.tag))) this.reload();
    }
  }

  refreshAll(): void {
    this.reload();
  }

  themeChanged(): void {
    this.render();
  }

  resize(): void {
    this.table.update();
  }

  destroy(): void {}

  debug(): unknown {
    const columns = this.visibleColumns();
    return {
      error: this.error,
      total: this.data?.rows.length ?? 0,
      rows: this.shown.map((r) => r.run),
      columns: columns.map((c) => c.id),
      metrics: [...this.view.metrics],
      scalarTags: [...(this.data?.scalarTags ?? [])],
      sort: this.view.sort,
      filters: this.view.filters,
      rendered: this.table.renderedRows,
      cells: this.shown.slice(0, DEBUG_ROWS).map((row) => Object.fromEntries(columns.map((c) => [c.id, formatCell(row.cells.get(c.id) ?? null, c)]))),
    };
  }

  private async load(): Promise<void> {
    const generation = ++this.generation;
    const metrics = [...this.view.metrics];
    this.loads++;
    try {
      const data = await fetchRunsTable(this.context, metrics);
      if (generation !== this.generation) return;
      this.data = data;
      this.loadedMetrics = JSON.stringify(metrics);
      this.error = null;
    } catch (err) {
      if (generation !== this.generation) return;
      this.error = `Could not load the runs table: ${err instanceof Error ? err.message : String(err)}`;
    } finally {
      this.loads--;
      if (this.again && this.loads === 0) {
        this.again = false;
        this.reload();
      }
    }
    this.render();
  }

  private setView(next: ViewState): void {
    this.view = next;
    store(next);
    this.context.setParams(viewParams(next));
    this.afterViewChange();
  }

  private afterViewChange(): void {
    if (JSON.stringify(this.view.metrics) !== this.loadedMetrics) {
      this.scheduled = true;
      void this.load().finally(() => {
        this.scheduled = false;
      });
    }
    this.render();
  }

  private setFilter(id: string, text: string): void {
    const filters = { ...this.view.filters };
    if (text.trim()) filters[id] = text;
    else delete filters[id];
    this.setView({ ...this.view, filters });
  }

  private select(selected: ReadonlySet<string>): void {
    this.context.update(selectExactly(this.context.runs().runs, this.context.state(), selected));
  }

  private visibleColumns(): Column[] {
    return (this.data?.columns ?? []).filter((c) => isVisible(c, this.view));
  }

  private render(): void {
    const data = this.data;
    let message = this.error ?? "";
    if (!message && data && data.rows.length === 0) message = "No runs yet.";
    this.empty.textContent = message;
    this.empty.hidden = message === "";
    this.renderPicker();
    this.renderChooser();
    if (!data) return;
    const columns = this.visibleColumns();
    // Runs the notes take out of the selection (trashed, hidden, archived) leave the table too.
    const rows = RUN_NOTES.excludedSet.size ? data.rows.filter((r) => !RUN_NOTES.excluded(r.run)) : data.rows;
    this.shown = sortRows(filterRows(rows, columns, this.view.filters), this.view.sort);
    this.count.textContent = `${this.shown.length} of ${rows.length} run${rows.length === 1 ? "" : "s"}`;
    this.count.dataset.shown = String(this.shown.length);
    this.count.dataset.total = String(rows.length);
    this.table.render(columns, this.shown, this.view.sort, this.view.filters, this.context.drawnRuns());
  }

  private renderPicker(): void {
    const chosen = new Set(this.view.metrics);
    const tags = (this.data?.scalarTags ?? []).filter((t) => !chosen.has(t));
    const options = tags.map((tag) => h("option", { value: tag }, tag));
    this.picker.replaceChildren(h("option", { value: "" }, tags.length ? "Scalar tag…" : "No more scalar tags"), ...options);
    this.picker.disabled = tags.length === 0;
  }

  private renderChooser(): void {
    const columns = this.data?.columns ?? [];
    const sections: HTMLElement[] = [];
    for (const group of ["run", "hparam", "env", "metric"] as const) {
      const members = columns.filter((c) => c.group === group && c.id !== NAME_COLUMN);
      if (members.length === 0) continue;
      const items = members.map((column) => {
        const box = h("input", { type: "checkbox", "data-testid": "rt-column-toggle", "data-column": column.id });
        box.checked = isVisible(column, this.view);
        box.addEventListener("change", () => this.setView(withColumnVisible(this.view, column, box.checked)));
        return h("label", { class: "tb-rt-choice" }, box, ` ${column.label}`);
      });
      sections.push(h("div", { class: "tb-rt-chooser-group" }, h("strong", {}, GROUP_LABELS[group]), ...items));
    }
    for (const tag of this.view.metrics) {
      const remove = h("button", { type: "button", "data-testid": "rt-metric-remove", "data-tag": tag, title: `Remove the ${tag} columns` }, `Remove ${tag}`);
      remove.addEventListener("click", () => this.setView(withMetric(this.view, tag, false)));
      sections.push(remove);
    }
    if (sections.length === 0) sections.push(h("span", { class: "tb-rt-muted" }, "No columns to choose yet."));
    this.chooserList.replaceChildren(...sections);
  }

  private openValues(column: Column, anchor: HTMLElement): void {
    const values = this.data ? (distinctValues(this.data.rows, column, 30) ?? []) : [];
    const current = new Set(filterValues(this.view.filters[column.id] ?? "") ?? []);
    const boxes = values.map((value) => {
      const box = h("input", { type: "checkbox", "data-testid": "rt-value", "data-value": value });
      box.checked = current.has(value);
      box.addEventListener("change", () => {
        const picked = boxes.filter((b) => b.checked).map((b) => b.dataset.value as string);
        this.setFilter(column.id, valuesFilter(picked));
      });
      return box;
    });
    this.popup.replaceChildren(
      h("div", { class: "tb-rt-muted" }, `${column.label}: show only`),
      ...boxes.map((box) => h("label", { class: "tb-rt-choice" }, box, ` ${box.dataset.value === "" ? "(empty)" : box.dataset.value}`)),
    );
    const rect = anchor.getBoundingClientRect();
    const host = this.element.getBoundingClientRect();
    this.popup.style.left = `${rect.left - host.left}px`;
    this.popup.style.top = `${rect.bottom - host.top}px`;
    this.popup.hidden = false;
  }
}

export const runsDashboard: DashboardFactory = (context) => new RunsDashboard(context);

