// Pinned cards: a section above every tab showing the cards the user pinned (core/pins.ts),
// from any dashboard, so they stay across tabs and reloads. Each pinned card is made by its
// own dashboard (DashboardView.renderCard; the shell creates that dashboard if it was not
// yet) and kept up to date by it; unpinning destroys it.
//
// Hooks: pinned-section (hidden without pins; data-count), pinned-card (data-pin: the pin's
// id, data-dashboard; wraps the dashboard's own card), pinned-origin (which tab it is from).

import type { CardRef, PinBoard, RenderedCard } from "../core/dashboard";
import { cardRefId } from "../core/dashboard";
import { h } from "../core/dom";

interface Shown {
  readonly wrapper: HTMLElement;
  card: RenderedCard | null;
  cancelled: boolean;
}

/** The section: one slot per pin, in pin order, each filled by its dashboard's card. */
export class PinnedSection {
  readonly element: HTMLElement;
  private readonly grid: HTMLElement;
  private readonly count: HTMLElement;
  private readonly store: PinBoard;
  private readonly render: (ref: CardRef) => Promise<RenderedCard | null>;
  private readonly shown = new Map<string, Shown>();
  private ready = false;
  private renders = 0;

  /** `render` makes a pin's card (null: its dashboard cannot, e.g. the tag is gone). */
  constructor(store: PinBoard, render: (ref: CardRef) => Promise<RenderedCard | null>) {
    this.store = store;
    this.render = render;
    this.count = h("span", { class: "tb-group-count" });
    this.grid = h("div", { class: "tb-card-grid" });
    this.element = h(
      "section",
      { class: "tb-pinned", "data-testid": "pinned-section", "aria-label": "Pinned cards" },
      h("h2", { class: "tb-pinned-title" }, "Pinned ", this.count),
      this.grid,
    );
    store.subscribe(() => this.sync());
    this.sync();
  }

  /** Cards still being made (counted in window.__trainboard.pending). */
  get pending(): number {
    return this.renders;
  }

  /** The runs are loaded: cards can be made from now on. */
  start(): void {
    this.ready = true;
    this.sync();
  }

  /** The window or the card width changed. */
  resize(): void {
    for (const shown of this.shown.values()) shown.card?.resize();
  }

  destroy(): void {
    for (const shown of this.shown.values()) this.drop(shown);
    this.shown.clear();
  }

  /** Which pins show a card now (ids), for tests. */
  debug(): { pins: string[]; shown: string[] } {
    return {
      pins: this.store.pins.map(cardRefId),
      shown: [...this.shown].filter(([, s]) => s.card !== null).map(([id]) => id),
    };
  }

  private sync(): void {
    const pins = this.store.pins;
    this.element.hidden = pins.length === 0;
    this.element.dataset.count = String(pins.length);
    this.count.textContent = `(${pins.length})`;
    const wanted = new Set(pins.map(cardRefId));
    for (const [id, shown] of this.shown) {
      if (wanted.has(id)) continue;
      this.drop(shown);
      this.shown.delete(id);
    }
    if (!this.ready) return;
    for (const ref of pins) {
      const id = cardRefId(ref);
      if (!this.shown.has(id)) this.shown.set(id, this.make(ref));
    }
    this.grid.replaceChildren(...pins.map((ref) => this.shown.get(cardRefId(ref))?.wrapper).filter((w): w is HTMLElement => !!w));
  }

  private make(ref: CardRef): Shown {
    const wrapper = h("div", { class: "tb-pinned-card", "data-testid": "pinned-card", "data-pin": cardRefId(ref), "data-dashboard": ref.dashboard });
    const shown: Shown = { wrapper, card: null, cancelled: false };
    this.renders++;
    this.render(ref)
      .then(
        (card) => {
          if (shown.cancelled) {
            card?.destroy();
            return;
          }
          if (!card) {
            wrapper.append(this.missing(ref));
            return;
          }
          shown.card = card;
          wrapper.append(card.element);
          const origin = h("span", { class: "tb-card-origin", "data-testid": "pinned-origin" }, ref.dashboard.replace("_", " "));
          card.element.querySelector(".tb-card-header .tb-card-actions")?.before(origin);
        },
        (err: unknown) => {
          if (!shown.cancelled) wrapper.append(this.missing(ref, err instanceof Error ? err.message : String(err)));
        },
      )
      .finally(() => this.renders--);
    return shown;
  }

  /** A card standing in for a pin its dashboard cannot show, with a button to unpin it. */
  private missing(ref: CardRef, why?: string): HTMLElement {
    const unpin = h("button", { type: "button", class: "tb-link-button", "data-testid": "card-pin" }, "unpin");
    unpin.addEventListener("click", () => this.store.toggle(ref));
    const what = ref.run === null ? ref.tag : `${ref.tag} (${ref.run})`;
    return h(
      "section",
      { class: "tb-card", "data-testid": "pinned-missing", "data-state": "empty" },
      h("header", { class: "tb-card-header" }, h("h3", { class: "tb-card-title" }, what)),
      h("div", { class: "tb-card-status" }, why ? `Cannot show this card: ${why}` : `No ${ref.dashboard.replace("_", " ")} card for this tag here.`, " ", unpin),
    );
  }

  private drop(shown: Shown): void {
    shown.cancelled = true;
    shown.card?.destroy();
    shown.card = null;
    shown.wrapper.remove();
  }
}
