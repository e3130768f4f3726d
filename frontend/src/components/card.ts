// A card shell for dashboards: a header (title, subtitle), a body the dashboard fills, and a
// status line; it loads its content lazily, only while in view (VisibilityTracker), through
// the shared fetch queue so window.__trainboard.pending counts it.
//
// Hooks on the element: class tb-card, data-testid (given), data-state (idle | loading |
// ready | empty | error), data-fetching while a load is out; the status line is
// data-testid="card-status".
//
//   const card = new Card({ testId: "image-card", title: tag, subtitle: run, attrs: { "data-tag": tag },
//     visibility: ctx.visibility, queue: ctx.queue,
//     load: async (signal) => { const d = await getImages(ctx.client, tag, signal); draw(card.body, d);
//       return d.length ? "ready" : { state: "empty", status: "No images for this run." }; } });

import type { FetchQueue } from "../core/fetch_queue";
import { h } from "../core/dom";
import type { VisibilityTracker } from "../core/visibility";

export type CardState = "idle" | "loading" | "ready" | "empty" | "error";

/** What a load ends in: "ready", "empty", or either with a status line to show. */
export type CardLoadResult = "ready" | "empty" | { readonly state: "ready" | "empty"; readonly status: string };

export interface CardOptions {
  readonly testId: string;
  readonly title: string;
  readonly subtitle?: string | null;
  /** Extra attributes for the card element (e.g. data-tag, data-run). */
  readonly attrs?: Readonly<Record<string, string | null | undefined>>;
  readonly visibility: VisibilityTracker;
  /** Loads run through this queue when given. */
  readonly queue?: FetchQueue;
  /** Fills `card.body`; an AbortError (or any error once `signal` is aborted) is ignored. */
  load(signal: AbortSignal): Promise<CardLoadResult>;
}

export class Card {
  readonly element: HTMLElement;
  readonly body: HTMLDivElement;
  visible = false;
  private readonly options: CardOptions;
  private readonly titleEl: HTMLHeadingElement;
  private readonly subtitleEl: HTMLSpanElement;
  private readonly statusEl: HTMLDivElement;
  private stale = true;
  private controller: AbortController | null = null;
  private destroyed = false;

  constructor(options: CardOptions) {
    this.options = options;
    this.titleEl = h("h3", { class: "tb-card-title", title: options.title }, options.title);
    this.subtitleEl = h("span", { class: "tb-card-parent", "data-testid": "card-subtitle" });
    this.body = h("div", { class: "tb-card-body", "data-testid": "card-body" });
    this.statusEl = h("div", { class: "tb-card-status", "data-testid": "card-status" });
    this.element = h(
      "section",
      { class: "tb-card", "data-testid": options.testId, ...options.attrs },
      h("header", { class: "tb-card-header" }, this.titleEl, this.subtitleEl),
      this.body,
      this.statusEl,
    );
    this.setSubtitle(options.subtitle ?? null);
    this.element.dataset.state = "idle";
    options.visibility.observe(this.element, (visible) => this.setVisible(visible));
  }

  get state(): CardState {
    return (this.element.dataset.state ?? "idle") as CardState;
  }

  get status(): string {
    return this.statusEl.textContent ?? "";
  }

  setTitle(title: string): void {
    this.titleEl.textContent = title;
    this.titleEl.title = title;
  }

  setSubtitle(subtitle: string | null): void {
    this.subtitleEl.textContent = subtitle ?? "";
    this.subtitleEl.hidden = !subtitle;
  }

  setStatus(text: string): void {
    this.statusEl.textContent = text;
  }

  /** The content is out of date: reload now if in view, else when it comes into view. */
  invalidate(): void {
    this.stale = true;
    if (this.visible) void this.reload();
  }

  destroy(): void {
    this.destroyed = true;
    this.controller?.abort();
    this.options.visibility.unobserve(this.element);
    this.element.remove();
  }

  private setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible && this.stale) void this.reload();
  }

  private async reload(): Promise<void> {
    if (this.destroyed) return;
    this.stale = false;
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    if (this.state === "idle" || this.state === "error") this.element.dataset.state = "loading";
    this.element.dataset.fetching = "1";
    const task = (): Promise<CardLoadResult> => {
      if (controller.signal.aborted) return Promise.reject(new DOMException("aborted", "AbortError"));
      return this.options.load(controller.signal);
    };
    try {
      const result = await (this.options.queue ? this.options.queue.run(task) : task());
      if (controller.signal.aborted) return;
      const state = typeof result === "string" ? result : result.state;
      this.setStatus(typeof result === "string" ? "" : result.status);
      this.element.dataset.state = state;
    } catch (err) {
      if (controller.signal.aborted || (err instanceof DOMException && err.name === "AbortError")) return;
      this.setStatus(`Could not load ${this.titleEl.textContent ?? ""}: ${err instanceof Error ? err.message : String(err)}`);
      this.element.dataset.state = "error";
    } finally {
      if (this.controller === controller) {
        this.controller = null;
        delete this.element.dataset.fetching;
      }
    }
  }
}
