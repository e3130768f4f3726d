// The hover tooltip of a line chart: for every drawn run, the point nearest the cursor's x
// (found by binary search in that run's own columns) with its smoothed and raw value, step and
// time.

import type uPlot from "uplot";
import type { XAxis } from "../api/client";
import { formatDuration, formatValue, formatWallTime } from "./format";
import type { ChartSeries } from "./line_chart";

/** Index of the element of ascending `xs` nearest to x (-1 when empty). */
export function nearestIndex(xs: ArrayLike<number>, x: number): number {
  const n = xs.length;
  if (n === 0) return -1;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((xs[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && Math.abs((xs[lo - 1] as number) - x) <= Math.abs((xs[lo] as number) - x)) return lo - 1;
  return lo;
}

export interface TooltipRow {
  readonly run: string;
  readonly color: string;
  readonly step: number;
  readonly wallTime: number;
  readonly relative: number;
  readonly value: number;
  readonly smoothed: number | null;
}

export function tooltipRows(series: readonly ChartSeries[], x: number): TooltipRow[] {
  const rows: TooltipRow[] = [];
  for (const s of series) {
    const i = nearestIndex(s.xs, x);
    if (i < 0) continue;
    const wallTime = s.wallTimes[i] as number;
    rows.push({
      run: s.label,
      color: s.color,
      step: s.steps[i] as number,
      wallTime,
      relative: wallTime - (s.firstWallTime ?? wallTime),
      value: s.raw[i] as number,
      smoothed: s.smoothed ? (s.smoothed[i] as number) : null,
    });
  }
  return rows;
}

function cell(text: string, className?: string): HTMLTableCellElement {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

/** A tooltip element placed over the plot; `show` rebuilds its rows. */
export class Tooltip {
  readonly element: HTMLDivElement;
  private readonly parent: HTMLElement;

  constructor(parent: HTMLElement) {
    this.parent = parent;
    this.element = document.createElement("div");
    this.element.className = "tb-tooltip";
    this.element.dataset.testid = "chart-tooltip";
    this.element.hidden = true;
    parent.append(this.element);
  }

  /** Shows `rows` beside the cursor at (left, top), inside a container `width` px wide. */
  show(rows: readonly TooltipRow[], xaxis: XAxis, left: number, top: number, width: number): void {
    if (rows.length === 0) {
      this.hide();
      return;
    }
    const smoothing = rows.some((r) => r.smoothed !== null);
    const table = document.createElement("table");
    const head = table.createTHead().insertRow();
    for (const title of ["", "Run", ...(smoothing ? ["Smoothed"] : []), "Value", "Step", xaxis === "wall" ? "Time" : "Relative"]) {
      const th = document.createElement("th");
      th.textContent = title;
      head.append(th);
    }
    const body = table.createTBody();
    for (const row of rows) {
      const tr = body.insertRow();
      const swatch = cell("", "tb-swatch-cell");
      const dot = document.createElement("span");
      dot.className = "tb-swatch";
      dot.style.background = row.color;
      swatch.append(dot);
      tr.append(swatch, cell(row.run, "tb-run-cell"));
      if (smoothing) tr.append(cell(row.smoothed === null ? "" : formatValue(row.smoothed)));
      tr.append(cell(formatValue(row.value)), cell(String(row.step)));
      tr.append(cell(xaxis === "wall" ? formatWallTime(row.wallTime) : formatDuration(row.relative)));
    }
    this.element.replaceChildren(table);
    this.element.hidden = false;
    // Right of the cursor when it fits, else left of it, else against the container's edge.
    const own = this.element.offsetWidth;
    let x = left + 16;
    if (x + own > width) x = left - 16 - own >= 0 ? left - 16 - own : Math.max(0, width - own);
    this.element.style.left = `${x}px`;
    this.element.style.top = `${Math.max(0, top - 10)}px`;
  }

  /** Shows the rows of `series` nearest the cursor of plot `u`; hides when the cursor left it. */
  follow(u: uPlot, series: readonly ChartSeries[], xaxis: XAxis): void {
    const { left, top } = u.cursor;
    if (left === undefined || top === undefined || left < 0) {
      this.hide();
      return;
    }
    const rows = tooltipRows(series, u.posToVal(left, "x"));
    const plotLeft = u.bbox.left / devicePixelRatio;
    const plotTop = u.bbox.top / devicePixelRatio;
    this.show(rows, xaxis, plotLeft + left, plotTop + top, this.parent.clientWidth || u.width);
  }

  hide(): void {
    this.element.hidden = true;
  }
}
