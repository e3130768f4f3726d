import { describe, expect, it } from "vitest";
import { emaSmooth, smooth, timeEmaSmooth } from "./smoothing";
import vectorsText from "../../../tests/vectors/smoothing.json?raw";

/** TensorBoard's classicSmoothing, transcribed as a per-point reference. */
function tensorboardClassic(ys: number[], w: number): number[] {
  let last = ys.length > 0 ? 0 : NaN;
  let count = 0;
  const constant = ys.every((v) => v == ys[0]);
  return ys.map((y) => {
    if (constant || !Number.isFinite(y)) return y;
    last = last * w + (1 - w) * y;
    count++;
    return last / (w === 1 ? 1 : 1 - Math.pow(w, count));
  });
}

describe("emaSmooth (TensorBoard's debiased EMA)", () => {
  it("matches hand-computed values", () => {
    const out = Array.from(emaSmooth([0, 1, 0, 1, 0], 0.6));
    const expected = [0, 0.625, 0.30612244898, 0.625, 0.35392088827];
    out.forEach((v, i) => expect(v).toBeCloseTo(expected[i] as number, 10));
  });

  it("is identical to TensorBoard's algorithm on noisy data", () => {
    const ys = Array.from({ length: 500 }, (_, i) => Math.sin(i / 7) + ((i * 7919) % 13) / 13);
    for (const w of [0, 0.3, 0.6, 0.95, 0.999]) {
      expect(Array.from(emaSmooth(ys, w))).toEqual(tensorboardClassic(ys, w));
    }
  });

  it("passes NaN and infinities through without advancing the debias count", () => {
    const out = Array.from(emaSmooth([1, NaN, Infinity, 3, -Infinity], 0.5));
    expect(out[0]).toBe(1);
    expect(out[1]).toBeNaN();
    expect(out[2]).toBe(Infinity);
    // Second finite point: last = 0.5*0.5 + 0.5*3 = 1.75, debias 1 - 0.5**2 = 0.75.
    expect(out[3]).toBeCloseTo(1.75 / 0.75, 12);
    expect(out[4]).toBe(-Infinity);
  });

  it("returns a constant series unsmoothed (TensorBoard #786)", () => {
    expect(Array.from(emaSmooth([2.5, 2.5, 2.5], 0.9))).toEqual([2.5, 2.5, 2.5]);
  });

  it("treats weight 0 as no smoothing and handles empty input", () => {
    expect(Array.from(emaSmooth([3, 1, 2], 0))).toEqual([3, 1, 2]);
    expect(emaSmooth([], 0.6).length).toBe(0);
  });

  it("does not debias at weight 1, as TensorBoard", () => {
    expect(Array.from(emaSmooth([1, 2], 1))).toEqual(tensorboardClassic([1, 2], 1));
  });
});

