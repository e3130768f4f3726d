// The Scalars dashboard's DOM: the settings bar and collapsible groups of cards.
//
// Hooks: smoothing-slider, smoothing-value, smoothing-kind, xaxis-select, log-y-toggle,
// ignore-outliers-toggle, tag-filter, tag-group (data-group, data-collapsed) with its
// group-toggle button, scalars-empty.

import type { SmoothingKind, XAxis } from "../../api/client";
import { compileFilter, h } from "../../core/dom";
import type { AppState } from "../../core/url_state";
import { MAX_SMOOTHING } from "./smoothing";

export type StatePatch = Partial<AppState>;

export class ControlsView {
  readonly element: HTMLElement;
  private readonly slider: HTMLInputElement;
  private readonly number: HTMLInputElement;
  private readonly kind: HTMLSelectElement;
  private readonly xaxis: HTMLSelectElement;
  private readonly logY: HTMLInputElement;
  private readonly outliers: HTMLInputElement;
  private readonly tagFilter: HTMLInputElement;
  private readonly filterError: HTMLSpanElement;

  constructor(onChange: (patch: StatePatch) => void) {
    const range = { min: 0, max: MAX_SMOOTHING, step: 0.001 };
    this.slider = h("input", { type: "range", ...range, "data-testid": "smoothing-slider", "aria-label": "Smoothing" });
    this.number = h("input", { type: "number", ...range, class: "tb-smoothing-number", "data-testid": "smoothing-value" });
    this.kind = h(
      "select",
      { "data-testid": "smoothing-kind", "aria-label": "Smoothing kind" },
      h("option", { value: "ema" }, "EMA (TensorBoard)"),
      h("option", { value: "time_ema" }, "Time-weighted EMA"),
    );
    this.xaxis = h(
      "select",
      { "data-testid": "xaxis-select", "aria-label": "Horizontal axis" },
      h("option", { value: "step" }, "Step"),
      h("option", { value: "relative" }, "Relative time"),
      h("option", { value: "wall" }, "Wall time"),
    );
    this.logY = h("input", { type: "checkbox", "data-testid": "log-y-toggle" });
    this.outliers = h("input", { type: "checkbox", "data-testid": "ignore-outliers-toggle" });
    this.tagFilter = h("input", {
      type: "search",
      class: "tb-filter",
      placeholder: "Filter tags (regex)",
      "data-testid": "tag-filter",
      "aria-label": "Filter tags",
    });
    this.filterError = h("span", { class: "tb-filter-error", "data-testid": "tag-filter-error" });

    const smoothing = (text: string): void => {
      const value = Number(text);
      if (Number.isFinite(value)) onChange({ smoothing: Math.min(MAX_SMOOTHING, Math.max(0, value)) });
    };
    this.slider.addEventListener("input", () => smoothing(this.slider.value));
    this.number.addEventListener("change", () => smoothing(this.number.value));
    this.kind.addEventListener("change", () => onChange({ smoothingKind: this.kind.value as SmoothingKind }));
    this.xaxis.addEventListener("change", () => onChange({ xaxis: this.xaxis.value as XAxis }));
    this.logY.addEventListener("change", () => onChange({ logY: this.logY.checked }));
    this.outliers.addEventListener("change", () => onChange({ ignoreOutliers: this.outliers.checked }));
    this.tagFilter.addEventListener("input", () => onChange({ tagFilter: this.tagFilter.value }));

    const labelled = (text: string, ...controls: HTMLElement[]): HTMLElement =>
      h("label", { class: "tb-control" }, h("span", { class: "tb-control-label" }, text), ...controls);
    this.element = h(
      "div",
      { class: "tb-controls", "data-testid": "scalars-controls" },
      labelled("Smoothing", this.slider, this.number),
      labelled("", this.kind),
      labelled("X axis", this.xaxis),
      labelled("Log y", this.logY),
      labelled("Ignore outliers in chart scaling", this.outliers),
      h("span", { class: "tb-filter-box" }, this.tagFilter, this.filterError),
    );
  }

  /** Shows `state` (without firing change events). */
  show(state: AppState): void {
    this.slider.value = String(state.smoothing);
    if (document.activeElement !== this.number) this.number.value = String(state.smoothing);
    this.kind.value = state.smoothingKind;
    this.xaxis.value = state.xaxis;
    this.logY.checked = state.logY;
    this.outliers.checked = state.ignoreOutliers;
    if (document.activeElement !== this.tagFilter) this.tagFilter.value = state.tagFilter;
    this.filterError.textContent = compileFilter(state.tagFilter).error ?? "";
  }
}

/** One prefix group: a header that collapses it and the grid of its cards. */
export class GroupView {
  readonly element: HTMLElement;
  private readonly grid: HTMLDivElement;
  private readonly count: HTMLSpanElement;
  private collapsedNow = false;

  constructor(
    readonly name: string,
    onToggle: (collapsed: boolean) => void,
  ) {
    this.grid = h("div", { class: "tb-card-grid" });
    this.count = h("span", { class: "tb-group-count" });
    const toggle = h(
      "button",
      { type: "button", class: "tb-group-toggle", "data-testid": "group-toggle", "aria-expanded": "true" },
      h("span", { class: "tb-caret" }),
      h("span", { class: "tb-group-name" }, name),
      this.count,
    );
    toggle.addEventListener("click", () => {
      this.setCollapsed(!this.collapsedNow);
      onToggle(this.collapsedNow);
    });
    this.element = h("div", { class: "tb-group", "data-testid": "tag-group", "data-group": name }, toggle, this.grid);
    this.element.dataset.collapsed = "0";
  }

  get collapsed(): boolean {
    return this.collapsedNow;
  }

  setCollapsed(collapsed: boolean): void {
    this.collapsedNow = collapsed;
    this.element.dataset.collapsed = collapsed ? "1" : "0";
    this.element.querySelector(".tb-group-toggle")?.setAttribute("aria-expanded", collapsed ? "false" : "true");
    this.grid.hidden = collapsed;
  }

  /** Puts `cards` in the grid in this order (moving, not recreating, existing ones). */
  setCards(cards: readonly HTMLElement[]): void {
    this.count.textContent = String(cards.length);
    cards.forEach((card, i) => {
      if (this.grid.children[i] !== card) this.grid.insertBefore(card, this.grid.children[i] ?? null);
    });
    while (this.grid.children.length > cards.length) this.grid.lastElementChild?.remove();
  }
}
