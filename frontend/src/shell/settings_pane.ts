// The settings pane: the user's defaults, kept in localStorage (core/settings.ts) — theme,
// the scalar charts' smoothing, smoothing kind, x axis and outliers (a value in the page's URL
// still wins: the pane says which ones the URL sets), the card width, the chart tooltip's row
// order, row limit and relative time — and a reset of the run colours.
//
// Hooks: settings-button (opens and closes it; aria-expanded), settings-pane, settings-close,
// settings-theme, settings-smoothing, settings-smoothing-kind, settings-xaxis,
// settings-outliers, settings-card-width (+ settings-card-width-value), settings-tooltip-sort,
// settings-tooltip-limit, settings-tooltip-relative, settings-url-note, settings-reset,
// settings-reset-colors.

import { h } from "../core/dom";
import type { Settings, SettingsStore, ThemePreference, TooltipSort } from "../core/settings";
import { MAX_CARD_WIDTH, MIN_CARD_WIDTH } from "../core/settings";
import type { SmoothingKind, XAxis } from "../api/client";

export interface SettingsPaneDeps {
  readonly store: SettingsStore;
  /** The names of the pane's settings the page's URL sets now ("smoothing", "x axis"...). */
  urlOverrides(): string[];
  resetColors(): void;
}

type Field = { readonly show: (s: Settings) => void };

function options(pairs: readonly (readonly [string, string])[]): HTMLOptionElement[] {
  return pairs.map(([value, label]) => h("option", { value }, label));
}

export class SettingsPane {
  readonly element: HTMLElement;
  readonly button: HTMLButtonElement;
  private readonly deps: SettingsPaneDeps;
  private readonly fields: Field[] = [];
  private readonly urlNote: HTMLElement;

  constructor(deps: SettingsPaneDeps) {
    this.deps = deps;
    const store = deps.store;
    this.button = h(
      "button",
      { type: "button", class: "tb-header-button", "data-testid": "settings-button", title: "Settings", "aria-label": "Settings", "aria-expanded": "false" },
      "⚙",
    );
    this.button.addEventListener("click", () => this.toggle());

    const select = <T extends string>(testId: string, pairs: readonly (readonly [T, string])[], key: keyof Settings): HTMLSelectElement => {
      const el = h("select", { "data-testid": testId }, ...options(pairs));
      el.addEventListener("change", () => store.update({ [key]: el.value as T }));
      this.fields.push({ show: (s) => (el.value = String(s[key])) });
      return el;
    };
    const checkbox = (testId: string, key: "ignoreOutliers" | "tooltipRelative"): HTMLInputElement => {
      const el = h("input", { type: "checkbox", "data-testid": testId });
      el.addEventListener("change", () => store.update({ [key]: el.checked }));
      this.fields.push({ show: (s) => (el.checked = s[key]) });
      return el;
    };
    const number = (testId: string, key: "smoothing" | "tooltipLimit", range: { min: number; max: number; step: number }): HTMLInputElement => {
      const el = h("input", { type: "number", ...range, "data-testid": testId });
      el.addEventListener("change", () => {
        const value = Number(el.value);
        if (el.value.trim() !== "" && Number.isFinite(value)) store.update({ [key]: value });
        el.value = String(store.value[key]);
      });
      this.fields.push({ show: (s) => {
        if (document.activeElement !== el) el.value = String(s[key]);
      } });
      return el;
    };
    const width = h("input", { type: "range", min: MIN_CARD_WIDTH, max: MAX_CARD_WIDTH, step: 20, "data-testid": "settings-card-width", "aria-label": "Card width" });
    const widthValue = h("span", { class: "tb-settings-value", "data-testid": "settings-card-width-value" });
    width.addEventListener("input", () => store.update({ cardWidth: Number(width.value) }));
    this.fields.push({ show: (s) => {
      width.value = String(s.cardWidth);
      widthValue.textContent = `${s.cardWidth} px`;
    } });

    const row = (label: string, ...controls: HTMLElement[]): HTMLElement =>
      h("label", { class: "tb-settings-row" }, h("span", { class: "tb-settings-label" }, label), ...controls);
    const close = h("button", { type: "button", class: "tb-settings-close", "data-testid": "settings-close", "aria-label": "Close settings" }, "×");
    close.addEventListener("click", () => this.close());
    const reset = h("button", { type: "button", "data-testid": "settings-reset" }, "Reset settings");
    reset.addEventListener("click", () => store.reset());
    const resetColors = h("button", { type: "button", "data-testid": "settings-reset-colors" }, "Reset run colours");
    resetColors.addEventListener("click", () => deps.resetColors());
    this.urlNote = h("p", { class: "tb-settings-note", "data-testid": "settings-url-note" });

    this.element = h(
      "aside",
      { class: "tb-settings", "data-testid": "settings-pane", role: "dialog", "aria-label": "Settings" },
      h("div", { class: "tb-settings-head" }, h("h2", {}, "Settings"), close),
      h("p", { class: "tb-settings-note" }, "Kept in this browser. A setting in the page's URL wins over these defaults."),
      h("h3", {}, "Appearance"),
      row("Theme", select<ThemePreference>("settings-theme", [["system", "Follow the system"], ["light", "Light"], ["dark", "Dark"]], "theme")),
      row("Card width", width, widthValue),
      h("h3", {}, "Scalar charts"),
      row("Smoothing", number("settings-smoothing", "smoothing", { min: 0, max: 0.999, step: 0.01 })),
      row("Smoothing kind", select<SmoothingKind>("settings-smoothing-kind", [["ema", "EMA (TensorBoard)"], ["time_ema", "Time-weighted EMA"]], "smoothingKind")),
      row("X axis", select<XAxis>("settings-xaxis", [["step", "Step"], ["relative", "Relative time"], ["wall", "Wall time"]], "xaxis")),
      row("Ignore outliers", checkbox("settings-outliers", "ignoreOutliers")),
      this.urlNote,
      h("h3", {}, "Tooltip"),
      row("Sort rows", select<TooltipSort>("settings-tooltip-sort", [["default", "As drawn"], ["value", "By value"], ["nearest", "Nearest the pointer"], ["name", "By run name"]], "tooltipSort")),
      row("Most rows (0: all)", number("settings-tooltip-limit", "tooltipLimit", { min: 0, max: 1000, step: 1 })),
      row("Relative time", checkbox("settings-tooltip-relative", "tooltipRelative")),
      h("div", { class: "tb-settings-actions" }, reset, resetColors),
    );
    this.element.hidden = true;
    store.subscribe(() => this.show());
    this.show();
  }

  get isOpen(): boolean {
    return !this.element.hidden;
  }

  toggle(): void {
    if (this.isOpen) this.close();
    else this.open();
  }

  open(): void {
    this.show();
    this.element.hidden = false;
    this.button.setAttribute("aria-expanded", "true");
    this.element.querySelector<HTMLElement>("select, input")?.focus();
  }

  close(): void {
    this.element.hidden = true;
    this.button.setAttribute("aria-expanded", "false");
  }

  /** Shows the stored settings, and which of them the URL overrides. */
  show(): void {
    const settings = this.deps.store.value;
    for (const field of this.fields) field.show(settings);
    const overridden = this.deps.urlOverrides();
    this.urlNote.textContent = overridden.length ? `This page's URL sets ${overridden.join(", ")}: the charts show that until it is changed.` : "";
    this.urlNote.hidden = overridden.length === 0;
  }
}
