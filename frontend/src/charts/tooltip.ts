// The hover tooltip of a line chart: for every drawn run, the point nearest the cursor's x
// (found by binary search in that run's own columns) with its smoothed and raw value, step and
// time. The settings pane (core/settings.ts) chooses the order of the rows (as drawn, by
// value, nearest the cursor first, or by run name), how many are shown (the rest are counted
// in a last line) and whether the time since the run's start is shown whatever the x axis.
//
// Hooks: chart-tooltip (data-sort, data-rows: rows shown), its rows tooltip-row (data-run),
// tooltip-more (the count of rows left out).

import type uPlot from "uplot";
import type { XAxis } from "../api/client";
import type { TooltipSort } from "../core/settings";
import { appSettings } from "../core/settings";
import { formatDuration, formatValue, formatWallTime } from "./format";
import type { ChartSeries } from "./line_chart";
import { runLabel } from "../core/run_labels";

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
  /** The point's x, in the axis' units. */
  readonly x: number;
  readonly color: string;
  readonly step: number;
  readonly wallTime: number;
  readonly relative: number;
  readonly value: number;
  readonly smoothed: number | null;
  /** A group's row (grouped runs): its band at this point and the members behind it. */
  readonly band?: { readonly low: number; readonly high: number; readonly count: number; readonly members: number; readonly stat: string; readonly kind: string };
}

export function tooltipRows(series: readonly ChartSeries[], x: number): TooltipRow[] {
  const rows: TooltipRow[] = [];
  for (const s of series) {
    const i = nearestIndex(s.xs, x);
    if (i < 0) continue;
    const wallTime = s.wallTimes[i] as number;
    rows.push({
      run: s.label,
      x: s.xs[i] as number,
      color: s.color,
      step: s.steps[i] as number,
      wallTime,
      relative: wallTime - (s.firstWallTime ?? wallTime),
      value: s.raw[i] as number,
      smoothed: s.smoothed ? (s.smoothed[i] as number) : null,
      ...(s.band
        ? {
            band: {
              low: s.band.low[i] as number,
              high: s.band.high[i] as number,
              count: s.band.count[i] as number,
              members: s.band.members,
              stat: s.band.stat,
              kind: s.band.kind,
            },
          }
        : {}),
    });
  }
  return rows;
}

/** The value a row's line is drawn at (smoothed when smoothing is on). */
export function shownValue(row: TooltipRow): number {
  return row.smoothed ?? row.value;
}

/**
 * `rows` in the order `sort` asks: "default" as given (the drawing order), "value" largest
 * first (NaN last), "name" by run name, "nearest" by `distance` (pixels from the cursor),
 * nearest first. Stable: ties keep the given order.
 */
export function sortTooltipRows(rows: readonly TooltipRow[], sort: TooltipSort, distance?: (row: TooltipRow) => number): TooltipRow[] {
  const out = [...rows];
  if (sort === "value") {
    const key = (row: TooltipRow): number => (Number.isNaN(shownValue(row)) ? -Infinity : shownValue(row));
    out.sort((a, b) => key(b) - key(a));
  } else if (sort === "name") {
    out.sort((a, b) => (a.run < b.run ? -1 : a.run > b.run ? 1 : 0));
  } else if (sort === "nearest" && distance) {
    const d = new Map(out.map((row) => [row, distance(row)]));
    const key = (row: TooltipRow): number => {
      const v = d.get(row) as number;
      return Number.isFinite(v) ? v : Infinity;
    };
    out.sort((a, b) => key(a) - key(b));
  }
  return out;
}

export interface TooltipOptions {
  readonly sort: TooltipSort;
  /** Most rows shown (0: all). */
  readonly limit: number;
  /** A "Relative" column whatever the x axis. */
  readonly relative: boolean;
}

/** The tooltip options of the settings pane. */
export function tooltipOptions(): TooltipOptions {
  const s = appSettings().value;
  return { sort: s.tooltipSort, limit: s.tooltipLimit, relative: s.tooltipRelative };
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

  /**
   * Shows `rows` (already in order) beside the cursor at (left, top), inside a container
   * `width` px wide, keeping `options.limit` of them.
   */
  show(rows: readonly TooltipRow[], xaxis: XAxis, left: number, top: number, width: number, options: TooltipOptions = { sort: "default", limit: 0, relative: false }): void {
    if (rows.length === 0) {
      this.hide();
      return;
    }
    const kept = options.limit > 0 ? rows.slice(0, options.limit) : rows;
    const smoothing = rows.some((r) => r.smoothed !== null);
    const wall = xaxis === "wall";
    const band = rows.find((r) => r.band)?.band;
    // Groups have no wall times (the server aggregates by step): no time column for them alone.
    const groupsOnly = band !== undefined && rows.every((r) => r.band);
    const relative = (!wall || options.relative) && !groupsOnly;
    const table = document.createElement("table");
    const head = table.createTHead().insertRow();
    const valueTitle = groupsOnly ? band.stat : "Value";
    for (const title of ["", groupsOnly ? "Group" : "Run", ...(smoothing ? ["Smoothed"] : []), valueTitle, ...(band ? [band.kind, "Runs"] : []), "Step", ...(wall ? ["Time"] : []), ...(relative ? ["Relative"] : [])]) {
      const th = document.createElement("th");
      th.textContent = title;
      head.append(th);
    }
    const body = table.createTBody();
    for (const row of kept) {
      const tr = body.insertRow();
      tr.dataset.testid = "tooltip-row";
      tr.dataset.run = row.run;
      const swatch = cell("", "tb-swatch-cell");
      const dot = document.createElement("span");
      dot.className = "tb-swatch";
      dot.style.background = row.color;
      swatch.append(dot);
      tr.append(swatch, cell(runLabel(row.run), "tb-run-cell"));
      if (smoothing) tr.append(cell(row.smoothed === null ? "" : formatValue(row.smoothed)));
      tr.append(cell(formatValue(row.value)));
      if (band) {
        const b = row.band;
        tr.append(cell(b ? `${formatValue(b.low)} – ${formatValue(b.high)}` : ""), cell(b ? `${b.count}/${b.members}` : ""));
      }
      tr.append(cell(String(row.step)));
      if (wall) tr.append(cell(Number.isFinite(row.wallTime) ? formatWallTime(row.wallTime) : ""));
      if (relative) tr.append(cell(Number.isFinite(row.relative) ? formatDuration(row.relative) : ""));
    }
    const parts: HTMLElement[] = [table];
    if (kept.length < rows.length) {
      const more = document.createElement("div");
      more.className = "tb-tooltip-more";
      more.dataset.testid = "tooltip-more";
      more.textContent = `+${rows.length - kept.length} more`;
      parts.push(more);
    }
    this.element.dataset.sort = options.sort;
    this.element.dataset.rows = String(kept.length);
    this.element.replaceChildren(...parts);
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
    const options = tooltipOptions();
    const distance = (row: TooltipRow): number => Math.hypot(u.valToPos(row.x, "x") - left, u.valToPos(shownValue(row), "y") - top);
    const rows = sortTooltipRows(tooltipRows(series, u.posToVal(left, "x")), options.sort, distance);
    const plotLeft = u.bbox.left / devicePixelRatio;
    const plotTop = u.bbox.top / devicePixelRatio;
    this.show(rows, xaxis, plotLeft + left, plotTop + top, this.parent.clientWidth || u.width, options);
  }

  hide(): void {
    this.element.hidden = true;
  }
}
