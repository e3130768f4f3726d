// A card shell for dashboards: a header (title, subtitle), a body the dashboard fills, and a
// status line; it loads its content lazily, only while in view (VisibilityTracker), through
// the shared fetch queue so window.__trainboard.pending counts it.
//
// Hooks on the element: class tb-card, data-testid (given), data-state (idle | loading |
// ready | empty | error), data-fetching while a load is out; the status line is
// data-testid="card-status": "Loading…" while the first load is out, what failed on an error
// (and a Retry button after it, card-retry).
//
//   const card = new Card({ testId: "image-card", title: tag, subtitle: run, attrs: { "data-tag": tag },
//     visibility: ctx.visibility, queue: ctx.queue,
//     load: async (signal) => { const d = await getImages(ctx.client, tag, signal); draw(card.body, d);
//       return d.length ? "ready" : { state: "empty", status: "No images for this run." }; } });

import type { ChartPicture } from "../charts/export";
import { downloadBlob, fileName, picturePng, pictureSvg } from "../charts/export";
import type { CardRef, PinBoard } from "../core/dashboard";
import { h } from "../core/dom";
import type { FetchQueue } from "../core/fetch_queue";
import { RUN_LABEL_ATTR, runLabel } from "../core/run_labels";
import type { VisibilityTracker } from "../core/visibility";
import "./workbench.css";

export type CardState = "idle" | "loading" | "ready" | "empty" | "error";

/** The status line of a card waiting for its first data. */
export const LOADING_STATUS = "Loading…";

/**
 * Puts a Retry button (hook: card-retry) right after a card's status line `status`, calling
 * `retry`; null takes it away.
 */
export function setRetry(status: HTMLElement, retry: (() => void) | null): void {
  const next = status.nextElementSibling;
  if (next instanceof HTMLElement && next.dataset.testid === "card-retry") next.remove();
  if (!retry) return;
  const button = h("button", { type: "button", class: "tb-card-retry", "data-testid": "card-retry" }, "Retry");
  button.addEventListener("click", retry);
  status.after(button);
}

/** What a load ends in: "ready", "empty", or either with a status line to show. */
export type CardLoadResult = "ready" | "empty" | { readonly state: "ready" | "empty"; readonly status: string };

export interface CardOptions {
  readonly testId: string;
  readonly title: string;
  readonly subtitle?: string | null;
  /** The run the subtitle names instead: shown by its label (core/run_labels.ts), renamed with it. */
  readonly subtitleRun?: string;
  /** Extra attributes for the card element (e.g. data-tag, data-run). */
  readonly attrs?: Readonly<Record<string, string | null | undefined>>;
  readonly visibility: VisibilityTracker;
  /** Loads run through this queue when given. */
  readonly queue?: FetchQueue;
  /** The header's buttons (pin, size, export). */
  readonly actions?: CardActionOptions;
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
  private readonly actions: CardActions | null;

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
    this.actions = options.actions ? new CardActions(this.element, options.actions) : null;
    this.setSubtitle(options.subtitleRun !== undefined ? runLabel(options.subtitleRun) : (options.subtitle ?? null));
    if (options.subtitleRun !== undefined) this.subtitleEl.setAttribute(RUN_LABEL_ATTR, options.subtitleRun);
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
    this.actions?.dispose();
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
    if (this.state === "idle" || this.state === "error") {
      this.element.dataset.state = "loading";
      this.setStatus(LOADING_STATUS);
      setRetry(this.statusEl, null);
    }
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
      setRetry(this.statusEl, () => this.invalidate());
      this.element.dataset.state = "error";
    } finally {
      if (this.controller === controller) {
        this.controller = null;
        delete this.element.dataset.fetching;
      }
    }
  }
}

export type CardSize = "normal" | "wide" | "full";

export interface CardActionOptions {
  /** The card as a pin (a pin button); left out: the card cannot be pinned. */
  readonly pin?: { readonly ref: CardRef; readonly pins: PinBoard };
  /** The card's picture for export (PNG and SVG buttons); null when nothing is drawn yet. */
  picture?(): ChartPicture | null;
  /** The card changed size (wide, full screen, back): redraw at the new size. */
  resized?(size: CardSize): void;
}

/**
 * The buttons at the end of a card's header: pin (aria-pressed; data-pinned on the card),
 * full width and full screen (data-size normal | wide | full on the card; Escape leaves full
 * screen), and an export menu (PNG, SVG) when the card can draw a picture.
 *
 * Hooks: card-actions, card-pin, card-expand, card-fullscreen, card-export (a <details>;
 * open its <summary>), export-png, export-svg.
 */
export class CardActions {
  readonly element: HTMLElement;
  private readonly card: HTMLElement;
  private readonly options: CardActionOptions;
  private readonly pinButton: HTMLButtonElement | null = null;
  private readonly expandButton: HTMLButtonElement;
  private readonly fullButton: HTMLButtonElement;
  private readonly unsubscribe: (() => void) | null = null;
  private readonly onKey = (event: KeyboardEvent): void => {
    if (event.key === "Escape" && this.size === "full") this.setSize("normal");
  };

