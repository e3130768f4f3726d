// A run picker for dashboards that show one run at a time (graphs, projector, mesh...): a
// <select> of the runs given, each marked with its colour. Choosing keeps the choice across
// updates while the run exists; otherwise the first run is chosen.
//
// Hook: run-select (data-run: the chosen run).
//
//   const picker = new RunSelector((run) => ctx.setParams({ graph_run: run }));
//   picker.setRuns(runsWithKind(ctx, "graphs").map((r) => r.name), ctx.param("graph_run"), ctx.color);
//   picker.run; // the chosen run, or null when there are none

import { h } from "../core/dom";

/** `wanted` if it is among `runs`, else the first run, else null. */
export function chooseRun(runs: readonly string[], wanted: string | null): string | null {
  if (wanted !== null && runs.includes(wanted)) return wanted;
  return runs[0] ?? null;
}

export class RunSelector {
  readonly element: HTMLElement;
  private readonly select: HTMLSelectElement;
  private readonly swatch: HTMLSpanElement;
  private runs: readonly string[] = [];
  private chosen: string | null = null;
  private color: (run: string) => string = () => "";

  /** `onChange` runs when the user picks a run (not on setRuns). */
  constructor(onChange: (run: string) => void, label = "Run") {
    this.select = h("select", { "data-testid": "run-select", "aria-label": label });
    this.swatch = h("span", { class: "tb-swatch", "aria-hidden": "true" });
    this.select.addEventListener("change", () => {
      this.chosen = this.select.value;
      this.render();
      onChange(this.chosen);
    });
    this.element = h(
      "label",
      { class: "tb-control tb-run-selector" },
      h("span", { class: "tb-control-label" }, label),
      this.swatch,
      this.select,
    );
    this.render();
  }

  /** The chosen run, or null when there are no runs. */
  get run(): string | null {
    return this.chosen;
  }

  /**
   * Sets the runs to choose from (shown in the order given) and returns the chosen one:
   * `wanted` (e.g. from the URL) if listed, else the current choice if still listed, else
   * the first.
   */
  setRuns(runs: readonly string[], wanted: string | null = null, color?: (run: string) => string): string | null {
    this.runs = [...runs];
    if (color) this.color = color;
    this.chosen = chooseRun(this.runs, wanted !== null && runs.includes(wanted) ? wanted : this.chosen);
    this.render();
    return this.chosen;
  }

  private render(): void {
    const options = this.runs.map((run) => h("option", { value: run }, run));
    this.select.replaceChildren(...options);
    this.select.disabled = this.runs.length === 0;
    if (this.chosen !== null) this.select.value = this.chosen;
    this.select.dataset.run = this.chosen ?? "";
    this.swatch.style.background = this.chosen !== null ? this.color(this.chosen) : "transparent";
  }
}
