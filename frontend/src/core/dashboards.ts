// The fixed list of dashboards (one tab each) and the data kind each one shows.

import type { Kind } from "../api/client";

export type DashboardId =
  | "scalars"
  | "all"
  | "runs"
  | "images"
  | "histograms"
  | "distributions"
  | "graphs"
  | "projector"
  | "text"
  | "audio"
  | "video"
  | "pr_curves"
  | "hparams"
  | "custom_scalars"
  | "mesh"
  | "live";

export interface DashboardInfo {
  readonly id: DashboardId;
  readonly label: string;
  /** The /api/runs kind whose presence undims the tab; null: always available. */
  readonly kind: Kind | null;
}

export const DASHBOARDS: readonly DashboardInfo[] = [
  { id: "scalars", label: "Scalars", kind: "scalars" },
  // Scalars, images and histograms of a tag group together (TensorBoard's Time Series).
  { id: "all", label: "All", kind: null },
  // One row per run: hyperparameters, environment, metric summaries; its checks are the run selection.
  { id: "runs", label: "Runs", kind: null },
  { id: "images", label: "Images", kind: "images" },
  { id: "histograms", label: "Histograms", kind: "histograms" },
  { id: "distributions", label: "Distributions", kind: "histograms" },
  { id: "graphs", label: "Graphs", kind: "graphs" },
  { id: "projector", label: "Projector", kind: "projector" },
  { id: "text", label: "Text", kind: "text" },
  { id: "audio", label: "Audio", kind: "audio" },
  // add_video writes animated GIFs as image summaries, so videos live in the images kind.
  { id: "video", label: "Video", kind: "images" },
  { id: "pr_curves", label: "PR curves", kind: "pr_curves" },
  { id: "hparams", label: "HParams", kind: "hparams" },
  { id: "custom_scalars", label: "Custom scalars", kind: "custom_scalars" },
  { id: "mesh", label: "Mesh", kind: "mesh" },
  { id: "live", label: "Live", kind: null },
];

export const DEFAULT_DASHBOARD: DashboardId = "scalars";

export function isDashboardId(value: string): value is DashboardId {
  return DASHBOARDS.some((d) => d.id === value);
}
