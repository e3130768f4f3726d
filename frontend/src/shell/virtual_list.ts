// A scrolling list of fixed-height rows that keeps only the rows in view (and a few either side)
// in the DOM, so a list of 10,000 runs scrolls as lightly as one of 20.
//
// The viewport (`element`, which scrolls) holds a spacer as tall as every row together and,
// inside it, the window: the visible rows in order, moved down by `translateY`. Rows are made
// by the caller (`render(index)`) and kept while they stay in the window, by key, so a row
// that scrolls one step keeps its element (and its focus). Scrolling re-renders at most once
// a frame. Before the viewport has a height (not attached yet, or a test DOM without layout)
// it shows the first `fallbackRows` rows.

import { h } from "../core/dom";

export interface VirtualWindow {
  /** First row index in the window. */
  readonly start: number;
  /** One past the last row index in the window. */
  readonly end: number;
}

/**
 * The rows to keep in the DOM: those intersecting [scrollTop, scrollTop + height), plus
 * `overscan` rows either side, clamped to [0, count). A viewport of no height shows the first
 * `fallbackRows`.
 */
export function visibleWindow(scrollTop: number, height: number, rowHeight: number, count: number, overscan = 8, fallbackRows = 60): VirtualWindow {
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  if (height <= 0) return { start: 0, end: Math.min(count, fallbackRows) };
  const top = Math.max(0, scrollTop);
  const first = Math.min(count - 1, Math.floor(top / rowHeight));
  const last = Math.min(count, Math.ceil((top + height) / rowHeight));
  return { start: Math.max(0, first - overscan), end: Math.min(count, last + overscan) };
}

/** The scrollTop that brings row `index` fully into a viewport at `scrollTop` of `height`. */
export function scrollToShow(index: number, scrollTop: number, height: number, rowHeight: number): number {
  const top = index * rowHeight;
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + height) return Math.max(0, top + rowHeight - height);
  return scrollTop;
}

export interface VirtualListOptions {
  readonly rowHeight: number;
  /** The element of row `index` (called for rows entering the window). */
  render(index: number): HTMLElement;
  /** A stable key of row `index` (rows whose key stays are kept). */
  key(index: number): string;
  /** Brings a kept row up to date (optional; called for every row in the window on refresh). */
  update?(index: number, row: HTMLElement): void;
  readonly overscan?: number;
  readonly attrs?: Record<string, string>;
}

export class VirtualList {
  readonly element: HTMLDivElement;
  private readonly spacer: HTMLDivElement;
  private readonly windowEl: HTMLDivElement;
  private readonly options: VirtualListOptions;
  private count = 0;
  private shown = new Map<string, HTMLElement>();
  private current: VirtualWindow = { start: 0, end: 0 };
  private frame: number | null = null;
  /** Milliseconds the latest render took (rows made, updated and placed), and the most so far. */
  renderMs = 0;
  maxRenderMs = 0;

  constructor(options: VirtualListOptions) {
    this.options = options;
    this.windowEl = h("div", { class: "tb-vlist-window" });
    this.spacer = h("div", { class: "tb-vlist-spacer" }, this.windowEl);
    this.element = h("div", { ...options.attrs, class: `tb-vlist ${options.attrs?.class ?? ""}`.trim() }, this.spacer);
    this.element.addEventListener("scroll", () => this.schedule(), { passive: true });
  }

  /** Rows now in the DOM. */
  get window(): VirtualWindow {
    return this.current;
  }

  get length(): number {
    return this.count;
  }

  /** A new row count: rows are re-made where their key changed, the rest updated. */
  setCount(count: number): void {
    this.count = count;
    this.spacer.style.height = `${count * this.options.rowHeight}px`;
    this.render(true);
  }

  /** Re-renders the window now (rows whose key stays are updated, not re-made). */
  refresh(): void {
    this.render(true);
  }

  /** Scrolls so that row `index` is in view. */
  reveal(index: number): void {
    const height = this.element.clientHeight;
    const top = scrollToShow(index, this.element.scrollTop, height, this.options.rowHeight);
    if (top !== this.element.scrollTop) this.element.scrollTop = top;
    this.render(false);
  }

  /** The row element of `index` if it is in the window. */
  rowAt(index: number): HTMLElement | null {
    if (index < this.current.start || index >= this.current.end) return null;
    return this.shown.get(this.options.key(index)) ?? null;
  }

  private schedule(): void {
    if (this.frame !== null) return;
    const raf = typeof requestAnimationFrame === "function" ? requestAnimationFrame : (fn: () => void) => setTimeout(fn, 16) as unknown as number;
    this.frame = raf(() => {
      this.frame = null;
      this.render(false);
    });
  }

  private render(force: boolean): void {
    const { rowHeight, overscan } = this.options;
    const next = visibleWindow(this.element.scrollTop, this.element.clientHeight, rowHeight, this.count, overscan);
    if (!force && next.start === this.current.start && next.end === this.current.end) return;
    const started = performance.now();
    this.current = next;
    const kept = new Map<string, HTMLElement>();
    const rows: HTMLElement[] = [];
    for (let i = next.start; i < next.end; i++) {
      const key = this.options.key(i);
      let row = this.shown.get(key);
      if (row && !kept.has(key)) this.options.update?.(i, row);
      else row = this.options.render(i);
      kept.set(key, row);
      rows.push(row);
    }
    for (const [key, row] of this.shown) if (kept.get(key) !== row) row.remove();
    this.shown = kept;
    this.windowEl.style.transform = `translateY(${next.start * rowHeight}px)`;
    // Insert only the new rows: the kept ones stay where they are (in order), so a scroll
    // step touches a few rows, and a focused row that stays keeps its focus.
    let cursor = this.windowEl.firstElementChild;
    for (const row of rows) {
      if (row === cursor) cursor = cursor.nextElementSibling;
      else this.windowEl.insertBefore(row, cursor);
    }
    while (cursor) {
      const stale = cursor;
      cursor = cursor.nextElementSibling;
      stale.remove();
    }
    this.renderMs = performance.now() - started;
    this.maxRenderMs = Math.max(this.maxRenderMs, this.renderMs);
  }
}
