// From one card's fetched data to the series its chart draws: x in the chosen axis' units,
// and the smoothed line, taken from the server when it smoothed with the current settings
// (at full resolution) and computed here on the returned points otherwise.

import type { ScalarSeries, ScalarsResult, SmoothingKind, XAxis } from "../api/client";
import type { ScalarsQuery } from "../api/scalars";
import type { ChartSeries } from "./line_chart";
import { smooth } from "./smoothing";

export interface SeriesView {
  readonly xaxis: XAxis;
  readonly smoothing: number;
  readonly smoothingKind: SmoothingKind;
}

/** x values of one series on the given axis. */
export function xValues(series: ScalarSeries, xaxis: XAxis): Float64Array {
  if (xaxis === "step") return series.steps;
  if (xaxis === "wall") return series.wallTimes;
  const origin = series.firstWallTime ?? (series.wallTimes.length > 0 ? (series.wallTimes[0] as number) : 0);
  const out = new Float64Array(series.wallTimes.length);
  for (let i = 0; i < out.length; i++) out[i] = (series.wallTimes[i] as number) - origin;
  return out;
}

/** Whether the server's `smoothed` arrays in a result fetched with `query` fit `view`. */
export function serverSmoothingFits(query: ScalarsQuery, view: SeriesView): boolean {
  if (view.smoothing <= 0 || query.smoothing !== view.smoothing || query.smoothingKind !== view.smoothingKind) {
    return false;
  }
  // The time-weighted EMA weighs by x distance, so steps and times give different curves.
  const timeAxis = (x: XAxis): boolean => x !== "step";
  return view.smoothingKind === "ema" || timeAxis(query.xaxis) === timeAxis(view.xaxis);
}

/** Whether smoothing computed here would differ from the server's full-resolution one. */
export function needsServerSmoothing(result: ScalarsResult, zoomed: boolean): boolean {
  return zoomed || result.series.some((s) => s.returnedPoints < s.totalPoints);
}

export function chartSeries(
  result: ScalarsResult,
  query: ScalarsQuery,
  view: SeriesView,
  color: (run: string) => string,
): ChartSeries[] {
  const useServer = serverSmoothingFits(query, view);
  return result.series.map((s) => {
    const xs = xValues(s, view.xaxis);
    let smoothed: Float64Array | null = null;
    if (view.smoothing > 0) {
      smoothed = useServer && s.smoothed ? s.smoothed : smooth(view.smoothingKind, xs, s.values, view.smoothing);
    }
    return {
      label: s.run,
      color: color(s.run),
      xs,
      steps: s.steps,
      wallTimes: s.wallTimes,
      firstWallTime: s.firstWallTime,
      raw: s.values,
      smoothed,
    };
  });
}
