// The scalar chart settings that Scalars and Custom scalars share (Custom scalars' charts
// follow the Scalars settings): their URL parameters (smoothing, smoothing_kind, xaxis, log,
// outliers; registered here, see src/core/url_params.ts), the settings bar, and what a change
// means for the cards. The defaults of smoothing, its kind, the x axis and outliers are the
// settings pane's (src/core/settings.ts, localStorage); a value in the URL wins over them.
//
// Hooks: smoothing-slider, smoothing-value, smoothing-kind, xaxis-select, log-y-toggle,
// ignore-outliers-toggle, tag-filter (src/components/tag_groups.ts, as are the tag groups).

import type { SmoothingKind, XAxis } from "../api/client";
import { TagFilterInput } from "./tag_groups";
import type { DashboardContext } from "../core/dashboard";
import { h } from "../core/dom";
import type { Theme } from "../core/theme";
import { appSettings } from "../core/settings";
import { choiceParam, flagParam, numberParam, readUrlParams, registerUrlParams, urlParamsPatch, withDefault } from "../core/url_params";
import type { AppState } from "../core/url_state";
import type { SeriesView } from "../charts/scalar_series";
import { DEFAULT_SMOOTHING, MAX_SMOOTHING } from "../charts/smoothing";

export interface ScalarSettings extends SeriesView {
  readonly logY: boolean;
  readonly ignoreOutliers: boolean;
}

/** The settings' URL parameters; `window.__trainboard.state()` shows them by these keys. */
export const SCALAR_SETTINGS = registerUrlParams<ScalarSettings>({
  smoothing: withDefault(numberParam("smoothing", DEFAULT_SMOOTHING, 0, MAX_SMOOTHING), () => appSettings().value.smoothing),
  smoothingKind: withDefault(choiceParam<SmoothingKind>("smoothing_kind", ["ema", "time_ema"]), () => appSettings().value.smoothingKind),
  xaxis: withDefault(choiceParam<XAxis>("xaxis", ["step", "relative", "wall"]), () => appSettings().value.xaxis),
  logY: flagParam("log", false),
  ignoreOutliers: withDefault(flagParam("outliers", true), () => appSettings().value.ignoreOutliers),
});

/** The settings in `state`'s URL parameters. */
export function scalarSettings(state: AppState): ScalarSettings {
  return readUrlParams(SCALAR_SETTINGS, state.params);
}

/** The setParams patch that changes the settings in `patch`. */
export function scalarSettingsParams(patch: Partial<ScalarSettings>): Record<string, string | null> {
  return urlParamsPatch(SCALAR_SETTINGS, patch);
}

/** What a scalar card draws with: the settings, and the theme. */
export interface CardView extends ScalarSettings {
  readonly theme: Theme;
}

export class ControlsView {
  readonly element: HTMLElement;
  private readonly slider: HTMLInputElement;
  private readonly number: HTMLInputElement;
  private readonly kind: HTMLSelectElement;
  private readonly xaxis: HTMLSelectElement;
  private readonly logY: HTMLInputElement;
  private readonly outliers: HTMLInputElement;
  private readonly tagFilter: TagFilterInput;

  /** Changes go to the URL: the tag filter through `update`, the settings through `setParams`. */
  constructor(context: Pick<DashboardContext, "update" | "setParams">) {
    const onChange = (patch: Partial<ScalarSettings>): void => context.setParams(scalarSettingsParams(patch));
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
    this.tagFilter = new TagFilterInput((tagFilter) => context.update({ tagFilter }));

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
    const settings = scalarSettings(state);
    this.slider.value = String(settings.smoothing);
    if (document.activeElement !== this.number) this.number.value = String(settings.smoothing);
    this.kind.value = settings.smoothingKind;
    this.xaxis.value = settings.xaxis;
    this.logY.checked = settings.logY;
    this.outliers.checked = settings.ignoreOutliers;
    this.tagFilter.show(state.tagFilter);
  }
}

/** The view cards draw with: the settings of `state`, in `theme`. */
export function cardViewOf(state: AppState, theme: Theme): CardView {
  return { ...scalarSettings(state), theme };
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
export function followViewChange(cards: Iterable<ViewFollower>, nextState: AppState, previousState: AppState, smoothingChanged: () => void): void {
  const next = scalarSettings(nextState);
  const previous = scalarSettings(previousState);
  if (next.xaxis !== previous.xaxis) {
    for (const card of cards) card.viewChanged("always");
  } else if (next.smoothing !== previous.smoothing || next.smoothingKind !== previous.smoothingKind) {
    for (const card of cards) card.viewChanged("never");
    smoothingChanged();
  } else if (next.logY !== previous.logY || next.ignoreOutliers !== previous.ignoreOutliers) {
    for (const card of cards) card.viewChanged("never");
  }
}
