// The page for dashboards not built yet, whose kind the logdir lacks, or whose code failed to
// load; and the short "loading" page shown until the runs (or a dashboard's code) arrive.
// Hooks: data-testid="empty-state" with data-dashboard; "dashboard-loading" likewise.

import type { DashboardInfo } from "../core/dashboards";
import { h } from "../core/dom";

export function placeholderView(dashboard: DashboardInfo, kinds: ReadonlySet<string>, failure: string | null = null): HTMLElement {
  let message: string;
  if (failure !== null) {
    message = `The ${dashboard.label} dashboard could not be loaded: ${failure}`;
  } else if (dashboard.id === "live") {
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

export function loadingView(dashboard: DashboardInfo): HTMLElement {
  return h(
    "div",
    { class: "tb-empty tb-placeholder", "data-testid": "dashboard-loading", "data-dashboard": dashboard.id },
    h("p", {}, "Loading…"),
  );
}
