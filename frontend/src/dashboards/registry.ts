// Which dashboards exist: DashboardId -> factory. A tab without an entry shows a placeholder.
// This is the one file that names the dashboard folders; only the shell imports it.
//
// To add a dashboard, add its tab to src/core/dashboards.ts and one line here, sorted by id,
// loading the dashboard's code on first use so the main bundle stays small:
//   graphs: { load: async () => (await import("./graphs/index")).graphsDashboard },
// Scalars, the default tab, is imported eagerly (one import and `scalars: scalarsDashboard`).

import type { DashboardEntry } from "../core/dashboard";
import type { DashboardId } from "../core/dashboards";
import { scalarsDashboard } from "./scalars/index";

export const DASHBOARD_REGISTRY: Readonly<Partial<Record<DashboardId, DashboardEntry>>> = {
  all: { load: async () => (await import("./all/index")).allDashboard },
  audio: { load: async () => (await import("./audio/index")).audioDashboard },
  custom_scalars: { load: async () => (await import("./custom_scalars/index")).customScalarsDashboard },
  distributions: { load: async () => (await import("./distributions/index")).distributionsDashboard },
  graphs: { load: async () => (await import("./graphs/index")).graphsDashboard },
  histograms: { load: async () => (await import("./histograms/index")).histogramsDashboard },
  hparams: { load: async () => (await import("./hparams/index")).hparamsDashboard },
  images: { load: async () => (await import("./images/index")).imagesDashboard },
  live: { load: async () => (await import("./live/index")).liveDashboard },
  mesh: { load: async () => (await import("./mesh/index")).meshDashboard },
  pr_curves: { load: async () => (await import("./pr_curves/index")).prCurvesDashboard },
  projector: { load: async () => (await import("./projector/index")).projectorDashboard },
  runs: { load: async () => (await import("./runs/index")).runsDashboard },
  scalars: scalarsDashboard,
  text: { load: async () => (await import("./text/index")).textDashboard },
  video: { load: async () => (await import("./video/index")).videoDashboard },
};
