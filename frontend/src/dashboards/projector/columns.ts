// Metadata columns: how each can colour the points, and the colours.
//
// As in TensorBoard's projector, a column with at most MAX_CATEGORIES distinct values is
// categorical (one palette colour each, numbers included: digit labels stay categories); a
// numeric column with more values gets a gradient from its minimum to its maximum; any other
// column (free text with many values) cannot colour the points.

export const MAX_CATEGORIES = 50;
export const DEFAULT_COLOR: readonly [number, number, number] = [70, 130, 180];

export interface Category {
  readonly value: string;
  readonly color: readonly [number, number, number];
  readonly count: number;
}

export type ColorScheme =
  | { readonly kind: "none" }
  | { readonly kind: "categorical"; readonly column: string; readonly categories: readonly Category[] }
  | { readonly kind: "gradient"; readonly column: string; readonly min: number; readonly max: number }
  | { readonly kind: "unusable"; readonly column: string; readonly reason: string };

export interface Column {
  readonly name: string;
  readonly values: readonly string[];
}

// Tableau 20 (dark then light), then golden-angle hues: 50 colours that stay apart.
const TABLEAU20 = [
  0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf,
  0xaec7e8, 0xffbb78, 0x98df8a, 0xff9896, 0xc5b0d5, 0xc49c94, 0xf7b6d2, 0xc7c7c7, 0xdbdb8d, 0x9edae5,
];

function hsl(h: number, s: number, l: number): [number, number, number] {
  const f = (n: number): number => {
    const k = (n + h / 30) % 12;
    const a = s * Math.min(l, 1 - l);
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

export const PALETTE: readonly (readonly [number, number, number])[] = [
  ...TABLEAU20.map((c): [number, number, number] => [(c >> 16) & 255, (c >> 8) & 255, c & 255]),
  ...Array.from({ length: MAX_CATEGORIES - TABLEAU20.length }, (_, i) => hsl((i * 137.508 + 15) % 360, 0.62, i % 2 ? 0.38 : 0.58)),
];

// Viridis at five stops, interpolated linearly.
const VIRIDIS: readonly (readonly [number, number, number])[] = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

export function gradientColor(t: number): [number, number, number] {
  const x = Math.max(0, Math.min(1, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(Math.floor(x), VIRIDIS.length - 2);
  const f = x - i;
  const a = VIRIDIS[i] as readonly [number, number, number];
  const b = VIRIDIS[i + 1] as readonly [number, number, number];
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)];
}

export function cssColor(rgb: readonly [number, number, number]): string {
  return `rgb(${rgb[0]}, ${rgb[1]}, ${rgb[2]})`;
}

/** A number if the whole cell is one (blank cells are not numbers). */
export function parseNumber(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === "") return null;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : null;
}

function byValue(numeric: boolean): (a: string, b: string) => number {
  return numeric ? (a, b) => (parseNumber(a) ?? 0) - (parseNumber(b) ?? 0) : (a, b) => (a < b ? -1 : a > b ? 1 : 0);
}

/** How `column` colours the points (see the module comment). */
export function colorScheme(column: Column | null): ColorScheme {
  if (column === null) return { kind: "none" };
  const counts = new Map<string, number>();
  for (const value of column.values) {
    counts.set(value, (counts.get(value) ?? 0) + 1);
    if (counts.size > MAX_CATEGORIES) break;
  }
  const nonBlank = column.values.filter((v) => v.trim() !== "");
  const numeric = nonBlank.length > 0 && nonBlank.every((v) => parseNumber(v) !== null);
  if (counts.size <= MAX_CATEGORIES) {
    const values = [...counts.keys()].sort(byValue(numeric));
    const categories = values.map((value, i) => ({ value, color: PALETTE[i % PALETTE.length] as readonly [number, number, number], count: counts.get(value) ?? 0 }));
    return { kind: "categorical", column: column.name, categories };
  }
  if (numeric) {
    let min = Infinity;
    let max = -Infinity;
    for (const v of nonBlank) {
      const x = parseNumber(v) as number;
      if (x < min) min = x;
      if (x > max) max = x;
    }
    return { kind: "gradient", column: column.name, min, max };
  }
  return { kind: "unusable", column: column.name, reason: `more than ${MAX_CATEGORIES} distinct values and not numeric` };
}

/** Each point's colour under `scheme`, as RGB bytes (3 per point). */
export function pointColors(scheme: ColorScheme, values: readonly string[] | null, count: number): Uint8Array {
  const out = new Uint8Array(count * 3);
  const fill = (i: number, rgb: readonly [number, number, number]): void => {
    out[3 * i] = rgb[0];
    out[3 * i + 1] = rgb[1];
    out[3 * i + 2] = rgb[2];
  };
  if (scheme.kind === "categorical" && values) {
    const colors = new Map(scheme.categories.map((c) => [c.value, c.color]));
    for (let i = 0; i < count; i++) fill(i, colors.get(values[i] ?? "") ?? DEFAULT_COLOR);
  } else if (scheme.kind === "gradient" && values) {
    const span = scheme.max - scheme.min || 1;
    for (let i = 0; i < count; i++) {
      const x = parseNumber(values[i] ?? "");
      fill(i, x === null ? [160, 160, 160] : gradientColor((x - scheme.min) / span));
    }
  } else {
    for (let i = 0; i < count; i++) fill(i, DEFAULT_COLOR);
  }
  return out;
}
