// Shapes exactly as the server sends them, field names in snake_case: names for the schemas
// of wire.gen.ts, which scripts/generate_wire_types.py generates from the server's response
// models (src/trainboard/server/wire/) through the OpenAPI document (docs/http/openapi.json).
// Nothing here is written by hand but the names: change a model, regenerate, and tsc shows
// every use that no longer fits. The rest of the front end uses the UI types in client.ts.

import type { components } from "./wire.gen";

type Schemas = components["schemas"];

/** A dashboard kind: the one list is trainboard.data.dashboard_kinds.Kind. */
export type WireKind = Schemas["Kind"];

export type WireEnvironment = Schemas["Environment"];
export type WireRun = Schemas["Run"];
export type WireWarning = Schemas["LoadWarning"];
export type WireLoadProgress = Schemas["LoadProgress"];
export type WireRunsResponse = Schemas["RunsResponse"];
export type WireTagInfo = Schemas["TagInfo"];
export type WireTagsResponse = Schemas["TagsResponse"];

export type WireXAxis = Schemas["ScalarsResponse"]["xaxis"];
/** One run's series in the JSON form of GET /api/scalars (non-finite values are null). */
export type WireScalarSeriesJson = Schemas["ScalarSeries"];
export type WireScalarsJson = Schemas["ScalarsResponse"];
/** Where one array lies in a binary body. */
export type WireArrayRef = Schemas["ArrayRef"];
/** The header of the binary form: the JSON form with every array replaced by a reference. */
export type WireScalarSeriesHeader = Schemas["ScalarSeriesHeader"];
export type WireScalarsHeader = Schemas["ScalarsHeader"];

export type WireHistogramsHeader = Schemas["HistogramsHeader"];
export type WireDistributions = Schemas["DistributionsResponse"];
export type WireImageTags = Schemas["ImageTagsResponse"];
export type WireImageSteps = Schemas["ImageSteps"];
export type WireImageInfo = Schemas["ImageInfo"];
export type WireAudioSteps = Schemas["StepsListing"];
export type WireAudioInfo = Schemas["AudioInfo"];
export type WireMeshTags = Schemas["MeshTagsResponse"];
export type WireMeshSteps = Schemas["MeshStepsResponse"];
export type WireMeshHeader = Schemas["MeshDataHeader"];
export type WireMeshArrayRef = Schemas["MeshArrayRef"];
/** GET /api/runs/table: one row per run (the Runs tab). */
export type WireRunsTable = Schemas["RunsTableResponse"];
export type WireRunsTableRow = Schemas["RunsTableRow"];
export type WireMetricSummary = Schemas["MetricSummary"];

/** The body of every error answer. */
export type WireErrorBody = Schemas["ErrorBody"];

export type WirePointsUpdate = Schemas["PointsUpdate"];
/** One message of the push channel, WS /api/live. */
export type WireLiveMessage = Schemas["PushMessage"];

export type WireRunNote = Schemas["RunNoteBody"];
export type WireNotesResponse = Schemas["NotesResponse"];
export type NoteChanges = Schemas["NoteChanges"];
export type WireNoteUpdate = Schemas["NoteUpdate"];
