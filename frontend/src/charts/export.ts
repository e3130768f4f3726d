// Exporting a chart as a picture, PNG or SVG, with its title and legend (a swatch and a name
// per line drawn). A chart describes itself as a ChartPicture: its canvas (what PNG copies
// and what an SVG embeds when the chart has no vector form) and, optionally, a vector
// drawing of its plot (the Scalars lines). `downloadBlob` hands the file to the browser.
//
//   const picture = { title: "loss", canvas, legend: [{ label: "run1", color: "#1f77b4" }], theme: "light" };
//   downloadBlob(await picturePng(picture), fileName("loss", "png"));
//   downloadBlob(new Blob([pictureSvg(picture)], { type: "image/svg+xml" }), fileName("loss", "svg"));

import type { Theme } from "../core/theme";
import { chartPalette } from "../core/theme";
import { cardBackground } from "./canvas";
import type { BandToDraw } from "./band";
import { bandPolygons } from "./band";

export interface LegendEntry {
  readonly label: string;
  readonly color: string;
}

/** A vector drawing of a plot: SVG elements over a `width` x `height` box. */
export interface VectorPlot {
  readonly width: number;
  readonly height: number;
  readonly body: string;
}

export interface ChartPicture {
  readonly title: string;
  readonly subtitle?: string | null;
  readonly theme: Theme;
  /** The chart as drawn (device pixels), or null when it has none. */
  readonly canvas: HTMLCanvasElement | null;
  /** The plot as vectors; SVG export uses it instead of the canvas when given. */
  readonly vector?: VectorPlot | null;
  readonly legend: readonly LegendEntry[];
}

const PAD = 12;
const TITLE_PX = 14;
const LEGEND_ROW = 18;
const LEGEND_COLUMN = 180;
const FONT = "system-ui, sans-serif";

/** Escapes text for SVG content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c] ?? c);
}

/** A file name for `title` (anything but letters, digits, - and _ becomes _). */
export function fileName(title: string, extension: "png" | "svg"): string {
  const base = title.replace(/[^A-Za-z0-9_-]+/g, "_").replace(/^_+|_+$/g, "") || "chart";
  return `${base}.${extension}`;
}

/** How the picture is laid out in CSS pixels: the plot box, the legend rows, the whole size. */
export interface PictureLayout {
  readonly width: number;
  readonly height: number;
  readonly plot: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
  readonly columns: number;
  readonly legendTop: number;
}

export function pictureLayout(picture: ChartPicture): PictureLayout {
  const ratio = picture.canvas ? canvasRatio(picture.canvas) : 1;
  const plotWidth = picture.vector?.width ?? (picture.canvas ? picture.canvas.width / ratio : 400);
  const plotHeight = picture.vector?.height ?? (picture.canvas ? picture.canvas.height / ratio : 0);
  const width = Math.max(200, Math.ceil(plotWidth + 2 * PAD));
  const columns = Math.max(1, Math.floor((width - 2 * PAD) / LEGEND_COLUMN));
  const rows = Math.ceil(picture.legend.length / columns);
  const plotTop = PAD + TITLE_PX + 8;
  const legendTop = plotTop + plotHeight + 8;
  return {
    width,
    height: Math.ceil(legendTop + rows * LEGEND_ROW + PAD),
    plot: { x: PAD, y: plotTop, width: plotWidth, height: plotHeight },
    columns,
    legendTop,
  };
}

function canvasRatio(canvas: HTMLCanvasElement): number {
  const cssWidth = canvas.getBoundingClientRect().width || parseFloat(canvas.style.width) || canvas.width;
  return cssWidth > 0 ? canvas.width / cssWidth : 1;
}

function legendAt(layout: PictureLayout, index: number): { x: number; y: number } {
  return {
    x: PAD + (index % layout.columns) * LEGEND_COLUMN,
    y: layout.legendTop + Math.floor(index / layout.columns) * LEGEND_ROW,
  };
}

