// The runs table's grid: a sticky header (a sort button per column and a filter box under
// it), then one row per run, virtualised: only the rows in view (plus a few) are in the DOM,
// positioned inside a body as tall as every row, so 10,000 runs scroll smoothly. A row's
// first cell is its selection checkbox (the page's run selection), then its colour swatch.
//
// Hooks: rt-table (data-rows: rows after filters, data-rendered: rows in the DOM),
// rt-header (data-column, aria-sort), rt-filter (data-column, data-error),
// rt-filter-values (data-column: the value-list button of categorical columns),
// rt-row (data-run, data-index, aria-selected), rt-select (data-run), rt-cell
// (data-column), rt-select-page (the header's checkbox: every filtered row).

import { h } from "../../core/dom";
import { RUN_LABEL_ATTR, runLabel } from "../../core/run_labels";
import type { Column, Row, SortOrder } from "./model";
import { formatCell, parseFilter } from "./model";

export const ROW_HEIGHT = 28;
const OVERSCAN = 8;
const CHECK_WIDTH = 34;
const NAME_WIDTH = 240;
const NUMBER_WIDTH = 110;
const TEXT_WIDTH = 150;

export interface TableCallbacks {
  sort(column: string): void;
  filter(column: string, text: string): void;
  /** Opens the value list of a categorical column under `anchor`. */
  values(column: Column, anchor: HTMLElement): void;
  /** Checks or unchecks a row (its run and members). */
  select(row: Row, on: boolean): void;
  /** The header's checkbox: every filtered row on or off. */
  selectAll(on: boolean): void;
  color(run: string): string;
  /** Whether a column offers a value list (few distinct values). */
  categorical(column: Column): boolean;
}

export function columnWidth(column: Column): number {
  if (column.id === "name") return NAME_WIDTH;
  return column.type === "number" ? NUMBER_WIDTH : TEXT_WIDTH;
}

export class RunsTableView {
  readonly element: HTMLElement;
  private readonly callbacks: TableCallbacks;
  private readonly head: HTMLElement;
  private readonly body: HTMLElement;
  private readonly pageBox: HTMLInputElement;
  private columns: readonly Column[] = [];
  private rows: readonly Row[] = [];
  private drawn: ReadonlySet<string> = new Set();
  private width = 0;
  private rendered = new Map<number, HTMLElement>();
  private window: [number, number] = [0, 0];
  private frame = 0;

  constructor(callbacks: TableCallbacks) {
    this.callbacks = callbacks;
    this.pageBox = h("input", { type: "checkbox", "data-testid": "rt-select-page", title: "Select or clear every row shown (after filters)", "aria-label": "Select every row shown" });
    this.pageBox.addEventListener("change", () => callbacks.selectAll(this.pageBox.checked));
    this.head = h("div", { class: "tb-rt-head", role: "row" });
    this.body = h("div", { class: "tb-rt-body", role: "rowgroup" });
    this.element = h("div", { class: "tb-rt-scroll", "data-testid": "rt-table", role: "grid", tabindex: "0" }, this.head, this.body);
    this.element.addEventListener("scroll", () => this.schedule(), { passive: true });
  }

  /** Draws the header and the rows in view for new columns, rows, sort, filters or selection. */
  render(columns: readonly Column[], rows: readonly Row[], order: SortOrder, filters: Readonly<Record<string, string>>, drawn: ReadonlySet<string>): void {
    this.columns = columns;
    this.rows = rows;
    this.drawn = drawn;
    this.width = CHECK_WIDTH + columns.reduce((sum, c) => sum + columnWidth(c), 0);
    this.renderHead(order, filters);
    this.body.style.height = `${rows.length * ROW_HEIGHT}px`;
    this.body.style.width = `${this.width}px`;
    this.element.dataset.rows = String(rows.length);
    const on = rows.filter((r) => drawn.has(r.run)).length;
    this.pageBox.checked = rows.length > 0 && on === rows.length;
    this.pageBox.indeterminate = on > 0 && on < rows.length;
    for (const element of this.rendered.values()) element.remove();
    this.rendered.clear();
    this.window = [0, 0];
    this.update();
  }

  /** Only the checkboxes changed (the selection): refresh the rows in the DOM. */
  setDrawn(drawn: ReadonlySet<string>): void {
    this.drawn = drawn;
    for (const [index, element] of this.rendered) {
      const row = this.rows[index];
      if (row) this.paintSelection(element, row);
    }
    const on = this.rows.filter((r) => drawn.has(r.run)).length;
    this.pageBox.checked = this.rows.length > 0 && on === this.rows.length;
    this.pageBox.indeterminate = on > 0 && on < this.rows.length;
  }

  /** Scrolls the row at `index` into view. */
  scrollToIndex(index: number): void {
    this.element.scrollTop = Math.max(0, index * ROW_HEIGHT);
    this.update();
  }

