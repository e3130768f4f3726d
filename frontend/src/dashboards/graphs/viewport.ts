// Pan and zoom of the graph's SVG: a translate-and-scale transform on one <g>, changed by the
// wheel (zooming about the pointer), by dragging the background, and by fit / zoom buttons.

export interface Transform {
  readonly x: number;
  readonly y: number;
  readonly k: number;
}

export interface Bounds {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export const MIN_SCALE = 0.02;
export const MAX_SCALE = 4;
const FIT_MAX_SCALE = 1.25; // fitting a tiny graph does not blow it up
const FIT_MARGIN = 16;

const clampScale = (k: number): number => Math.min(MAX_SCALE, Math.max(MIN_SCALE, k));

/** The transform showing `bounds` whole and centred in a `width` × `height` viewport. */
export function fitTransform(bounds: Bounds, width: number, height: number): Transform {
  if (bounds.width <= 0 || bounds.height <= 0 || width <= 0 || height <= 0) return { x: 0, y: 0, k: 1 };
  const k = clampScale(Math.min((width - 2 * FIT_MARGIN) / bounds.width, (height - 2 * FIT_MARGIN) / bounds.height, FIT_MAX_SCALE));
  return { x: (width - bounds.width * k) / 2 - bounds.x * k, y: (height - bounds.height * k) / 2 - bounds.y * k, k };
}

/** Zooms by `factor` keeping the graph point under (px, py) where it is. */
export function zoomAt(t: Transform, factor: number, px: number, py: number): Transform {
  const k = clampScale(t.k * factor);
  const ratio = k / t.k;
  return { x: px - (px - t.x) * ratio, y: py - (py - t.y) * ratio, k };
}

/** The transform that puts graph point (gx, gy) at the viewport's centre. */
export function centerOn(t: Transform, gx: number, gy: number, width: number, height: number): Transform {
  return { x: width / 2 - gx * t.k, y: height / 2 - gy * t.k, k: t.k };
}

export class Viewport {
  transform: Transform = { x: 0, y: 0, k: 1 };
  private readonly svg: SVGSVGElement;
  private readonly layer: SVGGElement;
  private drag: { id: number; x: number; y: number; moved: boolean } | null = null;
  /** True right after a drag, so the click ending it does not select or expand anything. */
  dragged = false;

  constructor(svg: SVGSVGElement, layer: SVGGElement) {
    this.svg = svg;
    this.layer = layer;
    svg.addEventListener("wheel", (event) => this.onWheel(event), { passive: false });
    svg.addEventListener("pointerdown", (event) => this.onDown(event));
    svg.addEventListener("pointermove", (event) => this.onMove(event));
    svg.addEventListener("pointerup", (event) => this.onUp(event));
    svg.addEventListener("pointercancel", (event) => this.onUp(event));
  }

  size(): { width: number; height: number } {
    const rect = this.svg.getBoundingClientRect();
    return { width: rect.width, height: rect.height };
  }

  set(t: Transform): void {
    this.transform = t;
    this.layer.setAttribute("transform", `translate(${t.x.toFixed(2)},${t.y.toFixed(2)}) scale(${t.k.toFixed(4)})`);
  }

  fit(bounds: Bounds): void {
    const { width, height } = this.size();
    this.set(fitTransform(bounds, width, height));
  }

  zoom(factor: number): void {
    const { width, height } = this.size();
    this.set(zoomAt(this.transform, factor, width / 2, height / 2));
  }

  center(gx: number, gy: number): void {
    const { width, height } = this.size();
    this.set(centerOn(this.transform, gx, gy, width, height));
  }

  /** Where graph point (gx, gy) is on screen, relative to the SVG. */
  toScreen(gx: number, gy: number): { x: number; y: number } {
    const t = this.transform;
    return { x: gx * t.k + t.x, y: gy * t.k + t.y };
  }

  private onWheel(event: WheelEvent): void {
    event.preventDefault();
    const rect = this.svg.getBoundingClientRect();
    const factor = Math.exp(-event.deltaY * (event.deltaMode === 1 ? 0.05 : 0.0015));
    this.set(zoomAt(this.transform, factor, event.clientX - rect.left, event.clientY - rect.top));
  }

  private onDown(event: PointerEvent): void {
    if (event.button !== 0) return;
    this.drag = { id: event.pointerId, x: event.clientX, y: event.clientY, moved: false };
    this.dragged = false;
  }

  private onMove(event: PointerEvent): void {
    const drag = this.drag;
    if (!drag || drag.id !== event.pointerId) return;
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
    if (!drag.moved) this.svg.setPointerCapture?.(event.pointerId);
    drag.moved = true;
    drag.x = event.clientX;
    drag.y = event.clientY;
    this.set({ ...this.transform, x: this.transform.x + dx, y: this.transform.y + dy });
  }

  private onUp(event: PointerEvent): void {
    const drag = this.drag;
    if (!drag || drag.id !== event.pointerId) return;
    this.dragged = drag.moved;
    this.drag = null;
  }
}
