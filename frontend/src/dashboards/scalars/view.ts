// The Scalars dashboard's DOM: the settings bar and collapsible groups of cards.
//
// Hooks: smoothing-slider, smoothing-value, smoothing-kind, xaxis-select, log-y-toggle,
// ignore-outliers-toggle, tag-filter (src/components/tag_groups.ts, as are the tag groups),
// scalars-empty.

import type { SmoothingKind, XAxis } from "../../api/client";
import { TagFilterInput } from "../../components/tag_groups";
import { h } from "../../core/dom";
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
  private readonly tagFilter: TagFilterInput;

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
    this.tagFilter = new TagFilterInput((tagFilter) => onChange({ tagFilter }));

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
      this.tagFilter.element,
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
    this.tagFilter.show(state.tagFilter);
  }
}
