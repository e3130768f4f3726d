// @vitest-environment happy-dom
import { describe, expect, it } from "vitest";
import type { StepPoint } from "./step_slider";
import { followIndex, StepSlider } from "./step_slider";

const points = (...steps: number[]): StepPoint[] => steps.map((step) => ({ step, wallTime: 1700000000 + step }));

describe("followIndex", () => {
  it("follows the latest step when the choice was the latest or there was none", () => {
    expect(followIndex([], -1, points(0, 10))).toBe(1);
    expect(followIndex(points(0, 10), 1, points(0, 10, 20))).toBe(2);
  });

  it("keeps an earlier choice on its step, or the last step before it", () => {
    expect(followIndex(points(0, 10, 20), 1, points(0, 10, 20, 30))).toBe(1);
    expect(followIndex(points(0, 10, 20), 1, points(0, 5, 15, 20, 30))).toBe(1);
    expect(followIndex(points(0, 10, 20), 1, points(5, 10, 20))).toBe(1);
    expect(followIndex(points(10, 20), 0, points(15, 20))).toBe(0);
    expect(followIndex(points(0, 10), 0, [])).toBe(-1);
  });
});

describe("StepSlider", () => {
  it("shows the step and wall time and reports the user's moves", () => {
    const moves: (number | null)[] = [];
    const slider = new StepSlider((step) => moves.push(step));
    const input = slider.element.querySelector<HTMLInputElement>('[data-testid="step-slider"]') as HTMLInputElement;
    const value = slider.element.querySelector('[data-testid="step-value"]') as HTMLElement;
    const time = slider.element.querySelector('[data-testid="step-time"]') as HTMLElement;
    expect(slider.step).toBeNull();
    expect(value.textContent).toBe("no steps");

    slider.setSteps(points(0, 10, 20));
    expect(slider.step).toBe(20);
    expect(input.max).toBe("2");
    expect(input.dataset.step).toBe("20");
    expect(value.textContent).toBe("step 20");
    expect(time.textContent).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(moves).toEqual([]);

    input.value = "1";
    input.dispatchEvent(new Event("input"));
    expect(moves).toEqual([10]);
    expect(slider.wallTime).toBe(1700000010);

    // New steps keep the user's choice; back at the latest, the slider follows again.
    slider.setSteps(points(0, 10, 20, 30));
    expect(slider.step).toBe(10);
    expect(slider.setStep(35)).toBe(30);
    slider.setSteps(points(0, 10, 20, 30, 40));
    expect(slider.step).toBe(40);
    expect(moves).toEqual([10]);
  });
});
