// The warning area: problems /api/runs reports (corrupt records, unreadable files), shown
// above the dashboards while everything else still loads.
// Hooks: data-testid="warnings" (hidden when there are none), "warning-item" per warning.

import type { LoadWarning } from "../api/client";
import { h } from "../core/dom";

export class WarningsView {
  readonly element: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly list: HTMLUListElement;

  constructor() {
    this.summary = h("summary", {});
    this.list = h("ul", { class: "tb-warning-list" });
    this.element = h(
      "div",
      { class: "tb-warnings", role: "alert", "data-testid": "warnings" },
      h("details", {}, this.summary, this.list),
    );
    this.element.hidden = true;
  }

  show(warnings: readonly LoadWarning[]): void {
    this.element.hidden = warnings.length === 0;
    this.element.dataset.count = String(warnings.length);
    const noun = warnings.length === 1 ? "problem" : "problems";
    this.summary.textContent = `${warnings.length} ${noun} reading the logdir (the rest loaded normally)`;
    this.list.replaceChildren(
      ...warnings.map((w) =>
        h(
          "li",
          { "data-testid": "warning-item", "data-run": w.run ?? "" },
          h("code", {}, w.path),
          `: ${w.message}`,
        ),
      ),
    );
  }
}
