import type uPlot from "uplot";
import { describe, expect, it } from "vitest";
import type { LineChartConfig } from "./line_chart";
import type { LinePlotParts } from "./line_plot";
import { linePlotOptions, withAlpha, xExtent, zoomToSelection } from "./line_plot";

const config: LineChartConfig = { xaxis: "relative", logY: true, ignoreOutliers: false, theme: "light", height: 240 };

function parts(overrides: Partial<LinePlotParts> = {}): LinePlotParts {
  return {
    width: 300,
    config,
    series: [{}],
    xRange: () => [0, 1],
    yRange: () => [0, 1],
    cursor: { points: { show: false } },
    hooks: {},
    onDoubleClick: () => undefined,
    ...overrides,
  };
}

describe("line plot pieces", () => {
  it("adds an alpha to a hex colour", () => {
    expect(withAlpha("#ff8000", 0.25)).toBe("rgba(255, 128, 0, 0.25)");
  });

  it("spans the columns' x, widening a single x and skipping empty columns", () => {
    const col = (...xs: number[]): { xs: Float64Array } => ({ xs: Float64Array.from(xs) });
    expect(xExtent([col(2, 5), col(), col(-1, 3)])).toEqual([-1, 5]);
    expect(xExtent([col(4)])).toEqual([3, 5]);
    expect(xExtent([col()])).toBeNull();
  });

  it("builds faceted options: log y, relative-time ticks only when given, the cursor given", () => {
    const plain = linePlotOptions(parts());
    expect([plain.mode, plain.width, plain.height, plain.scales?.y?.distr]).toEqual([2, 300, 240, 3]);
    expect(plain.axes?.[0]).not.toHaveProperty("incrs");
    expect(plain.cursor).toMatchObject({ drag: { x: true, y: false, setScale: false }, points: { show: false } });
    expect(plain.cursor).not.toHaveProperty("dataIdx");
    const ticks = linePlotOptions(parts({ relativeIncrs: [1, 60] }));
    expect(ticks.axes?.[0]).toHaveProperty("incrs", [1, 60]);
    const wall = linePlotOptions(parts({ relativeIncrs: [1, 60], config: { ...config, xaxis: "wall" } }));
    expect(wall.axes?.[0]).not.toHaveProperty("incrs");
    expect(wall.scales?.x?.time).toBe(true);
  });

  it("zooms to a drag's range, recording it before the scale is set; a click does nothing", () => {
    const events: string[] = [];
    let zoom: [number, number] | null = null;
    const plot = (width: number): uPlot =>
      ({
        select: { left: 10, width },
        posToVal: (px: number) => px * 2,
        setSelect: () => events.push("clear"),
        setScale: (_key: string, range: { min: number; max: number }) => events.push(`scale ${range.min} ${range.max} zoom ${String(zoom)}`),
      }) as unknown as uPlot;
    expect(zoomToSelection(plot(2), (range) => (zoom = range))).toBeNull();
    expect(zoomToSelection(plot(20), (range) => (zoom = range))).toEqual([20, 60]);
    expect(events).toEqual(["clear", "scale 20 60 zoom 20,60"]);
  });
});
