// The sessions table: one row per session (after filters), a column per visible
// hyperparameter and metric; a header click sorts by that column (again: reverses).
//
// Rows are drawn a page at a time (a table of thousands of rows takes seconds to lay out);
// "Show more" adds a page.
//
// Hooks: hparams-table; hparams-header (data-column: "run" or a column id, aria-sort);
// hparams-row (data-run); hparams-cell (data-column); hparams-session-link (data-run);
// hparams-more (the "Show more" button, data-hidden-rows).

import { h } from "../../core/dom";
import type { Column, Session } from "./api";
import type { SortOrder } from "./model";
import { formatCell } from "./model";

export interface TableCallbacks {
  sort(column: string): void;
  /** Show the session's run in the Scalars dashboard. */
  open(session: Session): void;
  color(run: string): string;
}

function header(id: string, label: string, title: string, order: SortOrder, onSort: (id: string) => void): HTMLElement {
  const sorted = order.column === id;
  const th = h(
    "th",
    {
      "data-testid": "hparams-header",
      "data-column": id,
      "aria-sort": sorted ? (order.descending ? "descending" : "ascending") : "none",
      title: title || label,
      scope: "col",
    },
    h("button", { type: "button", class: "tb-hp-sort" }, label, h("span", { class: "tb-hp-sort-mark" }, sorted ? (order.descending ? " ▾" : " ▴") : "")),
  );
  th.addEventListener("click", () => onSort(id));
  return th;
}

/** Rows drawn at first, and added by each "Show more". */
export const PAGE_ROWS = 200;

export class TableView {
  readonly element: HTMLElement;
  private readonly callbacks: TableCallbacks;
  private limit = PAGE_ROWS;
  private last: [readonly Column[], readonly Session[], SortOrder] | null = null;

  constructor(callbacks: TableCallbacks) {
    this.callbacks = callbacks;
    this.element = h("div", { class: "tb-hp-table-wrap" });
  }

  render(columns: readonly Column[], sessions: readonly Session[], order: SortOrder): void {
    this.last = [columns, sessions, order];
    const sort = (id: string): void => this.callbacks.sort(id);
    const head = h(
      "tr",
      {},
      h("th", { class: "tb-hp-swatch-col" }),
      header("run", "Session", "The session's run", order, sort),
      ...columns.map((c) => header(c.id, c.label, c.description || (c.kind === "metric" ? `metric ${c.label}` : c.label), order, sort)),
      h("th", {}, ""),
    );
    const hparamCount = columns.filter((c) => c.kind === "hparam").length;
    const group = h(
      "tr",
      { class: "tb-hp-group-row" },
      h("th", { colspan: 2 }),
      hparamCount ? h("th", { colspan: hparamCount, class: "tb-hp-group" }, "Hyperparameters") : null,
      columns.length - hparamCount ? h("th", { colspan: columns.length - hparamCount, class: "tb-hp-group" }, "Metrics") : null,
      h("th", {}),
    );
    const body = h("tbody", {}, ...sessions.slice(0, this.limit).map((s) => this.row(columns, s)));
    const table = h("table", { class: "tb-hp-table", "data-testid": "hparams-table" }, h("thead", {}, group, head), body);
    const hidden = sessions.length - this.limit;
    this.element.replaceChildren(table, hidden > 0 ? this.moreButton(hidden) : "");
  }

  private moreButton(hidden: number): HTMLElement {
    const more = h(
      "button",
      { type: "button", class: "tb-hp-more", "data-testid": "hparams-more", "data-hidden-rows": hidden },
      `Show ${Math.min(hidden, PAGE_ROWS)} more (${hidden} not shown)`,
    );
    more.addEventListener("click", () => {
      this.limit += PAGE_ROWS;
      if (this.last) this.render(...this.last);
    });
    return more;
  }

  private row(columns: readonly Column[], session: Session): HTMLElement {
    const swatch = h("span", { class: "tb-swatch" });
    swatch.style.background = this.callbacks.color(session.run);
    const link = h(
      "button",
      { type: "button", class: "tb-hp-link", "data-testid": "hparams-session-link", "data-run": session.run, title: "Show this session's scalars" },
      "Scalars ↗",
    );
    link.addEventListener("click", () => this.callbacks.open(session));
    const cells = columns.map((c) => {
      const value = session.values.get(c.id);
      const step = session.steps.get(c.id);
      return h(
        "td",
        { "data-testid": "hparams-cell", "data-column": c.id, class: c.kind === "metric" ? "tb-hp-metric" : null, title: step === undefined ? null : `step ${step}` },
        formatCell(value, c),
      );
    });
    return h(
      "tr",
      { "data-testid": "hparams-row", "data-run": session.run },
      h("td", {}, swatch),
      h("td", { class: "tb-hp-run", title: session.status ? `${session.run} (${session.status})` : session.run }, session.run),
      ...cells,
      h("td", {}, link),
    );
  }
}