describe("timeEmaSmooth", () => {
  it("equals the classic EMA on 1001 evenly spaced points", () => {
    const xs = Array.from({ length: 1001 }, (_, i) => i * 3);
    const ys = xs.map((x) => Math.cos(x / 50) + (x % 7) / 7);
    const timed = timeEmaSmooth(xs, ys, 0.8);
    const classic = emaSmooth(ys, 0.8);
    for (let i = 0; i < ys.length; i++) expect(timed[i]).toBeCloseTo(classic[i] as number, 9);
  });

  it("smooths dense and sparse logging of the same curve alike", () => {
    const f = (x: number): number => Math.sin(x / 300) + (x % 2 === 0 ? 0.2 : -0.2);
    const dense = Array.from({ length: 5001 }, (_, i) => i);
    const sparse = dense.filter((x) => x % 10 === 0);
    const denseOut = timeEmaSmooth(dense, dense.map(f), 0.9);
    const sparseOut = timeEmaSmooth(sparse, sparse.map(f), 0.9);
    const denseClassic = emaSmooth(dense.map(f), 0.9);
    const sparseClassic = emaSmooth(sparse.map(f), 0.9);
    let timedGap = 0;
    let classicGap = 0;
    sparse.forEach((x, k) => {
      timedGap = Math.max(timedGap, Math.abs((denseOut[x] as number) - (sparseOut[k] as number)));
      classicGap = Math.max(classicGap, Math.abs((denseClassic[x] as number) - (sparseClassic[k] as number)));
    });
    expect(timedGap).toBeLessThan(0.25);
    expect(classicGap).toBeGreaterThan(timedGap * 2);
  });

  it("passes non-finite values through and keeps constants", () => {
    // Range 3000, so scale 3: the finite points at x=0 and x=3 are one decay apart.
    const out = timeEmaSmooth([0, 1, 2, 3, 3000], [1, NaN, Infinity, 2, 2], 0.5);
    expect(out[0]).toBe(1);
    expect(out[1]).toBeNaN();
    expect(out[2]).toBe(Infinity);
    expect(out[3]).toBeCloseTo((1 * 0.5 + 2) / (0.5 + 1), 12);
    expect(Array.from(timeEmaSmooth([0, 5, 9], [4, 4, 4], 0.9))).toEqual([4, 4, 4]);
  });

  it("falls back to one decay per point when all x are equal", () => {
    const ys = [1, 3, 2, 5];
    expect(Array.from(timeEmaSmooth([7, 7, 7, 7], ys, 0.6))).toEqual(
      Array.from(emaSmooth(ys, 0.6)).map((v) => expect.closeTo(v, 12)),
    );
  });

  it("weights by distance: a far point forgets more of the past", () => {
    // Same values; the second point is 1/1000 of the range away in one series and 500/1000
    // in the other, so the second series' average at that point sits closer to the new value.
    const near = timeEmaSmooth([0, 1, 1000], [0, 10, 0], 0.9);
    const far = timeEmaSmooth([0, 500, 1000], [0, 10, 0], 0.9);
    expect(far[1] as number).toBeGreaterThan(near[1] as number);
  });
});

describe("smooth", () => {
  it("dispatches on kind and copies at weight 0", () => {
    const xs = [0, 1, 2];
    const ys = [1, 2, 4];
    expect(Array.from(smooth("ema", xs, ys, 0.5))).toEqual(Array.from(emaSmooth(ys, 0.5)));
    expect(Array.from(smooth("time_ema", xs, ys, 0.5))).toEqual(Array.from(timeEmaSmooth(xs, ys, 0.5)));
    const copy = smooth("ema", xs, ys, 0);
    expect(Array.from(copy)).toEqual(ys);
  });
});

// tests/vectors/smoothing.json: the vectors the server's Python and C smoothing are held to.

interface Vector {
  readonly name: string;
  readonly kind: "ema" | "time_ema";
  readonly weight: number;
  readonly x?: readonly (number | string)[];
  readonly values: readonly (number | string)[];
  readonly expected: readonly (number | string)[];
}

const vectors = JSON.parse(vectorsText) as { readonly tolerance: number; readonly cases: readonly Vector[] };
/** JSON numbers, with non-finite ones spelled "NaN", "Infinity", "-Infinity". */
const floats = (items: readonly (number | string)[]): number[] => items.map(Number);

describe("the shared smoothing vectors", () => {
  it.each(vectors.cases.map((c) => [`${c.kind}: ${c.name}`, c] as const))("%s", (_, c) => {
    const values = floats(c.values);
    const got = Array.from(smooth(c.kind, floats(c.x ?? []), values, c.weight));
    const expected = floats(c.expected);
    expect(got.length).toBe(expected.length);
    expected.forEach((e, i) => {
      const g = got[i] as number;
      if (!Number.isFinite(e)) expect(Object.is(g, e) || (Number.isNaN(g) && Number.isNaN(e))).toBe(true);
      else expect(Math.abs(g - e)).toBeLessThanOrEqual(vectors.tolerance * Math.max(1, Math.abs(e)));
    });
  });
});
