// @vitest-environment happy-dom
import { describe, expect, it } from "vitest";
import { escapeXml, fileName, linesVector, pictureSvg, polylinePoints } from "./export";
import { niceTicks } from "./linear_scale";

describe("chart export", () => {
  it("names files after the title and escapes text", () => {
    expect(fileName("loss/train", "png")).toBe("loss_train.png");
    expect(fileName("///", "svg")).toBe("chart.svg");
    expect(escapeXml(`a<b & "c"`)).toBe("a&lt;b &amp; &quot;c&quot;");
  });

  it("splits polylines at non-finite values", () => {
    const id = (v: number): number => v;
    expect(polylinePoints([0, 1, 2, 3], [1, NaN, 2, 3], id, id)).toEqual(["0.00,1.00", "2.00,2.00 3.00,3.00"]);
  });

  it("writes an SVG with the title, the vector plot and a legend entry per run", () => {
    const vector = linesVector(
      {
        width: 300,
        height: 200,
        box: { left: 50, top: 10, width: 240, height: 160 },
        x: [0, 100],
        y: [0, 1],
        logY: false,
        theme: "light",
        lines: [{ xs: [0, 50, 100], ys: [0, 0.5, 1], color: "#ff0000", width: 1.5 }],
        xLabel: String,
        yLabel: String,
      },
      niceTicks,
    );
    expect(vector.body).toContain('points="50.00,170.00 170.00,90.00 290.00,10.00"');
    const svg = pictureSvg({
      title: "loss",
      subtitle: "run <1>",
      theme: "dark",
      canvas: null,
      vector,
      legend: [
        { label: "run <1>", color: "#ff0000" },
        { label: "run2", color: "#00ff00" },
      ],
    });
    const doc = new DOMParser().parseFromString(svg, "image/svg+xml");
    expect(doc.documentElement.tagName.toLowerCase()).toBe("svg");
    expect(svg).toContain("loss · run &lt;1&gt;");
    expect(svg.match(/class="legend-entry"/g)).toHaveLength(2);
    expect(svg).toContain('class="line"');
  });
});