function titleText(picture: ChartPicture): string {
  return picture.subtitle ? `${picture.title} · ${picture.subtitle}` : picture.title;
}

/** The picture as an SVG document. */
export function pictureSvg(picture: ChartPicture): string {
  const layout = pictureLayout(picture);
  const palette = chartPalette(picture.theme);
  const { plot } = layout;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}" font-family="${FONT}">`,
    `<rect width="100%" height="100%" fill="${cardBackground(picture.theme)}"/>`,
    `<text x="${PAD}" y="${PAD + TITLE_PX - 2}" font-size="${TITLE_PX}" font-weight="600" fill="${palette.text}">${escapeXml(titleText(picture))}</text>`,
  ];
  if (picture.vector) {
    parts.push(`<g class="plot" transform="translate(${plot.x} ${plot.y})">${picture.vector.body}</g>`);
  } else if (picture.canvas && plot.height > 0) {
    parts.push(
      `<image class="plot" x="${plot.x}" y="${plot.y}" width="${plot.width}" height="${plot.height}" href="${picture.canvas.toDataURL("image/png")}"/>`,
    );
  }
  picture.legend.forEach((entry, i) => {
    const { x, y } = legendAt(layout, i);
    parts.push(
      `<g class="legend-entry"><rect x="${x}" y="${y + 3}" width="12" height="12" rx="2" fill="${escapeXml(entry.color)}"/>` +
        `<text x="${x + 18}" y="${y + 13}" font-size="12" fill="${palette.text}">${escapeXml(entry.label)}</text></g>`,
    );
  });
  parts.push("</svg>");
  return parts.join("\n");
}

/** The picture drawn on a canvas at `ratio` device pixels per CSS pixel. */
export function pictureCanvas(picture: ChartPicture, ratio = 2): HTMLCanvasElement {
  const layout = pictureLayout(picture);
  const palette = chartPalette(picture.theme);
  const out = document.createElement("canvas");
  out.width = Math.round(layout.width * ratio);
  out.height = Math.round(layout.height * ratio);
  const ctx = out.getContext("2d");
  if (!ctx) return out;
  ctx.scale(ratio, ratio);
  ctx.fillStyle = cardBackground(picture.theme);
  ctx.fillRect(0, 0, layout.width, layout.height);
  ctx.fillStyle = palette.text;
  ctx.font = `600 ${TITLE_PX}px ${FONT}`;
  ctx.textBaseline = "alphabetic";
  ctx.fillText(titleText(picture), PAD, PAD + TITLE_PX - 2);
  const { plot } = layout;
  if (picture.canvas && plot.height > 0) ctx.drawImage(picture.canvas, plot.x, plot.y, plot.width, plot.height);
  ctx.font = `12px ${FONT}`;
  picture.legend.forEach((entry, i) => {
    const { x, y } = legendAt(layout, i);
    ctx.fillStyle = entry.color;
    ctx.fillRect(x, y + 3, 12, 12);
    ctx.fillStyle = palette.text;
    ctx.fillText(entry.label, x + 18, y + 13, LEGEND_COLUMN - 24);
  });
  return out;
}

/** The picture as a PNG. */
export function picturePng(picture: ChartPicture): Promise<Blob> {
  const canvas = pictureCanvas(picture);
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("the browser made no PNG"))), "image/png");
  });
}

/** Saves `blob` as a download named `name`. */
export function downloadBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Polyline points "x,y x,y ..." of (xs, ys) through the scales, skipping non-finite ys. */
export function polylinePoints(xs: ArrayLike<number>, ys: ArrayLike<number>, x: (v: number) => number, y: (v: number) => number): string[] {
  const runs: string[] = [];
  let current: string[] = [];
  for (let i = 0; i < xs.length; i++) {
    const value = ys[i] as number;
    if (!Number.isFinite(value)) {
      if (current.length) runs.push(current.join(" "));
      current = [];
      continue;
    }
    current.push(`${x(xs[i] as number).toFixed(2)},${y(value).toFixed(2)}`);
  }
  if (current.length) runs.push(current.join(" "));
  return runs;
}