  get renderedRows(): number {
    return this.rendered.size;
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.update();
    });
  }

  /** Adds the rows that came into view and drops those that left it. */
  update(): void {
    const viewport = this.element.clientHeight || 600;
    const headHeight = this.head.offsetHeight;
    const top = Math.max(0, this.element.scrollTop - headHeight);
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(this.rows.length, Math.ceil((top + viewport) / ROW_HEIGHT) + OVERSCAN);
    if (first === this.window[0] && last === this.window[1] && this.rendered.size === last - first) return;
    this.window = [first, last];
    for (const [index, element] of this.rendered) {
      if (index < first || index >= last) {
        element.remove();
        this.rendered.delete(index);
      }
    }
    const fragment = document.createDocumentFragment();
    for (let index = first; index < last; index++) {
      if (this.rendered.has(index)) continue;
      const element = this.renderRow(this.rows[index] as Row, index);
      this.rendered.set(index, element);
      fragment.append(element);
    }
    this.body.append(fragment);
    this.element.dataset.rendered = String(this.rendered.size);
  }

  private renderHead(order: SortOrder, filters: Readonly<Record<string, string>>): void {
    const titles = h("div", { class: "tb-rt-tr tb-rt-titles" }, h("div", { class: "tb-rt-th tb-rt-check", style: `width:${CHECK_WIDTH}px` }, this.pageBox));
    const boxes = h("div", { class: "tb-rt-tr tb-rt-filters" }, h("div", { class: "tb-rt-th tb-rt-check", style: `width:${CHECK_WIDTH}px` }));
    for (const column of this.columns) {
      const sorted = order.column === column.id;
      const button = h(
        "button",
        {
          type: "button",
          class: "tb-rt-sort",
          "data-testid": "rt-header",
          "data-column": column.id,
          "aria-sort": sorted ? (order.descending ? "descending" : "ascending") : "none",
          title: `${column.label}: sort (click again to reverse)`,
        },
        h("span", { class: "tb-rt-label" }, column.label),
        h("span", { class: "tb-rt-mark" }, sorted ? (order.descending ? "▾" : "▴") : ""),
      );
      button.addEventListener("click", () => this.callbacks.sort(column.id));
      titles.append(h("div", { class: `tb-rt-th tb-rt-${column.group}`, role: "columnheader", style: `width:${columnWidth(column)}px` }, button));
      boxes.append(this.filterBox(column, filters[column.id] ?? ""));
    }
    titles.style.width = boxes.style.width = `${this.width}px`;
    this.head.replaceChildren(titles, boxes);
  }

  private filterBox(column: Column, text: string): HTMLElement {
    const error = parseFilter(text, column.type).error;
    const placeholder = column.type === "number" ? "a..b, >x" : "regex";
    const input = h("input", {
      type: "search",
      class: "tb-rt-filter",
      "data-testid": "rt-filter",
      "data-column": column.id,
      "data-error": error ?? "",
      placeholder,
      title: error ?? (column.type === "number" ? "0.001..0.1, >3, <=2, =0.5, 0.1|0.01" : "a regular expression, or =a|b for exact values"),
      "aria-label": `Filter ${column.label}`,
      "aria-invalid": error ? "true" : "false",
    });
    input.value = text;
    input.addEventListener("change", () => this.callbacks.filter(column.id, input.value));
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") this.callbacks.filter(column.id, input.value);
    });
    const cell = h("div", { class: "tb-rt-th", style: `width:${columnWidth(column)}px` }, input);
    if (this.callbacks.categorical(column)) {
      const button = h("button", { type: "button", class: "tb-rt-values", "data-testid": "rt-filter-values", "data-column": column.id, title: "Pick values", "aria-label": `Pick values of ${column.label}` }, "▾");
      button.addEventListener("click", () => this.callbacks.values(column, button));
      cell.append(button);
    }
    return cell;
  }

  private renderRow(row: Row, index: number): HTMLElement {
    const box = h("input", { type: "checkbox", "data-testid": "rt-select", "data-run": row.run, "aria-label": `Select ${row.name}` });
    box.addEventListener("change", () => this.callbacks.select(row, box.checked));
    const cells: HTMLElement[] = [h("div", { class: "tb-rt-td tb-rt-check", style: `width:${CHECK_WIDTH}px` }, box)];
    for (const column of this.columns) {
      const value = row.cells.get(column.id) ?? null;
      const shown = formatCell(value, column);
      const cell = h("div", { class: `tb-rt-td tb-rt-${column.type}`, "data-testid": "rt-cell", "data-column": column.id, title: column.id === "name" ? row.run : shown, style: `width:${columnWidth(column)}px` });
      if (column.id === "name") {
        cell.append(h("span", { class: "tb-rt-swatch", "data-testid": "rt-swatch", style: `background:${this.callbacks.color(row.run)}` }), h("span", { class: "tb-rt-name", [RUN_LABEL_ATTR]: runLabel(row.run) === shown ? row.run : null }, shown));
      } else {
        cell.textContent = shown;
        if (value === null) cell.classList.add("tb-rt-missing");
      }
      cells.push(cell);
    }
    const element = h("div", { class: "tb-rt-tr tb-rt-row", role: "row", "data-testid": "rt-row", "data-run": row.run, "data-index": String(index), style: `top:${index * ROW_HEIGHT}px;width:${this.width}px` }, ...cells);
    this.paintSelection(element, row);
    return element;
  }

  private paintSelection(element: HTMLElement, row: Row): void {
    const on = this.drawn.has(row.run);
    element.setAttribute("aria-selected", String(on));
    const box = element.querySelector<HTMLInputElement>('input[type="checkbox"]');
    if (box) box.checked = on;
  }
}
