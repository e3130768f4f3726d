// The Images dashboard's settings: brightness, contrast (CSS filters, so pixels are never
// refetched) and actual size, kept in the URL as img_brightness, img_contrast, img_actual.
//
// Hooks: image-brightness / image-brightness-value, image-contrast / image-contrast-value,
// image-adjust-reset, image-actual-size.

import { h } from "../../core/dom";

export interface ImageView {
  /** CSS brightness(): 1 = as stored, 0 = black, 2 = twice as bright. */
  readonly brightness: number;
  /** CSS contrast(): 1 = as stored, 0 = flat gray. */
  readonly contrast: number;
  /** Show images at their stored size (scroll when larger) instead of fitting the card. */
  readonly actualSize: boolean;
}

export const DEFAULT_VIEW: ImageView = { brightness: 1, contrast: 1, actualSize: false };
export const MAX_BRIGHTNESS = 3;
export const MAX_CONTRAST = 3;

export const PARAMS = { brightness: "img_brightness", contrast: "img_contrast", actualSize: "img_actual" } as const;

function parseLevel(text: string | null, max: number): number {
  const value = text === null ? NaN : Number(text);
  return Number.isFinite(value) ? Math.min(max, Math.max(0, value)) : 1;
}

/** The view held in the URL (defaults for what is absent or malformed). */
export function viewFromParams(param: (name: string) => string | null): ImageView {
  return {
    brightness: parseLevel(param(PARAMS.brightness), MAX_BRIGHTNESS),
    contrast: parseLevel(param(PARAMS.contrast), MAX_CONTRAST),
    actualSize: param(PARAMS.actualSize) === "1",
  };
}

/** The URL parameters of a view (defaults removed). */
export function paramsOfView(view: ImageView): Record<string, string | null> {
  return {
    [PARAMS.brightness]: view.brightness === 1 ? null : String(view.brightness),
    [PARAMS.contrast]: view.contrast === 1 ? null : String(view.contrast),
    [PARAMS.actualSize]: view.actualSize ? "1" : null,
  };
}

/** The CSS filter of a view ("none" when nothing is adjusted). */
export function imageFilter(view: ImageView): string {
  if (view.brightness === 1 && view.contrast === 1) return "none";
  return `brightness(${view.brightness}) contrast(${view.contrast})`;
}

export class ImageControls {
  readonly element: HTMLElement;
  private readonly brightness: HTMLInputElement;
  private readonly contrast: HTMLInputElement;
  private readonly brightnessValue: HTMLSpanElement;
  private readonly contrastValue: HTMLSpanElement;
  private readonly actualSize: HTMLInputElement;
  private view: ImageView = DEFAULT_VIEW;

  constructor(onChange: (view: ImageView) => void) {
    const slider = (testId: string, max: number, label: string): HTMLInputElement =>
      h("input", { type: "range", min: 0, max, step: 0.01, value: 1, "data-testid": testId, "aria-label": label });
    this.brightness = slider("image-brightness", MAX_BRIGHTNESS, "Brightness");
    this.contrast = slider("image-contrast", MAX_CONTRAST, "Contrast");
    this.brightnessValue = h("span", { class: "tb-media-meta", "data-testid": "image-brightness-value" });
    this.contrastValue = h("span", { class: "tb-media-meta", "data-testid": "image-contrast-value" });
    this.actualSize = h("input", { type: "checkbox", "data-testid": "image-actual-size" });
    const reset = h("button", { type: "button", "data-testid": "image-adjust-reset" }, "Reset");
    const change = (patch: Partial<ImageView>): void => onChange({ ...this.view, ...patch });
    this.brightness.addEventListener("input", () => change({ brightness: Number(this.brightness.value) }));
    this.contrast.addEventListener("input", () => change({ contrast: Number(this.contrast.value) }));
    this.actualSize.addEventListener("change", () => change({ actualSize: this.actualSize.checked }));
    reset.addEventListener("click", () => change({ brightness: 1, contrast: 1 }));
    const labelled = (text: string, ...controls: HTMLElement[]): HTMLElement =>
      h("label", { class: "tb-control" }, h("span", { class: "tb-control-label" }, text), ...controls);
    this.element = h(
      "div",
      { class: "tb-image-controls" },
      labelled("Brightness", this.brightness, this.brightnessValue),
      labelled("Contrast", this.contrast, this.contrastValue),
      reset,
      labelled("Actual size", this.actualSize),
    );
    this.show(DEFAULT_VIEW);
  }

  /** Shows `view` (without firing change events). */
  show(view: ImageView): void {
    this.view = view;
    this.brightness.value = String(view.brightness);
    this.contrast.value = String(view.contrast);
    this.brightnessValue.textContent = `${Math.round(view.brightness * 100)}%`;
    this.contrastValue.textContent = `${Math.round(view.contrast * 100)}%`;
    this.actualSize.checked = view.actualSize;
  }
}
