// One Live pane: a movable, resizable, closable box showing one Visdom window.
//
// Plots are drawn by Plotly (loaded when the Live tab opens); appends extend the traces in
// place. Text is Visdom's HTML, untrusted: it is shown in a sandboxed iframe (no scripts, no
// same origin), so a <script> or an onerror= in it cannot run or reach this page.

import { h } from "../../core/dom";
import type { loadPlotly } from "../../core/lazy_libs";
import type { AppendedTrace, WireTrace, WireWindow } from "./api";

export type PlotlyLib = Awaited<ReturnType<typeof loadPlotly>>;

export interface PaneRect {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface PaneCallbacks {
  close(win: string): void;
  moved(win: string, rect: PaneRect): void;
}

export interface PaneDebug {
  readonly win: string;
  readonly type: string;
  readonly title: string;
  readonly points: number;
  readonly last_y: unknown;
  readonly updated_at: number;
  readonly rect: PaneRect;
}

const HEADER_PX = 28;
const MIN_W = 160;
const MIN_H = 100;

/** The pane size a window asks for (Visdom's opts.width/height are the content's pixels). */
export function defaultSize(win: WireWindow): { width: number; height: number } {
  const w = typeof win.width === "number" && win.width > 0 ? win.width : null;
  const hgt = typeof win.height === "number" && win.height > 0 ? win.height : null;
  if (win.type === "plot") return { width: w ?? 420, height: (hgt ?? 300) + HEADER_PX };
  if (win.type === "text") return { width: Math.max(MIN_W, w ?? 330), height: Math.max(MIN_H, (hgt ?? 180) + HEADER_PX) };
  return { width: Math.max(MIN_W, (w ?? 256) + 8), height: Math.max(MIN_H, (hgt ?? 256) + HEADER_PX + 28) };
}

function traces(win: WireWindow): WireTrace[] {
  const content = win.content as { data?: WireTrace[] } | null;
  return content && Array.isArray(content.data) ? content.data : [];
}

function countPoints(data: readonly WireTrace[]): number {
  return data.reduce((sum, t) => sum + (Array.isArray(t.x) ? t.x.length : Array.isArray(t.y) ? t.y.length : 0), 0);
}

export class LivePane {
  readonly element: HTMLDivElement;
  private readonly title: HTMLSpanElement;
  private readonly body: HTMLDivElement;
  private window: WireWindow;
  private readonly plotly: PlotlyLib;
  private readonly callbacks: PaneCallbacks;
  private plotDiv: HTMLDivElement | null = null;
  private readonly observer: ResizeObserver | null;
  private points = 0;
  private lastY: unknown = null;
  private updatedAt = 0;
  private redrawQueued = false;

  constructor(win: WireWindow, rect: PaneRect, plotly: PlotlyLib, callbacks: PaneCallbacks) {
    this.window = win;
    this.plotly = plotly;
    this.callbacks = callbacks;
    this.title = h("span", { class: "tb-live-title", "data-testid": "live-pane-title" });
    const close = h("button", { class: "tb-live-close", type: "button", title: "Close this window", "aria-label": "Close", "data-testid": "live-pane-close" }, "×");
    close.addEventListener("click", () => this.callbacks.close(this.window.id));
    const header = h("div", { class: "tb-live-header", "data-testid": "live-pane-header" }, this.title, close);
    this.body = h("div", { class: "tb-live-body" });
    this.element = h("div", { class: "tb-live-pane tb-card", "data-testid": "live-pane", "data-state": "loading" }, header, this.body);
    this.place(rect);
    this.enableDrag(header);
    this.observer = typeof ResizeObserver === "undefined" ? null : new ResizeObserver(() => this.resized());
    this.observer?.observe(this.element);
    this.render(win);
  }

  get id(): string {
    return this.window.id;
  }

  rect(): PaneRect {
    const s = this.element.style;
    return { left: parseFloat(s.left) || 0, top: parseFloat(s.top) || 0, width: this.element.offsetWidth || parseFloat(s.width) || 0, height: this.element.offsetHeight || parseFloat(s.height) || 0 };
  }

  place(rect: PaneRect): void {
    Object.assign(this.element.style, { left: `${rect.left}px`, top: `${rect.top}px`, width: `${rect.width}px`, height: `${rect.height}px` });
  }

  /** The whole window changed (created, replaced, text appended, trace added...). */
  render(win: WireWindow): void {
    this.window = win;
    this.title.textContent = win.title || win.id;
    this.element.dataset.win = win.id;
    this.element.dataset.type = win.type;
    if (win.type === "plot") {
      this.drawPlot();
      return;
    }
    this.plotDiv = null;
    this.body.replaceChildren(this.content(win));
    this.touched(0, null);
  }

  /** Points appended to traces: extend them without redrawing the rest. */
  append(appended: readonly AppendedTrace[]): void {
    const data = traces(this.window);
    for (const t of appended) {
      const trace = data[t.index];
      if (!trace) continue;
      for (const axis of ["x", "y", "z"] as const) {
        const values = t[axis];
        if (values && Array.isArray(trace[axis])) (trace[axis] as unknown[]).push(...values);
      }
    }
    if (this.plotDiv !== null && !this.redrawQueued) {
      // Plotly keeps our trace objects as its data: redraw the extended arrays, at most once
      // a frame however many appends arrive.
      this.redrawQueued = true;
      requestAnimationFrame(() => {
        this.redrawQueued = false;
        if (this.plotDiv !== null) void this.plotly.redraw(this.plotDiv).then(() => this.afterDraw());
      });
    }
  }

