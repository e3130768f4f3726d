// Wire types -> UI types, once, at the edge. Also the decoder of the binary series format.
//
// Binary body of GET /api/scalars?format=binary (little-endian, docs/http/api.md):
//   uint32 header_length | header (UTF-8 JSON) | padding to 8 | arrays, each 8-byte aligned
// Every array in the header is {"offset": bytes from the start of the body, "length": n,
// "dtype": "f8" | "i8"}. f8 arrays are viewed in place (no copy) on little-endian hosts.

import type {
  Environment,
  LiveMessage,
  LoadWarning,
  Run,
  RunsInfo,
  ScalarSeries,
  ScalarsResult,
  TagInfo,
  TagsIndex,
  XAxis,
} from "./client";
import { ApiError } from "./client";
import type {
  WireArrayRef,
  WireEnvironment,
  WireRunsResponse,
  WireScalarSeriesHeader,
  WireScalarSeriesJson,
  WireScalarsHeader,
  WireScalarsJson,
  WireTagsResponse,
} from "./wire_types";

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const TWO_POW_32 = 4294967296;
const X_AXES: readonly XAxis[] = ["step", "relative", "wall"];

export function convertEnvironment(wire: WireEnvironment): Environment {
  return {
    version: String(wire.version ?? ""),
    logdir: String(wire.logdir ?? ""),
    windowTitle: String(wire.window_title ?? ""),
    reloadInterval: Number(wire.reload_interval ?? 0),
  };
}

export function convertRuns(wire: WireRunsResponse): RunsInfo {
  const runs: Run[] = (wire.runs ?? []).map((r) => ({
    name: r.name,
    parent: r.parent ?? null,
    groupTag: r.group_tag ?? null,
    subRun: r.sub_run ?? null,
    kinds: new Set(r.kinds ?? []),
    startTime: r.start_time ?? null,
    lastUpdate: r.last_update ?? null,
    lastWriteTime: r.last_write_time ?? null,
  }));
  const warnings: LoadWarning[] = (wire.warnings ?? []).map((w) => ({
    run: w.run ?? null,
    path: String(w.path ?? ""),
    message: String(w.message ?? ""),
  }));
  return { runs, kinds: new Set(wire.kinds ?? []), warnings };
}

export function convertTags(wire: WireTagsResponse): TagsIndex {
  const index = new Map<string, Map<string, TagInfo>>();
  for (const [run, tags] of Object.entries(wire.tags ?? {})) {
    const byTag = new Map<string, TagInfo>();
    for (const [tag, info] of Object.entries(tags)) {
      byTag.set(tag, {
        points: info.points,
        lastStep: info.last_step,
        displayName: info.display_name ?? "",
        description: info.description ?? "",
      });
    }
    index.set(run, byTag);
  }
  return index;
}

function checkXAxis(value: unknown): XAxis {
  if (typeof value === "string" && (X_AXES as readonly string[]).includes(value)) {
    return value as XAxis;
  }
  throw new ApiError(0, `bad scalars response: xaxis ${JSON.stringify(value)} is not one of ${X_AXES.join(", ")}`);
}

function numbersOrNaN(values: readonly (number | null)[]): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = v === null || v === undefined ? NaN : v;
  }
  return out;
}

function convertSeriesJson(s: WireScalarSeriesJson): ScalarSeries {
  return {
    run: s.run,
    totalPoints: s.total_points,
    returnedPoints: s.returned_points,
    firstWallTime: s.first_wall_time ?? null,
    steps: Float64Array.from(s.steps),
    wallTimes: Float64Array.from(s.wall_times),
    values: numbersOrNaN(s.values),
    smoothed: s.smoothed ? numbersOrNaN(s.smoothed) : null,
  };
}

/** Converts the JSON form of GET /api/scalars. */
export function convertScalarsJson(wire: WireScalarsJson): ScalarsResult {
  return {
    tag: wire.tag,
    xaxis: checkXAxis(wire.xaxis),
    series: wire.series.map(convertSeriesJson),
  };
}

