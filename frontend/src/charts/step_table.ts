// The data table under a scalar chart: for the step picked on the chart (a click), each run's
// value, smoothed value, step, relative and wall time at its point nearest that x; for a
// picked range (shift-click extends a pick), each run's first and last point in it, the
// change, min, max and mean. Sorted by any column (a click on its header; again: reversed).
//
// Hooks: step-table (data-mode point | range, data-sort, data-dir), step-table-header
// (data-column), step-row (data-run), step-cell (data-column).

import { h } from "../core/dom";
import type { ChartSeries } from "./line_chart";
import { formatDuration, formatStep, formatValue, formatWallTime } from "./format";
import { type TooltipRow, tooltipRows } from "./tooltip";
import { runLabel } from "../core/run_labels";

/** One run's row at a picked step: the tooltip's row (value, smoothed, step, relative and
 * wall time) without its x. */
export type PointRow = Omit<TooltipRow, "x">;

/** One run's row over a picked range. */
export interface RangeRow {
  readonly run: string;
  readonly color: string;
  readonly startStep: number;
  readonly endStep: number;
  readonly start: number;
  readonly end: number;
  readonly change: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
}

export type Pick = { readonly x: number } | { readonly x: number; readonly x2: number };

export type SortDir = "asc" | "desc";
export interface SortOrder {
  readonly column: string;
  readonly dir: SortDir;
}

/** Each series' point nearest `x` (in axis units); series without points are left out. */
export function rowsAtX(series: readonly ChartSeries[], x: number): PointRow[] {
  return tooltipRows(series, x).map(({ x: _x, ...row }) => row);
}

/** Each series' points with x in [lo, hi] summarised; series with none are left out. */
export function rowsInRange(series: readonly ChartSeries[], lo: number, hi: number): RangeRow[] {
  const [a, b] = lo <= hi ? [lo, hi] : [hi, lo];
  const rows: RangeRow[] = [];
  for (const s of series) {
    let first = -1;
    let last = -1;
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    let n = 0;
    for (let i = 0; i < s.xs.length; i++) {
      const x = s.xs[i] as number;
      if (x < a || x > b) continue;
      if (first < 0) first = i;
      last = i;
      const v = s.raw[i] as number;
      if (!Number.isFinite(v)) continue;
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
      n++;
    }
    if (first < 0) continue;
    const start = s.raw[first] as number;
    const end = s.raw[last] as number;
    rows.push({
      run: s.label,
      color: s.color,
      startStep: s.steps[first] as number,
      endStep: s.steps[last] as number,
      start,
      end,
      change: end - start,
      min: n ? min : NaN,
      max: n ? max : NaN,
      mean: n ? sum / n : NaN,
    });
  }
  return rows;
}

/** `rows` sorted by `order.column` (numbers numerically, NaN and null last; text by name). */
export function sortRows<R extends object>(rows: readonly R[], order: SortOrder): R[] {
  const sign = order.dir === "asc" ? 1 : -1;
  const key = order.column as keyof R;
  return [...rows].sort((p, q) => {
    const a = p[key] as unknown;
    const b = q[key] as unknown;
    if (typeof a === "string" && typeof b === "string") return sign * (a < b ? -1 : a > b ? 1 : 0);
    const x = typeof a === "number" && Number.isFinite(a) ? a : null;
    const y = typeof b === "number" && Number.isFinite(b) ? b : null;
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    return sign * (x - y);
  });
}

/** The next order after a click on `column`'s header: the same column flips, another starts ascending. */
export function nextOrder(order: SortOrder, column: string): SortOrder {
  return order.column === column ? { column, dir: order.dir === "asc" ? "desc" : "asc" } : { column, dir: "asc" };
}

interface Column<R> {
  readonly key: string;
  readonly label: string;
  text(row: R): string;
}

const num = (v: number | null): string => (v === null || !Number.isFinite(v) ? "–" : formatValue(v));

const POINT_COLUMNS: readonly Column<PointRow>[] = [
  { key: "run", label: "Run", text: (r) => runLabel(r.run) },
  { key: "value", label: "Value", text: (r) => num(r.value) },
  { key: "smoothed", label: "Smoothed", text: (r) => num(r.smoothed) },
  { key: "step", label: "Step", text: (r) => formatStep(r.step) },
  // A group's row (grouped runs) has no times: "–".
  { key: "relative", label: "Relative", text: (r) => (Number.isFinite(r.relative) ? formatDuration(r.relative) : "–") },
  { key: "wallTime", label: "Wall time", text: (r) => (Number.isFinite(r.wallTime) ? formatWallTime(r.wallTime) : "–") },
];

