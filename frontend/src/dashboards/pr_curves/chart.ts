// A precision-recall chart over uPlot in faceted mode (mode 2): each run is its own
// (recall, precision) series in threshold order, in the run's colour, on fixed [0, 1] axes.
// Hovering picks, for every run, the point nearest the cursor on screen and shows its
// threshold, precision, recall and TP/FP/TN/FN in the tooltip.

import uPlot from "uplot";
import { chartPalette } from "../../core/theme";
import type { Theme } from "../../core/theme";
import type { PrCurve } from "./api";
import type { PrTooltipRow } from "./tooltip";
import { PrTooltip, nearestPoint } from "./tooltip";

export interface PrSeries {
  readonly run: string;
  readonly color: string;
  readonly curve: PrCurve;
}

/** The axis ranges drawn (both axes are fixed: recall and precision live in [0, 1]). */
export const X_RANGE: [number, number] = [-0.01, 1.01];
export const Y_RANGE: [number, number] = [-0.01, 1.01];

export class PrChart {
  private readonly root: HTMLElement;
  private readonly tooltip: PrTooltip;
  private readonly height: number;
  private width: number;
  private theme: Theme;
  private series: readonly PrSeries[] = [];
  private structure = "";
  private plot: uPlot | null = null;
  private rows: PrTooltipRow[] | null = null;

  constructor(root: HTMLElement, width: number, height: number, theme: Theme) {
    this.root = root;
    this.width = Math.max(160, Math.floor(width));
    this.height = height;
    this.theme = theme;
    this.tooltip = new PrTooltip(root);
  }

  /** The rows of the tooltip shown now, or null when it is hidden. */
  get tooltipRows(): readonly PrTooltipRow[] | null {
    return this.rows;
  }

  setData(series: readonly PrSeries[]): void {
    this.series = series;
    const structure = series.map((s) => `${s.run}\u0000${s.color}`).join("\u0001");
    if (!this.plot || structure !== this.structure) {
      this.structure = structure;
      this.rebuild();
    } else {
      this.plot.setData(this.data(), false);
    }
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    this.structure = "";
    this.setData(this.series);
  }

  resize(width: number): void {
    this.width = Math.max(160, Math.floor(width));
    this.plot?.setSize({ width: this.width, height: this.height });
  }

  destroy(): void {
    this.plot?.destroy();
    this.plot = null;
    this.tooltip.element.remove();
  }

  private data(): uPlot.AlignedData {
    const data: unknown[] = [null];
    for (const s of this.series) {
      const gap = (v: number): number | null => (Number.isFinite(v) ? v : null);
      data.push([s.curve.recall.map(gap), s.curve.precision.map(gap)]);
    }
    return data as unknown as uPlot.AlignedData;
  }

  private rebuild(): void {
    this.plot?.destroy();
    this.hideTooltip();
    const palette = chartPalette(this.theme);
    const axis = { stroke: palette.axis, grid: { stroke: palette.grid, width: 1 }, ticks: { stroke: palette.grid } };
    const options: uPlot.Options = {
      mode: 2 as uPlot.Mode,
      width: this.width,
      height: this.height,
      legend: { show: false },
      series: [{}, ...this.series.map((s) => ({ label: s.run, stroke: s.color, width: 2, points: { show: false } }))],
      scales: {
        x: { time: false, auto: false, range: () => [...X_RANGE] as uPlot.Range.MinMax },
        y: { auto: false, range: () => [...Y_RANGE] as uPlot.Range.MinMax },
      },
      axes: [
        { ...axis, label: "Recall", labelSize: 20 },
        { ...axis, label: "Precision", labelSize: 20, size: 44 },
      ],
      cursor: {
        drag: { x: false, y: false, setScale: false },
        focus: { prox: -1 },
        // (points.show must stay uPlot's own function: it creates the hover dots.)
        points: { size: 9, width: 2, fill: (_u: uPlot, i: number) => this.series[i - 1]?.color ?? "", stroke: () => "#ffffff" },
        dataIdx: (u: uPlot, seriesIdx: number) => this.hoverIndex(u, seriesIdx),
      },
      hooks: { setCursor: [(u: uPlot) => this.onCursor(u)] },
    };
    this.plot = new uPlot(options, this.data(), this.root);
    this.root.append(this.tooltip.element);
  }

  /** The index of the point of series `seriesIdx` nearest the cursor, or null. */
  private hoverIndex(u: uPlot, seriesIdx: number): number | null {
    const s = this.series[seriesIdx - 1];
    const { left, top } = u.cursor;
    if (!s || left === undefined || top === undefined || left < 0) return null;
    const toPx = (x: number, y: number): [number, number] => [u.valToPos(x, "x"), u.valToPos(y, "y")];
    const i = nearestPoint(s.curve.recall, s.curve.precision, toPx, left, top);
    return i < 0 ? null : i;
  }

  private onCursor(u: uPlot): void {
    const { left, top } = u.cursor;
    if (left === undefined || top === undefined || left < 0) {
      this.hideTooltip();
      return;
    }
    const rows: (PrTooltipRow & { distance: number })[] = [];
    this.series.forEach((s, i) => {
      const idx = this.hoverIndex(u, i + 1);
      if (idx === null) return;
      const c = s.curve;
      const dx = u.valToPos(c.recall[idx] as number, "x") - left;
      const dy = u.valToPos(c.precision[idx] as number, "y") - top;
      rows.push({
        run: s.run,
        color: s.color,
        step: c.step,
        threshold: c.thresholds[idx] as number,
        precision: c.precision[idx] as number,
        recall: c.recall[idx] as number,
        truePositives: c.truePositives[idx] as number,
        falsePositives: c.falsePositives[idx] as number,
        trueNegatives: c.trueNegatives[idx] as number,
        falseNegatives: c.falseNegatives[idx] as number,
        distance: Math.hypot(dx, dy),
      });
    });
    rows.sort((a, b) => a.distance - b.distance);
    this.rows = rows.map(({ distance: _distance, ...row }) => row);
    const plotLeft = u.bbox.left / devicePixelRatio;
    const plotTop = u.bbox.top / devicePixelRatio;
    this.tooltip.show(this.rows, plotLeft + left, plotTop + top, this.root.clientWidth || u.width);
  }

  private hideTooltip(): void {
    this.rows = null;
    this.tooltip.hide();
  }
}
