// Metadata columns: categorical up to 50 values (numbers included), a gradient for numeric
// columns with more, unusable otherwise; the palette's colours stay distinct.

import { describe, expect, it } from "vitest";
import { MAX_CATEGORIES, PALETTE, colorScheme, gradientColor, pointColors } from "./columns";

describe("colorScheme", () => {
  it("gives each of up to 50 values its own colour, numbers in numeric order", () => {
    const scheme = colorScheme({ name: "digit", values: ["10", "2", "2", "1"] });
    expect(scheme.kind).toBe("categorical");
    if (scheme.kind !== "categorical") return;
    expect(scheme.categories.map((c) => [c.value, c.count])).toEqual([["1", 1], ["2", 2], ["10", 1]]);
    const colors = pointColors(scheme, ["10", "2", "2", "1"], 4);
    expect([...colors.slice(3, 6)]).toEqual([...colors.slice(6, 9)]);
    expect([...colors.slice(0, 3)]).not.toEqual([...colors.slice(3, 6)]);
  });

  it("uses a gradient for numeric columns with many values, grey for blanks", () => {
    const values = Array.from({ length: 100 }, (_, i) => String(i / 10));
    values[5] = "";
    const scheme = colorScheme({ name: "x", values });
    expect(scheme).toEqual({ kind: "gradient", column: "x", min: 0, max: 9.9 });
    const colors = pointColors(scheme, values, 100);
    expect([...colors.slice(0, 3)]).toEqual(gradientColor(0));
    expect([...colors.slice(99 * 3)]).toEqual(gradientColor(1));
    expect([...colors.slice(15, 18)]).toEqual([160, 160, 160]);
  });

  it("refuses free text with more than 50 values, and colours nothing without a column", () => {
    const values = Array.from({ length: MAX_CATEGORIES + 1 }, (_, i) => `word${i}`);
    expect(colorScheme({ name: "t", values }).kind).toBe("unusable");
    expect(colorScheme(null)).toEqual({ kind: "none" });
    const plain = pointColors({ kind: "none" }, null, 2);
    expect([...plain.slice(0, 3)]).toEqual([...plain.slice(3, 6)]);
  });

  it("has 50 distinct palette colours", () => {
    expect(PALETTE.length).toBe(MAX_CATEGORIES);
    expect(new Set(PALETTE.map((c) => c.join(","))).size).toBe(MAX_CATEGORIES);
    for (const c of PALETTE) for (const v of c) expect(v >= 0 && v <= 255).toBe(true);
  });
});
