// The HParams dashboard: every add_hparams session of the selected runs, as a sortable and
// filterable table, parallel coordinates (brush an axis to filter) or a scatter matrix of
// hyperparameters against metrics. Columns are the union of every session's keys. A session's
// "Scalars" link opens the Scalars tab showing only the run it describes and its own runs.
// Sessions follow the runs panel (an add_hparams sub-run is switched with the run it belongs
// to, and drawn in that run's colour).
//
// URL parameters: hp_view (table | parallel | scatter), hp_sort (a column id or "run"),
// hp_desc=1. Hooks: hparams-dashboard, hparams-view-<view> buttons (aria-pressed),
// hparams-count, hparams-empty; and those of table.ts, filters.ts, parallel.ts, scatter.ts.
// window.__trainboard.view("hparams") gives {view, sessions, rows, columns, sort, filters,
// hidden, parallel: {axes, lines, dimmed}, scatter: {rows, columns, points}}.

import type { LiveMessage, RunsInfo } from "../../api/client";
import type { DashboardContext, DashboardFactory, DashboardView } from "../../core/dashboard";
import { debounce, h } from "../../core/dom";
import type { AppState } from "../../core/url_state";
import type { HParamsData, Session } from "./api";
import { fetchHParams } from "./api";
import { FiltersView } from "./filters";
import type { ColumnFilter, SortOrder } from "./model";
import { isActive, passes, scalarsLink, sortSessions } from "./model";
import { ParallelView } from "./parallel";
import { ScatterView } from "./scatter";
import { TableView } from "./table";
import "./hparams.css";

type ViewName = "table" | "parallel" | "scatter";
const VIEWS: readonly { id: ViewName; label: string }[] = [
  { id: "table", label: "Table" },
  { id: "parallel", label: "Parallel coordinates" },
  { id: "scatter", label: "Scatter matrix" },
];
const RELOAD_MS = 300;

export class HParamsDashboard implements DashboardView {
  readonly element: HTMLElement;
  private readonly context: DashboardContext;
  private readonly table: TableView;
  private readonly parallel: ParallelView;
  private readonly scatter: ScatterView;
  private readonly filtersView: FiltersView;
  private readonly viewButtons: Map<ViewName, HTMLButtonElement>;
  private readonly count: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly main: HTMLElement;
  private readonly holder: HTMLElement;
  private readonly reload: () => void;
  private data: HParamsData | null = null;
  private error: string | null = null;
  private filters = new Map<string, ColumnFilter>();
  private readonly hidden = new Set<string>();
  private loads = 0;
  private scheduled = false;
  private generation = 0;
  private rows: readonly Session[] = [];
  private drawnView: ViewName | null = null;

  constructor(context: DashboardContext) {
    this.context = context;
    const color = (run: string): string => context.color(run);
    this.table = new TableView({ sort: (id) => this.sortBy(id), open: (s) => this.openScalars(s), color });
    this.parallel = new ParallelView({ brush: (id, filter) => this.brush(id, filter), color });
    this.scatter = new ScatterView(color);
    this.filtersView = new FiltersView({
      setFilter: (id, filter) => this.setFilter(id, filter),
      setHidden: (id, hidden) => {
        if (hidden) this.hidden.add(id);
        else this.hidden.delete(id);
        this.render();
      },
      reset: () => {
        this.filters = new Map();
        this.hidden.clear();
        this.render();
      },
    });
    this.viewButtons = new Map(
      VIEWS.map(({ id, label }) => {
        const button = h("button", { type: "button", class: "tb-hp-view-button", "data-testid": `hparams-view-${id}` }, label);
        button.addEventListener("click", () => context.setParams({ hp_view: id === "table" ? null : id }));
        return [id, button];
      }),
    );
    this.count = h("span", { class: "tb-hp-count", "data-testid": "hparams-count" });
    this.empty = h("div", { class: "tb-empty", "data-testid": "hparams-empty" });
    this.holder = h("div", { class: "tb-hp-view" });
    this.main = h("div", { class: "tb-hp-main" }, this.filtersView.element, this.holder);
    this.element = h(
      "div",
      { class: "tb-hparams", "data-testid": "hparams-dashboard" },
      h("div", { class: "tb-controls tb-hp-toolbar" }, h("div", { class: "tb-hp-views", role: "group" }, ...this.viewButtons.values()), this.count),
      this.empty,
      this.main,
    );
    const reload = debounce(() => {
      this.scheduled = false;
      void this.load();
    }, RELOAD_MS);
    this.reload = () => {
      this.scheduled = true;
      reload();
    };
    void this.load();
  }

  get pending(): number {
    return this.loads + (this.scheduled ? 1 : 0);
  }

  show(): void {
    this.render();
  }

  hide(): void {}

  setRuns(_runs: RunsInfo): void {
    this.render();
  }

  stateChanged(state: AppState, previous: AppState): void {
    if (state.runFilter !== previous.runFilter || state.hiddenRuns !== previous.hiddenRuns || state.params !== previous.params) {
      this.render();
    }
  }

