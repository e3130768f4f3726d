// The drawing surface of the Graphs dashboard: lays out what a GraphModel shows (through the
// LayoutEngine), draws it into an SVG with pan and zoom, marks the selected box, and turns
// clicks on boxes into callbacks. Layouts are generation-counted: a click made while a layout
// runs wins over it.
//
// Hooks: graph-canvas (the SVG) and those of render.ts.

import type { GraphLayout, LayoutBox, LayoutEngine } from "./layout";
import { layoutGraph } from "./layout";
import type { GraphModel, ItemId } from "./model";
import { arrowDefs, renderLayout, svgEl } from "./render";
import type { Transform } from "./viewport";
import { Viewport } from "./viewport";

/** What the view does once the new layout is drawn. */
export interface DrawOptions {
  /** Fit the whole graph into the view. */
  readonly fit?: boolean;
  /** Keep this box where it was on screen (the scope just opened or closed). */
  readonly anchor?: ItemId | null;
  /** Centre the view on this box (a search result). */
  readonly center?: ItemId | null;
}

/** A click on a box: its id, whether it is drawn open, and whether it hit its title bar. */
export type BoxClick = (id: ItemId, open: boolean, onTitleBar: boolean) => void;

export class GraphCanvas {
  readonly svg: SVGSVGElement;
  layout: GraphLayout | null = null;
  /** Layouts drawn so far. */
  layouts = 0;
  /** Milliseconds the last layout and drawing took. */
  layoutMs = 0;
  renderMs = 0;
  private readonly engine: LayoutEngine;
  private readonly layer: SVGGElement;
  private readonly viewport: Viewport;
  private boxes = new Map<string, SVGGElement>();
  private selected: ItemId | null = null;
  private generation = 0;
  private fitPending = false;
  private running = 0;

  constructor(engine: LayoutEngine, onClick: BoxClick) {
    this.engine = engine;
    this.layer = svgEl("g", { class: "tbg-layer" });
    this.svg = svgEl("svg", { class: "tbg-canvas", "data-testid": "graph-canvas" });
    this.svg.append(arrowDefs(), this.layer);
    this.viewport = new Viewport(this.svg, this.layer);
    this.svg.addEventListener("click", (event) => {
      if (this.viewport.dragged) {
        this.viewport.dragged = false; // the click that ends a pan
        return;
      }
      const target = event.target as Element;
      const box = target.closest<SVGGElement>("[data-id]");
      if (box?.dataset.id) onClick(box.dataset.id, box.dataset.expanded === "1", target.closest('[data-role="toggle"]') !== null);
    });
  }

  /** Layouts in progress. */
  get pending(): number {
    return this.running;
  }

  get transform(): Transform {
    return this.viewport.transform;
  }

  /**
   * Lays out and draws what `model` shows. Resolves false when a newer draw (or clear)
   * superseded this one; rejects when the layout fails.
   */
  async draw(model: GraphModel, options: DrawOptions = {}): Promise<boolean> {
    const generation = ++this.generation;
    const before = options.anchor ? this.screenPosition(options.anchor) : null;
    this.running++;
    try {
      const started = performance.now();
      const layout = await layoutGraph(this.engine, model);
      if (generation !== this.generation) return false;
      const laidOut = performance.now();
      this.layout = layout;
      this.layouts++;
      this.boxes = renderLayout(this.layer, layout, model.data);
      this.mark();
      this.layoutMs = laidOut - started;
      this.renderMs = performance.now() - laidOut;
      if (options.fit) this.fit();
      else if (options.center) this.centerOn(options.center);
      else if (before && options.anchor) this.keepOnScreen(options.anchor, before);
      return true;
    } finally {
      this.running--;
    }
  }

  clear(): void {
    this.generation++;
    this.layout = null;
    this.boxes = new Map();
    this.layer.replaceChildren();
  }

  select(id: ItemId | null): void {
    this.selected = id;
    this.mark();
  }

  /** Fits the graph into the view; while the view has no size (tab hidden), when shown. */
  fit(): void {
    const layout = this.layout;
    if (!layout) return;
    const { width, height } = this.viewport.size();
    this.fitPending = width === 0 || height === 0;
    if (!this.fitPending) this.viewport.fit({ x: 0, y: 0, width: layout.width, height: layout.height });
  }

  /** The view got its size (shown, resized): do a fit that had to wait. */
  sized(): void {
    if (this.fitPending) this.fit();
  }

  zoom(factor: number): void {
    this.viewport.zoom(factor);
  }

  private box(id: ItemId): LayoutBox | undefined {
    return this.layout?.boxes.find((b) => b.id === id);
  }

  private screenPosition(id: ItemId): { x: number; y: number } | null {
    const box = this.box(id);
    return box ? this.viewport.toScreen(box.x, box.y) : null;
  }

  private keepOnScreen(id: ItemId, before: { x: number; y: number }): void {
    const after = this.screenPosition(id);
    if (!after) return;
    const t = this.viewport.transform;
    this.viewport.set({ ...t, x: t.x + before.x - after.x, y: t.y + before.y - after.y });
  }

  private centerOn(id: ItemId): void {
    const box = this.box(id);
    if (!box) return;
    if (this.viewport.transform.k < 0.6) this.viewport.set({ ...this.viewport.transform, k: 1 });
    this.viewport.center(box.x + box.width / 2, box.y + Math.min(box.height, 120) / 2);
  }

  private mark(): void {
    for (const [id, el] of this.boxes) {
      if (id === this.selected) el.dataset.selected = "1";
      else delete el.dataset.selected;
    }
  }
}
