import { describe, expect, it } from "vitest";
import { formatZoom, parseZoom, zoomParamName } from "./zoom_url";

describe("zoom in the URL", () => {
  it("names a parameter per card", () => {
    expect(zoomParamName("loss/train", null)).toBe("zoom:loss/train");
    expect(zoomParamName("loss", "run1")).toBe("zoom:loss|run1");
  });

  it("round-trips a range in its x axis", () => {
    expect(parseZoom(formatZoom("step", [100, 400.5]), "step")).toEqual([100, 400.5]);
    expect(parseZoom(formatZoom("wall", [1.7e9, 1.7e9 + 0.25]), "wall")).toEqual([1.7e9, 1.7e9 + 0.25]);
  });

  it("ignores a range of another x axis, and malformed ones", () => {
    expect(parseZoom("step:1,2", "wall")).toBeNull();
    for (const text of ["", "1,2", "step:", "step:1", "step:2,1", "step:a,2", "step:1,2,3", "step:,2", "hours:1,2"]) {
      expect(parseZoom(text, "step")).toBeNull();
    }
    expect(parseZoom(null, "step")).toBeNull();
  });
});