  onLive(message: LiveMessage): void {
    if (message.type === "runs" || (message.type === "tags" && message.kind === "hparams")) {
      this.reload();
    } else if (message.type === "points" && (message.kind === "scalars" || message.kind === "hparams")) {
      // A metric is the latest value of a scalar in a session's run (or below it).
      const sessions = this.data?.sessions ?? [];
      const touches = message.updates.some((u) => sessions.some((s) => u.run === s.run || u.run.startsWith(`${s.run}/`)));
      if (touches || message.kind === "hparams") this.reload();
    }
  }

  refreshAll(): void {
    this.reload();
  }

  themeChanged(): void {
    this.render();
  }

  resize(): void {
    if (this.drawnView !== "table") this.render();
  }

  destroy(): void {}

  debug(): unknown {
    const columns = this.visibleColumns();
    return {
      view: this.viewName(),
      error: this.error,
      sessions: this.selectedSessions().length,
      rows: this.rows.map((s) => s.run),
      columns: columns.map((c) => ({ id: c.id, label: c.label, kind: c.kind, type: c.type })),
      sort: this.sortOrder(),
      filters: Object.fromEntries(this.filters),
      hidden: [...this.hidden].sort(),
      parallel: this.drawnView === "parallel" ? this.parallel.debug : null,
      scatter: this.drawnView === "scatter" ? this.scatter.debug : null,
    };
  }

  private async load(): Promise<void> {
    const generation = ++this.generation;
    this.loads++;
    try {
      const data = await fetchHParams(this.context.client);
      if (generation !== this.generation) return;
      this.data = data;
      this.error = null;
    } catch (err) {
      if (generation !== this.generation) return;
      this.error = `Could not load the hparams sessions: ${err instanceof Error ? err.message : String(err)}`;
    } finally {
      this.loads--;
    }
    this.render();
  }

  private viewName(): ViewName {
    const view = this.context.param("hp_view");
    return view === "parallel" || view === "scatter" ? view : "table";
  }

  private sortOrder(): SortOrder {
    return { column: this.context.param("hp_sort") ?? "run", descending: this.context.param("hp_desc") === "1" };
  }

  private sortBy(column: string): void {
    const order = this.sortOrder();
    const descending = order.column === column ? !order.descending : false;
    this.context.setParams({ hp_sort: column === "run" ? null : column, hp_desc: descending ? "1" : null });
  }

  private setFilter(id: string, filter: ColumnFilter | null): void {
    const next = new Map(this.filters);
    if (filter && isActive(filter)) next.set(id, filter);
    else next.delete(id);
    this.filters = next;
    this.render();
  }

  /** A brush sets the range (numbers) or the values (categories) of a column's filter. */
  private brush(id: string, filter: ColumnFilter | null): void {
    const { regex } = this.filters.get(id) ?? {};
    this.setFilter(id, filter ? { ...filter, regex: regex ?? null } : { regex: regex ?? null });
  }

  private openScalars(session: Session): void {
    const link = scalarsLink(session, this.context.runs().runs);
    const hiddenRuns = new Set(this.context.state().hiddenRuns);
    for (const run of link.runs) hiddenRuns.delete(run);
    this.context.update({ tab: "scalars", runFilter: link.runFilter, hiddenRuns });
  }

  private selectedSessions(): readonly Session[] {
    const drawn = this.context.drawnRuns();
    return (this.data?.sessions ?? []).filter((s) => drawn.has(s.run));
  }

  /** Columns some selected session has a value for (the union of their keys), not hidden. */
  private presentColumns(): HParamsData["columns"] {
    const sessions = this.selectedSessions();
    return (this.data?.columns ?? []).filter((c) => sessions.some((s) => s.values.has(c.id)));
  }

  private visibleColumns(): HParamsData["columns"] {
    return this.presentColumns().filter((c) => !this.hidden.has(c.id));
  }

  private render(): void {
    for (const [id, button] of this.viewButtons) button.setAttribute("aria-pressed", String(id === this.viewName()));
    const data = this.data;
    const all = this.selectedSessions();
    let message = this.error ?? "";
    if (!message && data && data.sessions.length === 0) message = "No hparams sessions yet. Log some with SummaryWriter.add_hparams().";
    else if (!message && data && all.length === 0) message = "No runs with hparams sessions are selected.";
    this.empty.textContent = message;
    this.empty.hidden = message === "";
    this.main.hidden = !data || all.length === 0;
    if (!data) return;
    const columns = this.visibleColumns();
    // Filters of columns no selected session has (their runs were switched off) wait unused.
    const present = new Set(this.presentColumns().map((c) => c.id));
    const filters = new Map([...this.filters].filter(([id]) => present.has(id)));
    const shown = all.filter((s) => passes(s, filters));
    this.rows = sortSessions(shown, data.columns, this.sortOrder());
    this.count.textContent = `${this.rows.length} of ${all.length} session${all.length === 1 ? "" : "s"}`;
    this.filtersView.render(this.presentColumns(), all, this.filters, this.hidden);
    const view = this.viewName();
    this.drawnView = view;
    if (view === "table") {
      this.table.render(columns, this.rows, this.sortOrder());
      this.holder.replaceChildren(this.table.element);
    } else if (view === "parallel") {
      this.holder.replaceChildren(this.parallel.element);
      this.parallel.render(columns, all, this.rows, this.filters);
    } else {
      this.holder.replaceChildren(this.scatter.element);
      this.scatter.render(columns, all, this.rows);
    }
  }
}

export const hparamsDashboard: DashboardFactory = (context) => new HParamsDashboard(context);
