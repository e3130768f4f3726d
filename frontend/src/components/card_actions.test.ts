// @vitest-environment happy-dom
// The card header's buttons (pin, full width, full screen) and the card width setting.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { CardRef } from "../core/dashboard";
import { h } from "../core/dom";
import { PinStore } from "../core/pins";
import { CardActions, togglePinOfCard } from "./card";
import { CARD_WIDTH, CARD_WIDTH_VARIABLE, cardWidth, setCardWidth } from "./card_grid";

const ref: CardRef = { dashboard: "histograms", key: "r\u0000w", tag: "w", run: "r" };

function card(): HTMLElement {
  const el = h("section", { class: "tb-card" }, h("header", { class: "tb-card-header" }, h("h3", {}, "w")));
  document.body.append(el);
  return el;
}

afterEach(() => {
  document.body.replaceChildren();
  document.documentElement.style.removeProperty(CARD_WIDTH_VARIABLE);
});

describe("CardActions", () => {
  it("pins and unpins, following the store", () => {
    const pins = new PinStore(null);
    const el = card();
    const actions = new CardActions(el, { pin: { ref, pins } });
    const button = el.querySelector<HTMLButtonElement>('[data-testid="card-pin"]') as HTMLButtonElement;
    button.click();
    expect(pins.pins).toEqual([ref]);
    expect(button.getAttribute("aria-pressed")).toBe("true");
    expect(el.dataset.pinned).toBe("1");
    pins.unpin(ref); // from elsewhere (the pinned section)
    expect(button.getAttribute("aria-pressed")).toBe("false");
    expect(el.dataset.pinned).toBeUndefined();
    el.focus();
    expect(togglePinOfCard(button)).toBe(true);
    expect(pins.isPinned(ref)).toBe(true);
    actions.dispose();
    pins.unpin(ref);
    expect(button.getAttribute("aria-pressed")).toBe("true"); // disposed: no longer listening
    expect(togglePinOfCard(document.body)).toBe(false);
  });

  it("goes wide, full screen (Escape leaves it) and back, telling the card", () => {
    const el = card();
    const resized = vi.fn();
    const actions = new CardActions(el, { resized });
    expect(el.querySelector('[data-testid="card-export"]')).toBeNull(); // no picture: no export
    (el.querySelector('[data-testid="card-expand"]') as HTMLButtonElement).click();
    expect(el.dataset.size).toBe("wide");
    expect(el.classList.contains("tb-card-wide")).toBe(true);
    (el.querySelector('[data-testid="card-fullscreen"]') as HTMLButtonElement).click();
    expect(actions.size).toBe("full");
    expect(el.classList.contains("tb-card-wide")).toBe(false);
    document.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape" }));
    expect(actions.size).toBe("normal");
    expect(resized.mock.calls.map((c) => c[0])).toEqual(["wide", "full", "normal"]);
  });
});

describe("card width", () => {
  it("sets the grid's CSS variable, clamped, and tells the charts", () => {
    const resize = vi.fn();
    window.addEventListener("resize", resize);
    expect(setCardWidth(600)).toBe(600);
    expect(document.documentElement.style.getPropertyValue(CARD_WIDTH_VARIABLE)).toBe("600px");
    expect(cardWidth()).toBe(600);
    expect(setCardWidth(10)).toBe(CARD_WIDTH.min);
    expect(setCardWidth(null)).toBe(CARD_WIDTH.default);
    expect(document.documentElement.style.getPropertyValue(CARD_WIDTH_VARIABLE)).toBe("");
    expect(resize).toHaveBeenCalledTimes(3);
    window.removeEventListener("resize", resize);
  });
});