  resized(): void {
    if (this.plotDiv !== null && this.plotDiv.isConnected) void this.plotly.Plots.resize(this.plotDiv);
  }

  destroy(): void {
    this.observer?.disconnect();
    if (this.plotDiv !== null) this.plotly.purge(this.plotDiv);
    this.element.remove();
  }

  debug(): PaneDebug {
    return { win: this.window.id, type: this.window.type, title: this.window.title ?? "", points: this.points, last_y: this.lastY, updated_at: this.updatedAt, rect: this.rect() };
  }

  private drawPlot(): void {
    if (this.plotDiv === null) {
      this.plotDiv = h("div", { class: "tb-live-plot", "data-testid": "live-plot" });
      this.body.replaceChildren(this.plotDiv);
    }
    const content = this.window.content as { layout?: Record<string, unknown> };
    const layout: Record<string, unknown> = { ...(content.layout ?? {}), autosize: true };
    delete layout.width;
    delete layout.height;
    const config = { displaylogo: false, responsive: false };
    void this.plotly.react(this.plotDiv, traces(this.window) as never[], layout as never, config).then(() => this.afterDraw());
  }

  private afterDraw(): void {
    const data = traces(this.window);
    const last = data[data.length - 1];
    const ys = last && Array.isArray(last.y) ? last.y : [];
    this.touched(countPoints(data), ys.length ? ys[ys.length - 1] : null);
  }

  private touched(points: number, lastY: unknown): void {
    this.points = points;
    this.lastY = lastY;
    this.element.dataset.points = String(points);
    this.element.dataset.state = "ready";
    // Stamp the frame that shows the change (the browser paints right after this callback).
    requestAnimationFrame(() => {
      this.updatedAt = performance.timeOrigin + performance.now();
    });
  }

  private content(win: WireWindow): HTMLElement {
    const c = win.content as Record<string, unknown> | string | unknown[] | null;
    if (win.type === "image" && c && typeof c === "object" && !Array.isArray(c)) return this.image(c);
    if (win.type === "image_history" && Array.isArray(c)) return this.imageHistory(c as Record<string, unknown>[], win.selected ?? c.length - 1);
    if (win.type === "text" && typeof c === "string") {
      const frame = h("iframe", { class: "tb-live-text", sandbox: "", "data-testid": "live-text", title: win.title || win.id });
      frame.srcdoc = `<!doctype html><meta charset="utf-8"><style>body{font:13px system-ui,sans-serif;margin:6px;overflow-wrap:anywhere}</style>${c}`;
      return frame;
    }
    if (win.type === "properties" && Array.isArray(c)) {
      const rows = (c as Record<string, unknown>[]).map((p) => h("tr", {}, h("th", {}, String(p.name ?? "")), h("td", {}, String(p.value ?? ""))));
      return h("table", { class: "tb-live-props" }, ...rows);
    }
    return h("div", { class: "tb-empty" }, `${win.type} windows are not shown in the Live tab`);
  }

  private image(c: Record<string, unknown>): HTMLElement {
    const src = typeof c.src === "string" && /^data:image\/(png|jpeg|gif);base64,/.test(c.src) ? c.src : "";
    const img = h("img", { class: "tb-live-image", src, alt: String(c.caption ?? this.window.title ?? ""), "data-testid": "live-image" });
    return h("figure", { class: "tb-live-figure" }, img, c.caption ? h("figcaption", {}, String(c.caption)) : null);
  }

  private imageHistory(items: Record<string, unknown>[], selected: number): HTMLElement {
    const holder = h("div", { class: "tb-live-history" });
    const slider = h("input", { type: "range", min: 0, max: Math.max(0, items.length - 1), value: selected, "data-testid": "live-image-slider" });
    const show = (i: number) => holder.replaceChildren(this.image(items[i] ?? {}));
    slider.addEventListener("input", () => show(Number(slider.value)));
    show(selected);
    return h("div", {}, holder, items.length > 1 ? slider : null);
  }

  private enableDrag(header: HTMLElement): void {
    header.addEventListener("pointerdown", (down: PointerEvent) => {
      if ((down.target as HTMLElement).closest("button")) return;
      const start = this.rect();
      const move = (e: PointerEvent) => {
        this.place({ ...start, left: Math.max(0, start.left + e.clientX - down.clientX), top: Math.max(0, start.top + e.clientY - down.clientY) });
      };
      const up = () => {
        window.removeEventListener("pointermove", move);
        window.removeEventListener("pointerup", up);
        this.callbacks.moved(this.window.id, this.rect());
      };
      window.addEventListener("pointermove", move);
      window.addEventListener("pointerup", up);
      down.preventDefault();
    });
    this.element.addEventListener("pointerup", () => this.callbacks.moved(this.window.id, this.rect()));
  }
}
