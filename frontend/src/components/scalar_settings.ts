// The Scalars dashboard's settings bar, and what its settings mean for the cards (shared
// with Custom scalars, whose charts follow the same settings).
//
// Hooks: smoothing-slider, smoothing-value, smoothing-kind, xaxis-select, log-y-toggle,
// ignore-outliers-toggle, tag-filter (src/components/tag_groups.ts, as are the tag groups),
// scalars-empty.

import type { SmoothingKind, XAxis } from "../../api/client";
import { TagFilterInput } from "../../components/tag_groups";
import { h } from "../../core/dom";
import type { Theme } from "../../core/theme";
import type { AppState } from "../../core/url_state";
import type { CardView } from "./card";
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

/** The view cards draw with: the settings of `state`, in `theme`. */
export function cardViewOf(state: AppState, theme: Theme): CardView {
  return {
    xaxis: state.xaxis,
    smoothing: state.smoothing,
    smoothingKind: state.smoothingKind,
    logY: state.logY,
    ignoreOutliers: state.ignoreOutliers,
    theme,
  };
}

/** A card that follows the settings. */
export interface ViewFollower {
  /** Redraw with the new view; refetch always, only if partly fetched, or never. */
  viewChanged(refetch: "always" | "if-partial" | "never"): void;
}

/**
 * Tells `cards` what a settings change means for them: a new x axis refetches; new smoothing
 * redraws now (from what is held) and calls `smoothingChanged` (to schedule the refetch of
 * cards whose smoothing the server must do); log y and outliers redraw.
 */
export function followViewChange(cards: Iterable<ViewFollower>, next: AppState, previous: AppState, smoothingChanged: () => void): void {
  if (next.xaxis !== previous.xaxis) {
    for (const card of cards) card.viewChanged("always");
  } else if (next.smoothing !== previous.smoothing || next.smoothingKind !== previous.smoothingKind) {
    for (const card of cards) card.viewChanged("never");
    smoothingChanged();
  } else if (next.logY !== previous.logY || next.ignoreOutliers !== previous.ignoreOutliers) {
    for (const card of cards) card.viewChanged("never");
  }
}
