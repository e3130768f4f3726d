// The dashboard tabs. Tabs whose kind the logdir lacks are dimmed but still open (to an
// empty-state message). Hooks: data-testid="tab-<id>", data-dimmed ("1"/"0"), aria-selected.

import { DASHBOARDS } from "../core/dashboards";
import type { DashboardId } from "../core/dashboards";
import { h } from "../core/dom";

export class TabsView {
  readonly element: HTMLElement;
  private readonly buttons = new Map<DashboardId, HTMLButtonElement>();

  constructor(onSelect: (id: DashboardId) => void) {
    this.element = h("nav", { class: "tb-tabs", role: "tablist", "data-testid": "tabs" });
    for (const dashboard of DASHBOARDS) {
      const button = h(
        "button",
        { type: "button", role: "tab", class: "tb-tab", "data-testid": `tab-${dashboard.id}`, "data-dimmed": "0" },
        dashboard.label,
      );
      button.addEventListener("click", () => onSelect(dashboard.id));
      this.buttons.set(dashboard.id, button);
      this.element.append(button);
    }
  }

  /** Marks the selected tab and dims tabs whose kind is not in `kinds`. */
  show(selected: DashboardId, kinds: ReadonlySet<string>): void {
    for (const dashboard of DASHBOARDS) {
      const button = this.buttons.get(dashboard.id);
      if (!button) continue;
      const dimmed = dashboard.kind !== null && !kinds.has(dashboard.kind);
      button.dataset.dimmed = dimmed ? "1" : "0";
      button.classList.toggle("tb-dimmed", dimmed);
      button.setAttribute("aria-selected", dashboard.id === selected ? "true" : "false");
      button.title = dimmed ? `No ${dashboard.label.toLowerCase()} data in this logdir` : "";
    }
  }
}