const RANGE_COLUMNS: readonly Column<RangeRow>[] = [
  { key: "run", label: "Run", text: (r) => runLabel(r.run) },
  { key: "startStep", label: "From step", text: (r) => formatStep(r.startStep) },
  { key: "endStep", label: "To step", text: (r) => formatStep(r.endStep) },
  { key: "start", label: "Start", text: (r) => num(r.start) },
  { key: "end", label: "End", text: (r) => num(r.end) },
  { key: "change", label: "Change", text: (r) => num(r.change) },
  { key: "min", label: "Min", text: (r) => num(r.min) },
  { key: "max", label: "Max", text: (r) => num(r.max) },
  { key: "mean", label: "Mean", text: (r) => num(r.mean) },
];

/** The table element of a card: shown while something is picked. */
export class StepTable {
  readonly element: HTMLElement;
  private order: SortOrder = { column: "run", dir: "asc" };
  private pick: Pick | null = null;
  private series: readonly ChartSeries[] = [];
  private readonly onClear: () => void;

  constructor(onClear: () => void) {
    this.onClear = onClear;
    this.element = h("div", { class: "tb-step-table", "data-testid": "step-table" });
    this.element.hidden = true;
  }

  get picked(): Pick | null {
    return this.pick;
  }

  /** Shows `pick` over `series` (null: hides the table). */
  show(pick: Pick | null, series: readonly ChartSeries[]): void {
    this.pick = pick;
    this.series = series;
    this.render();
  }

  /** What the table shows, for tests: its mode, order and rows as text. */
  debug(): { mode: string; sort: SortOrder; rows: Record<string, string>[] } | null {
    if (!this.pick) return null;
    const rows = [...this.element.querySelectorAll<HTMLElement>('[data-testid="step-row"]')].map((tr) => {
      const row: Record<string, string> = {};
      for (const td of tr.querySelectorAll<HTMLElement>('[data-testid="step-cell"]')) row[td.dataset.column ?? ""] = td.textContent ?? "";
      return row;
    });
    return { mode: "x2" in this.pick ? "range" : "point", sort: this.order, rows };
  }

  private render(): void {
    const pick = this.pick;
    this.element.hidden = pick === null;
    if (!pick) {
      this.element.replaceChildren();
      return;
    }
    if ("x2" in pick) this.renderRows(RANGE_COLUMNS, rowsInRange(this.series, pick.x, pick.x2), "range");
    else this.renderRows(POINT_COLUMNS, rowsAtX(this.series, pick.x), "point");
  }

  private renderRows<R extends { run: string; color: string }>(columns: readonly Column<R>[], rows: R[], mode: string): void {
    if (!columns.some((c) => c.key === this.order.column)) this.order = { column: "run", dir: "asc" };
    this.element.dataset.mode = mode;
    this.element.dataset.sort = this.order.column;
    this.element.dataset.dir = this.order.dir;
    const head = h(
      "tr",
      {},
      ...columns.map((c) => {
        const th = h(
          "th",
          { "data-testid": "step-table-header", "data-column": c.key, "aria-sort": c.key === this.order.column ? (this.order.dir === "asc" ? "ascending" : "descending") : null },
          c.label + (c.key === this.order.column ? (this.order.dir === "asc" ? " ▲" : " ▼") : ""),
        );
        th.addEventListener("click", () => {
          this.order = nextOrder(this.order, c.key);
          this.render();
        });
        return th;
      }),
    );
    const body = sortRows(rows, this.order).map((row) =>
      h(
        "tr",
        { "data-testid": "step-row", "data-run": row.run },
        ...columns.map((c, i) =>
          h(
            "td",
            { "data-testid": "step-cell", "data-column": c.key },
            i === 0 ? h("span", { class: "tb-swatch", style: `background:${row.color}` }) : null,
            c.text(row),
          ),
        ),
      ),
    );
    const clear = h("button", { type: "button", class: "tb-link-button", "data-testid": "step-table-clear" }, "clear");
    clear.addEventListener("click", () => this.onClear());
    this.element.replaceChildren(h("table", {}, h("thead", {}, head), h("tbody", {}, ...body)), clear);
  }
}
