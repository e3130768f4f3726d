// The PR chart's tooltip: for each run, the threshold nearest the cursor with its precision,
// recall and counts, closest run first.
//
// Hooks: pr-tooltip; its rows pr-tooltip-row with data-run, data-step, data-threshold (the
// exact threshold), data-precision, data-recall.

import { formatValue } from "../../charts/format";
import { h } from "../../core/dom";

export interface PrTooltipRow {
  readonly run: string;
  readonly color: string;
  readonly step: number;
  readonly threshold: number;
  readonly precision: number;
  readonly recall: number;
  readonly truePositives: number;
  readonly falsePositives: number;
  readonly trueNegatives: number;
  readonly falseNegatives: number;
}

/**
 * The index of the point (xs[i], ys[i]) nearest (x, y) in pixels, where `toPx` maps data to
 * pixels; -1 when no point is finite. Ties go to the lower index (the lower threshold).
 */
export function nearestPoint(
  xs: readonly number[],
  ys: readonly number[],
  toPx: (x: number, y: number) => [number, number],
  x: number,
  y: number,
): number {
  let best = -1;
  let bestDistance = Infinity;
  for (let i = 0; i < xs.length; i++) {
    const xi = xs[i] as number;
    const yi = ys[i] as number;
    if (!Number.isFinite(xi) || !Number.isFinite(yi)) continue;
    const [px, py] = toPx(xi, yi);
    const distance = (px - x) ** 2 + (py - y) ** 2;
    if (distance < bestDistance) {
      best = i;
      bestDistance = distance;
    }
  }
  return best;
}

/** A count: whole numbers as they are, weighted (fractional) counts to 4 digits. */
export function formatCount(v: number): string {
  return Number.isInteger(v) ? String(v) : formatValue(v);
}

const HEADERS = ["", "Run", "Step", "Threshold", "Precision", "Recall", "TP", "FP", "TN", "FN"];

export class PrTooltip {
  readonly element: HTMLDivElement;

  constructor(parent: HTMLElement) {
    this.element = h("div", { class: "tb-tooltip", "data-testid": "pr-tooltip" });
    this.element.hidden = true;
    parent.append(this.element);
  }

  /** Shows `rows` beside the cursor at (left, top) inside a container `width` px wide. */
  show(rows: readonly PrTooltipRow[], left: number, top: number, width: number): void {
    if (rows.length === 0) {
      this.hide();
      return;
    }
    const head = h("tr", {}, ...HEADERS.map((title) => h("th", {}, title)));
    const body = rows.map((row) => {
      const swatch = h("span", { class: "tb-swatch" });
      swatch.style.background = row.color;
      const values = [row.threshold, row.precision, row.recall].map(formatValue);
      const counts = [row.truePositives, row.falsePositives, row.trueNegatives, row.falseNegatives].map(formatCount);
      return h(
        "tr",
        {
          "data-testid": "pr-tooltip-row",
          "data-run": row.run,
          "data-step": row.step,
          "data-threshold": row.threshold,
          "data-precision": row.precision,
          "data-recall": row.recall,
        },
        h("td", { class: "tb-swatch-cell" }, swatch),
        h("td", { class: "tb-run-cell" }, row.run),
        h("td", {}, String(row.step)),
        ...[...values, ...counts].map((text) => h("td", {}, text)),
      );
    });
    this.element.replaceChildren(h("table", {}, h("thead", {}, head), h("tbody", {}, ...body)));
    this.element.hidden = false;
    const own = this.element.offsetWidth;
    let x = left + 16;
    if (x + own > width) x = left - 16 - own >= 0 ? left - 16 - own : Math.max(0, width - own);
    this.element.style.left = `${x}px`;
    this.element.style.top = `${Math.max(0, top - 10)}px`;
  }

  hide(): void {
    this.element.hidden = true;
  }
}
