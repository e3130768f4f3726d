// A slider over the steps a series has (images, audio, text, histograms at a step...). It
// shows the chosen step and its wall time. When new steps arrive the choice stays where the
// user put it, unless it was at the latest step: then it follows the latest.
//
// Hooks: step-slider (the range input, data-step), step-value, step-time.
//
//   const slider = new StepSlider((step) => card.invalidate());
//   slider.setSteps([{ step: 0, wallTime: 1.7e9 }, { step: 10, wallTime: 1.7e9 + 5 }]);
//   slider.step; // 10 (the latest)

import { formatWallTime } from "../charts/format";
import { h } from "../core/dom";

export interface StepPoint {
  readonly step: number;
  readonly wallTime: number;
}

/**
 * The index in `next` that keeps the choice `index` made in `previous`: the latest when the
 * choice was the latest (or there was none), else the same step, or the last one before it.
 */
export function followIndex(previous: readonly StepPoint[], index: number, next: readonly StepPoint[]): number {
  if (next.length === 0) return -1;
  const chosen = previous[index];
  if (!chosen || index >= previous.length - 1) return next.length - 1;
  let found = 0;
  for (let i = 0; i < next.length; i++) {
    const step = (next[i] as StepPoint).step;
    if (step > chosen.step) break;
    found = i;
  }
  return found;
}

export class StepSlider {
  readonly element: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly value: HTMLSpanElement;
  private readonly time: HTMLSpanElement;
  private steps: readonly StepPoint[] = [];
  private index = -1;
  private readonly onChange: (step: number | null) => void;

  /** `onChange` runs when the user moves the slider (not on setSteps). */
  constructor(onChange: (step: number | null) => void, label = "Step") {
    this.onChange = onChange;
    this.input = h("input", { type: "range", min: 0, max: 0, step: 1, "data-testid": "step-slider", "aria-label": label });
    this.value = h("span", { class: "tb-step-value", "data-testid": "step-value" });
    this.time = h("span", { class: "tb-step-time", "data-testid": "step-time" });
    this.input.addEventListener("input", () => {
      this.select(Number(this.input.value));
      this.onChange(this.step);
    });
    this.element = h("div", { class: "tb-step-slider tb-control" }, this.input, this.value, this.time);
    this.render();
  }

  /** The chosen step, or null when there are none. */
  get step(): number | null {
    return this.steps[this.index]?.step ?? null;
  }

  get wallTime(): number | null {
    return this.steps[this.index]?.wallTime ?? null;
  }

  /** New steps (ascending): keeps the choice, or follows the latest (see followIndex). */
  setSteps(steps: readonly StepPoint[]): void {
    this.index = followIndex(this.steps, this.index, steps);
    this.steps = steps;
    this.render();
  }

  /** Chooses the step `step` (or the last one before it); returns the chosen step. */
  setStep(step: number): number | null {
    let found = 0;
    for (let i = 0; i < this.steps.length; i++) {
      if ((this.steps[i] as StepPoint).step > step) break;
      found = i;
    }
    this.select(found);
    return this.step;
  }

  private select(index: number): void {
    if (this.steps.length === 0) return;
    this.index = Math.max(0, Math.min(this.steps.length - 1, Math.round(index)));
    this.render();
  }

  private render(): void {
    const n = this.steps.length;
    this.input.max = String(Math.max(0, n - 1));
    this.input.value = String(Math.max(0, this.index));
    this.input.disabled = n <= 1;
    const point = this.steps[this.index];
    this.input.dataset.step = point ? String(point.step) : "";
    this.value.textContent = point ? `step ${point.step}` : "no steps";
    this.time.textContent = point ? formatWallTime(point.wallTime) : "";
  }
}