/** One line of a vector plot: its points in axis units. */
export interface VectorLine {
  readonly xs: ArrayLike<number>;
  readonly ys: ArrayLike<number>;
  readonly color: string;
  readonly width: number;
}

export interface LinesVectorParts {
  /** The whole drawing's size and the plot box inside it, in CSS pixels. */
  readonly width: number;
  readonly height: number;
  readonly box: { readonly left: number; readonly top: number; readonly width: number; readonly height: number };
  readonly x: readonly [number, number];
  readonly y: readonly [number, number];
  readonly logY: boolean;
  readonly theme: Theme;
  readonly lines: readonly VectorLine[];
  /** Filled bands, drawn under the lines (grouped runs' spread). */
  readonly bands?: readonly BandToDraw[];
  xLabel(value: number): string;
  yLabel(value: number): string;
}

/** Lines over axes with round ticks and grid lines, as SVG elements (a VectorPlot). */
export function linesVector(parts: LinesVectorParts, ticks: (lo: number, hi: number, count: number) => number[]): VectorPlot {
  const { box, theme } = parts;
  const palette = chartPalette(theme);
  const [x0, x1] = parts.x;
  const ty = (v: number): number => (parts.logY ? Math.log10(Math.max(v, Number.MIN_VALUE)) : v);
  const [y0, y1] = [ty(parts.y[0]), ty(parts.y[1])];
  const sx = (v: number): number => box.left + ((v - x0) / (x1 - x0 || 1)) * box.width;
  const sy = (v: number): number => box.top + box.height - ((ty(v) - y0) / (y1 - y0 || 1)) * box.height;
  const out: string[] = [];
  const bottom = box.top + box.height;
  for (const v of ticks(x0, x1, Math.max(2, Math.floor(box.width / 90)))) {
    const px = sx(v).toFixed(1);
    out.push(`<line x1="${px}" x2="${px}" y1="${box.top}" y2="${bottom}" stroke="${palette.grid}"/>`);
    out.push(`<text x="${px}" y="${bottom + 14}" font-size="11" text-anchor="middle" fill="${palette.axis}">${escapeXml(parts.xLabel(v))}</text>`);
  }
  const yTicks = parts.logY
    ? ticks(y0, y1, Math.max(2, Math.floor(box.height / 40))).filter(Number.isInteger).map((e) => Math.pow(10, e))
    : ticks(y0, y1, Math.max(2, Math.floor(box.height / 40)));
  for (const v of yTicks) {
    const py = sy(v).toFixed(1);
    out.push(`<line x1="${box.left}" x2="${box.left + box.width}" y1="${py}" y2="${py}" stroke="${palette.grid}"/>`);
    out.push(`<text x="${box.left - 6}" y="${py}" font-size="11" text-anchor="end" dominant-baseline="middle" fill="${palette.axis}">${escapeXml(parts.yLabel(v))}</text>`);
  }
  out.push(`<clipPath id="plot-clip"><rect x="${box.left}" y="${box.top}" width="${box.width}" height="${box.height}"/></clipPath>`);
  const positive = parts.logY ? (v: number) => Number.isFinite(v) && v > 0 : undefined;
  for (const band of parts.bands ?? []) {
    for (const points of bandPolygons(band.xs, band.low, band.high, sx, sy, positive)) {
      out.push(`<polygon class="band" clip-path="url(#plot-clip)" points="${points}" fill="${escapeXml(band.fill)}" stroke="none"/>`);
    }
  }
  out.push(`<g clip-path="url(#plot-clip)" fill="none" stroke-linejoin="round">`);
  for (const line of parts.lines) {
    for (const points of polylinePoints(line.xs, line.ys, sx, sy)) {
      out.push(`<polyline class="line" points="${points}" stroke="${escapeXml(line.color)}" stroke-width="${line.width}"/>`);
    }
  }
  out.push("</g>");
  return { width: parts.width, height: parts.height, body: out.join("\n") };
}
