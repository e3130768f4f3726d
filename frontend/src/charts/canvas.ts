// Canvas plumbing shared by the Histograms and Distributions charts: a crisp canvas at the
// device pixel ratio, the plot rectangle, colour mixing, and axis labels.

import type { Theme } from "../core/theme";
import { chartPalette } from "../core/theme";

/** A plot's rectangle inside its canvas, in CSS pixels. */
export interface PlotRect {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/** The card background per theme (styles.css --bg-card): old slices fade towards it. */
const CARD_BACKGROUND: Record<Theme, string> = { light: "#ffffff", dark: "#2b2d31" };

export function cardBackground(theme: Theme): string {
  return CARD_BACKGROUND[theme];
}

/**
 * Sizes `canvas` to `width` x `height` CSS pixels at the device pixel ratio and returns its
 * context, scaled so drawing uses CSS pixels; null where there is no 2D canvas (tests).
 */
export function prepareCanvas(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D | null {
  const ratio = typeof window !== "undefined" && window.devicePixelRatio > 0 ? window.devicePixelRatio : 1;
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  canvas.width = Math.max(1, Math.round(width * ratio));
  canvas.height = Math.max(1, Math.round(height * ratio));
  let ctx: CanvasRenderingContext2D | null = null;
  try {
    ctx = canvas.getContext("2d");
  } catch {
    ctx = null;
  }
  if (!ctx || typeof ctx.setTransform !== "function") return null;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return ctx;
}

function parseHex(color: string): [number, number, number] | null {
  const m = /^#([0-9a-f]{6})$/i.exec(color.trim());
  if (!m) return null;
  const n = parseInt(m[1] as string, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** `a` moved a fraction `t` of the way to `b` (both #rrggbb); `a` itself if either is not. */
export function mixColor(a: string, b: string, t: number): string {
  const ca = parseHex(a);
  const cb = parseHex(b);
  if (!ca || !cb) return a;
  const mix = ca.map((v, i) => Math.round(v + ((cb[i] as number) - v) * Math.min(1, Math.max(0, t))));
  return `#${mix.map((v) => v.toString(16).padStart(2, "0")).join("")}`;
}

/** `color` (#rrggbb) with an alpha, as rgba(). */
export function withAlpha(color: string, alpha: number): string {
  const c = parseHex(color);
  return c ? `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${alpha})` : color;
}

export interface AxisTick {
  readonly pixel: number;
  readonly label: string;
}

export const AXIS_FONT = "11px system-ui, sans-serif";

/** Labels under the plot (x) with grid lines up to `top`. */
export function drawXAxis(ctx: CanvasRenderingContext2D, theme: Theme, ticks: readonly AxisTick[], top: number, bottom: number): void {
  const palette = chartPalette(theme);
  ctx.save();
  ctx.font = AXIS_FONT;
  ctx.fillStyle = palette.axis;
  ctx.strokeStyle = palette.grid;
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  for (const tick of ticks) {
    ctx.beginPath();
    ctx.moveTo(Math.round(tick.pixel) + 0.5, top);
    ctx.lineTo(Math.round(tick.pixel) + 0.5, bottom);
    ctx.stroke();
    ctx.fillText(tick.label, tick.pixel, bottom + 4);
  }
  ctx.restore();
}

/** Labels beside the plot (y) at `x`, aligned `align`, with grid lines from `left` to `right`. */
export function drawYAxis(
  ctx: CanvasRenderingContext2D,
  theme: Theme,
  ticks: readonly AxisTick[],
  x: number,
  align: "left" | "right",
  grid: readonly [number, number] | null,
): void {
  const palette = chartPalette(theme);
  ctx.save();
  ctx.font = AXIS_FONT;
  ctx.fillStyle = palette.axis;
  ctx.strokeStyle = palette.grid;
  ctx.textAlign = align;
  ctx.textBaseline = "middle";
  for (const tick of ticks) {
    if (grid) {
      ctx.beginPath();
      ctx.moveTo(grid[0], Math.round(tick.pixel) + 0.5);
      ctx.lineTo(grid[1], Math.round(tick.pixel) + 0.5);
      ctx.stroke();
    }
    ctx.fillText(tick.label, x, tick.pixel);
  }
  ctx.restore();
}
