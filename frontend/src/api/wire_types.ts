// Shapes exactly as the server sends them (docs/http/api.md), field names in snake_case.
// Only convert.ts reads these; the rest of the front end uses the UI types in client.ts.

export type WireKind =
  | "scalars"
  | "histograms"
  | "images"
  | "audio"
  | "text"
  | "pr_curves"
  | "graphs"
  | "projector"
  | "hparams"
  | "custom_scalars"
  | "mesh";

export interface WireEnvironment {
  version: string;
  logdir: string;
  window_title: string;
  reload_interval: number;
}

export interface WireRun {
  name: string;
  parent: string | null;
  group_tag: string | null;
  /** "scalars" for add_scalars sub-runs, "hparams" for the run add_hparams creates. */
  sub_run?: string | null;
  kinds: string[];
  start_time: number | null;
  last_update: number | null;
}

export interface WireWarning {
  run: string | null;
  path: string;
  kind?: string;
  count?: number;
  message: string;
}

export interface WireRunsResponse {
  runs: WireRun[];
  kinds: string[];
  warnings: WireWarning[];
}

export interface WireTagInfo {
  points: number;
  last_step: number;
  display_name: string;
  description: string;
}

export interface WireTagsResponse {
  kind: string;
  /** run name -> tag -> info */
  tags: Record<string, Record<string, WireTagInfo>>;
}

export type WireXAxis = "step" | "relative" | "wall";

/** One run's series in the JSON form of GET /api/scalars (non-finite values are null). */
export interface WireScalarSeriesJson {
  run: string;
  total_points: number;
  returned_points: number;
  /** Wall time of the series' first point (origin of the relative axis). */
  first_wall_time?: number | null;
  steps: number[];
  wall_times: number[];
  values: (number | null)[];
  smoothed?: (number | null)[];
}

export interface WireScalarsJson {
  tag: string;
  xaxis: WireXAxis;
  series: WireScalarSeriesJson[];
}

/** Where one array lies in a binary body. */
export interface WireArrayRef {
  offset: number;
  length: number;
  dtype: "f8" | "i8";
}

/** The header of the binary form: the JSON form with every array replaced by a reference. */
export interface WireScalarSeriesHeader {
  run: string;
  total_points: number;
  returned_points: number;
  first_wall_time?: number | null;
  steps: WireArrayRef;
  wall_times: WireArrayRef;
  values: WireArrayRef;
  smoothed?: WireArrayRef;
}

export interface WireScalarsHeader {
  tag: string;
  xaxis: WireXAxis;
  series: WireScalarSeriesHeader[];
}

export interface WireErrorBody {
  error: { status: number; message: string };
}

export interface WirePointsUpdate {
  run: string;
  tag: string;
  total_points: number;
  last_step: number;
}

export type WireLiveMessage =
  | { type: "hello"; version: string }
  | { type: "runs"; added?: string[]; removed?: string[]; reset?: string[] }
  | { type: "points"; kind: string; updates: WirePointsUpdate[] }
  | { type: "tags"; kind: string; run: string; added?: string[] }
  | { type: "warnings" };