  /** Adds the buttons to `card`'s header (class tb-card-header). */
  constructor(card: HTMLElement, options: CardActionOptions) {
    this.card = card;
    this.options = options;
    const buttons: HTMLElement[] = [];
    const pin = options.pin;
    if (pin) {
      const button = iconButton("card-pin", "Pin this card above every tab", ICONS.pin);
      button.addEventListener("click", () => pin.pins.toggle(pin.ref));
      this.pinButton = button;
      this.unsubscribe = pin.pins.subscribe(() => this.showPinned());
      buttons.push(button);
    }
    this.expandButton = iconButton("card-expand", "Full width", ICONS.wide);
    this.expandButton.addEventListener("click", () => this.setSize(this.size === "wide" ? "normal" : "wide"));
    this.fullButton = iconButton("card-fullscreen", "Full screen", ICONS.full);
    this.fullButton.addEventListener("click", () => this.setSize(this.size === "full" ? "normal" : "full"));
    buttons.push(this.expandButton, this.fullButton);
    if (options.picture) buttons.push(this.exportMenu());
    this.element = h("div", { class: "tb-card-actions", "data-testid": "card-actions" }, ...buttons);
    const header = card.querySelector(".tb-card-header") ?? card;
    header.append(this.element);
    card.tabIndex = card.tabIndex >= 0 ? card.tabIndex : 0;
    card.dataset.size = "normal";
    this.showPinned();
  }

  get size(): CardSize {
    return (this.card.dataset.size ?? "normal") as CardSize;
  }

  setSize(size: CardSize): void {
    if (size === this.size) return;
    this.card.dataset.size = size;
    this.card.classList.toggle("tb-card-wide", size === "wide");
    this.card.classList.toggle("tb-card-full", size === "full");
    this.expandButton.setAttribute("aria-pressed", String(size === "wide"));
    this.fullButton.setAttribute("aria-pressed", String(size === "full"));
    if (size === "full") document.addEventListener("keydown", this.onKey);
    else document.removeEventListener("keydown", this.onKey);
    this.options.resized?.(size);
  }

  dispose(): void {
    this.unsubscribe?.();
    document.removeEventListener("keydown", this.onKey);
  }

  private showPinned(): void {
    const pin = this.options.pin;
    if (!pin || !this.pinButton) return;
    const pinned = pin.pins.isPinned(pin.ref);
    this.pinButton.setAttribute("aria-pressed", String(pinned));
    this.pinButton.title = pinned ? "Unpin this card" : "Pin this card above every tab";
    this.pinButton.setAttribute("aria-label", this.pinButton.title);
    if (pinned) this.card.dataset.pinned = "1";
    else delete this.card.dataset.pinned;
  }

  private exportMenu(): HTMLElement {
    const png = h("button", { type: "button", "data-testid": "export-png" }, "PNG");
    const svg = h("button", { type: "button", "data-testid": "export-svg" }, "SVG");
    const menu = h(
      "details",
      { class: "tb-export", "data-testid": "card-export" },
      h("summary", { title: "Export the chart with its legend", "aria-label": "Export" }, svgIcon(ICONS.download)),
      h("div", { class: "tb-export-menu" }, png, svg),
    );
    const save = async (kind: "png" | "svg"): Promise<void> => {
      menu.open = false;
      const picture = this.options.picture?.();
      if (!picture) return;
      const blob = kind === "png" ? await picturePng(picture) : new Blob([pictureSvg(picture)], { type: "image/svg+xml" });
      downloadBlob(blob, fileName(picture.subtitle ? `${picture.title}_${picture.subtitle}` : picture.title, kind));
    };
    png.addEventListener("click", () => void save("png"));
    svg.addEventListener("click", () => void save("svg"));
    return menu;
  }
}

/** 16x16 icon paths (stroked), drawn inline so they need no icon font. */
const ICONS = {
  pin: "M6 2h4M7 2v4L4.5 9h7L9 6V2M8 9v5",
  wide: "M1.5 8h13M4 5.5 1.5 8 4 10.5M12 5.5l2.5 2.5-2.5 2.5",
  full: "M2 6V2h4M10 2h4v4M14 10v4h-4M6 14H2v-4",
  download: "M8 2v8M4.5 6.5 8 10l3.5-3.5M2.5 13.5h11",
} as const;

function svgIcon(path: string): SVGSVGElement {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 16 16");
  svg.setAttribute("width", "14");
  svg.setAttribute("height", "14");
  svg.setAttribute("aria-hidden", "true");
  const line = document.createElementNS(ns, "path");
  line.setAttribute("d", path);
  line.setAttribute("fill", "none");
  line.setAttribute("stroke", "currentColor");
  line.setAttribute("stroke-width", "1.5");
  line.setAttribute("stroke-linecap", "round");
  line.setAttribute("stroke-linejoin", "round");
  svg.append(line);
  return svg;
}

function iconButton(testId: string, title: string, icon: string): HTMLButtonElement {
  return h("button", { type: "button", class: "tb-card-action", "data-testid": testId, title, "aria-label": title, "aria-pressed": "false" }, svgIcon(icon));
}

/**
 * Toggles the pin of the card holding `target` (the focused element by default), else of the
 * card under the pointer; returns whether a card was found. For a keyboard shortcut.
 */
export function togglePinOfCard(target: Element | null = document.activeElement): boolean {
  const card = target?.closest(".tb-card") ?? [...document.querySelectorAll(".tb-card:hover")].pop() ?? null;
  const button = card?.querySelector<HTMLButtonElement>(':scope > .tb-card-header [data-testid="card-pin"]');
  if (!button) return false;
  button.click();
  return true;
}
