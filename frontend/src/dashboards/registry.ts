// Which dashboards exist: DashboardId -> factory. A tab without an entry shows a placeholder.
//
// To add a dashboard, add exactly one import and one line, keeping both lists sorted by id:
//   import { imagesDashboard } from "./images/index";      ...    images: imagesDashboard,
// A dashboard using a heavy library (three, elkjs, plotly) loads it lazily instead, so the
// main bundle stays small:
//   graphs: { load: async () => (await import("./graphs/index")).graphsDashboard },

import type { DashboardEntry } from "../core/dashboard";
import type { DashboardId } from "../core/dashboards";
import { scalarsDashboard } from "./scalars/index";

export const DASHBOARD_REGISTRY: Readonly<Partial<Record<DashboardId, DashboardEntry>>> = {
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
  scalars: scalarsDashboard,
  text: { load: async () => (await import("./text/index")).textDashboard },
  video: { load: async () => (await import("./video/index")).videoDashboard },
};
