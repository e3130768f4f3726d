// The page for dashboards not built yet, or whose kind the logdir lacks.
// Hook: data-testid="empty-state" with data-dashboard.

import type { DashboardInfo } from "../core/dashboards";
import { h } from "../core/dom";

export function placeholderView(dashboard: DashboardInfo, kinds: ReadonlySet<string>): HTMLElement {
  let message: string;
  if (dashboard.id === "live") {
    message = "Live plots sent with trainboard's live client will appear here.";
  } else if (dashboard.kind !== null && !kinds.has(dashboard.kind)) {
    message = `No ${dashboard.label.toLowerCase()} data in this logdir.`;
  } else {
    message = `The ${dashboard.label} dashboard is not available in this version yet.`;
  }
  return h(
    "div",
    { class: "tb-empty tb-placeholder", "data-testid": "empty-state", "data-dashboard": dashboard.id },
    h("h2", {}, dashboard.label),
    h("p", {}, message),
  );
}
