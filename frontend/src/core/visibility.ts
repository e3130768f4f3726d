// Tells elements when they scroll into or out of view (with a margin, so cards just below the
// fold load before they are reached). Without IntersectionObserver everything counts as
// visible.

export type VisibilityCallback = (visible: boolean) => void;

export interface VisibilityTracker {
  observe(element: Element, callback: VisibilityCallback): void;
  unobserve(element: Element): void;
}

export class IntersectionTracker implements VisibilityTracker {
  private readonly callbacks = new Map<Element, VisibilityCallback>();
  private readonly observer: IntersectionObserver | null;

  constructor(rootMargin = "300px 0px") {
    this.observer =
      typeof IntersectionObserver === "function"
        ? new IntersectionObserver((entries) => this.onEntries(entries), { rootMargin })
        : null;
  }

  observe(element: Element, callback: VisibilityCallback): void {
    this.callbacks.set(element, callback);
    if (this.observer) this.observer.observe(element);
    else callback(true);
  }

  unobserve(element: Element): void {
    this.callbacks.delete(element);
    this.observer?.unobserve(element);
  }

  private onEntries(entries: IntersectionObserverEntry[]): void {
    for (const entry of entries) this.callbacks.get(entry.target)?.(entry.isIntersecting);
  }
}