function readArray(buffer: ArrayBuffer, ref: WireArrayRef, name: string): Float64Array {
  const { offset, length, dtype } = ref;
  if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0) {
    throw new ApiError(0, `bad binary series: ${name} has offset ${offset}, length ${length}`);
  }
  if (offset % 8 !== 0 || offset + length * 8 > buffer.byteLength) {
    throw new ApiError(
      0,
      `bad binary series: ${name} at offset ${offset} (length ${length}) is unaligned or ` +
        `past the end of a ${buffer.byteLength}-byte body`,
    );
  }
  if (dtype === "f8") {
    if (LITTLE_ENDIAN_HOST) return new Float64Array(buffer, offset, length);
    const view = new DataView(buffer, offset, length * 8);
    const out = new Float64Array(length);
    for (let i = 0; i < length; i++) out[i] = view.getFloat64(i * 8, true);
    return out;
  }
  if (dtype === "i8") return int64ToFloat64(buffer, offset, length);
  throw new ApiError(0, `bad binary series: ${name} has dtype ${JSON.stringify(dtype)}, expected "f8" or "i8"`);
}

/** Little-endian int64 -> float64 (exact below 2**53, which covers any step). */
function int64ToFloat64(buffer: ArrayBuffer, offset: number, length: number): Float64Array {
  const out = new Float64Array(length);
  if (LITTLE_ENDIAN_HOST) {
    const lo = new Uint32Array(buffer, offset, length * 2);
    const hi = new Int32Array(buffer, offset, length * 2);
    for (let i = 0; i < length; i++) out[i] = (hi[2 * i + 1] as number) * TWO_POW_32 + (lo[2 * i] as number);
  } else {
    const view = new DataView(buffer, offset, length * 8);
    for (let i = 0; i < length; i++) {
      out[i] = view.getInt32(i * 8 + 4, true) * TWO_POW_32 + view.getUint32(i * 8, true);
    }
  }
  return out;
}

function convertSeriesBinary(buffer: ArrayBuffer, s: WireScalarSeriesHeader): ScalarSeries {
  const where = `series ${JSON.stringify(s.run)}`;
  return {
    run: s.run,
    totalPoints: s.total_points,
    returnedPoints: s.returned_points,
    firstWallTime: s.first_wall_time ?? null,
    steps: readArray(buffer, s.steps, `${where} steps`),
    wallTimes: readArray(buffer, s.wall_times, `${where} wall_times`),
    values: readArray(buffer, s.values, `${where} values`),
    smoothed: s.smoothed ? readArray(buffer, s.smoothed, `${where} smoothed`) : null,
  };
}

/** Decodes the binary form of GET /api/scalars (format=binary). */
export function decodeScalarsBinary(buffer: ArrayBuffer): ScalarsResult {
  if (buffer.byteLength < 4) {
    throw new ApiError(0, `bad binary series: body of ${buffer.byteLength} bytes has no header length`);
  }
  const headerLength = new DataView(buffer).getUint32(0, true);
  if (4 + headerLength > buffer.byteLength) {
    throw new ApiError(0, `bad binary series: header length ${headerLength} exceeds the ${buffer.byteLength}-byte body`);
  }
  const text = new TextDecoder().decode(new Uint8Array(buffer, 4, headerLength));
  const header = JSON.parse(text) as WireScalarsHeader;
  return {
    tag: header.tag,
    xaxis: checkXAxis(header.xaxis),
    series: header.series.map((s) => convertSeriesBinary(buffer, s)),
  };
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

/** Parses one push message; unknown types give null (a newer server may send more). */
export function parseLiveMessage(text: string): LiveMessage | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof raw !== "object" || raw === null) return null;
  const m = raw as Record<string, unknown>;
  switch (m.type) {
    case "hello":
      return { type: "hello", version: String(m.version ?? "") };
    case "runs":
      return { type: "runs", removed: stringList(m.removed), reset: stringList(m.reset) };
    case "warnings":
      return { type: "warnings" };
    case "live":
      return { type: "live", events: Array.isArray(m.events) ? (m.events as unknown[]) : [] };
    case "tags":
      return { type: "tags", kind: String(m.kind ?? ""), run: String(m.run ?? "") };
    case "points": {
      const updates = Array.isArray(m.updates) ? (m.updates as Record<string, unknown>[]) : [];
      return {
        type: "points",
        kind: String(m.kind ?? ""),
        updates: updates.map((u) => ({
          run: String(u.run),
          tag: String(u.tag),
          totalPoints: Number(u.total_points ?? 0),
          lastStep: Number(u.last_step ?? 0),
        })),
      };
    }
    default:
      return null;
  }
}
