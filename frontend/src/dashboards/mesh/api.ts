// The Mesh dashboard's wire types (docs/http/mesh.md) and their conversion: the mesh index,
// a mesh's steps, and one batch item of one step as typed arrays (float32 vertices, int32
// faces, uint8 colours) decoded from the binary answer without copying.

import type { ApiClient } from "../../api/client";
import type { StepPoint } from "../../components/step_slider";

export interface WireMeshInfo {
  readonly components: readonly string[];
  readonly instance_tags: Readonly<Record<string, string>>;
  readonly samples: number;
  readonly points: number;
  readonly last_step: number | null;
  readonly display_name: string;
  readonly description: string;
}

export interface WireMeshTags {
  readonly runs: Readonly<Record<string, Readonly<Record<string, WireMeshInfo>>>>;
}

export interface WireMeshSteps {
  readonly run: string;
  readonly tag: string;
  readonly steps: readonly number[];
  readonly wall_times: readonly number[];
  readonly samples: readonly number[];
}

export interface WireArraySpec {
  readonly offset: number;
  readonly length: number;
  readonly dtype: string;
  readonly shape: readonly number[];
}

export interface WireMeshHeader {
  readonly run: string;
  readonly tag: string;
  readonly step: number;
  readonly wall_time: number;
  readonly sample: number;
  readonly samples: number;
  readonly config: Record<string, unknown>;
  readonly num_vertices: number;
  readonly num_faces: number;
  readonly components: readonly string[];
  readonly warnings: readonly string[];
  readonly arrays: Readonly<Record<string, WireArraySpec>>;
}

/** One mesh of one run in the index. */
export interface MeshInfo {
  readonly components: readonly string[];
  /** The tensor tags of its parts (what push messages name). */
  readonly instanceTags: readonly string[];
  readonly samples: number;
}

/** run -> mesh tag -> info */
export type MeshTags = ReadonlyMap<string, ReadonlyMap<string, MeshInfo>>;

export interface MeshStepPoint extends StepPoint {
  readonly samples: number;
}

/** One batch item of one step of a mesh. */
export interface MeshData {
  readonly run: string;
  readonly tag: string;
  readonly step: number;
  readonly wallTime: number;
  readonly sample: number;
  readonly samples: number;
  readonly config: Record<string, unknown>;
  /** x, y, z of each vertex. */
  readonly vertices: Float32Array;
  /** Three vertex indices per triangle; null for a point cloud. */
  readonly faces: Int32Array | null;
  /** r, g, b (0-255) of each vertex, or null. */
  readonly colors: Uint8Array | null;
  readonly warnings: readonly string[];
}

export class MeshDecodeError extends Error {}

export function convertTags(wire: WireMeshTags): MeshTags {
  const runs = new Map<string, Map<string, MeshInfo>>();
  for (const [run, meshes] of Object.entries(wire.runs)) {
    const map = new Map<string, MeshInfo>();
    for (const [tag, info] of Object.entries(meshes)) {
      map.set(tag, { components: info.components, instanceTags: Object.values(info.instance_tags), samples: info.samples });
    }
    runs.set(run, map);
  }
  return runs;
}

export function convertSteps(wire: WireMeshSteps): MeshStepPoint[] {
  return wire.steps.map((step, i) => ({ step, wallTime: wire.wall_times[i] ?? NaN, samples: wire.samples[i] ?? 1 }));
}

const ELEMENT_BYTES: Readonly<Record<string, number>> = { f4: 4, i4: 4, u1: 1 };
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function typedArray(buffer: ArrayBuffer, name: string, spec: WireArraySpec | undefined, dtype: string): ArrayBufferView | null {
  if (!spec) return null;
  const size = ELEMENT_BYTES[dtype] ?? 0;
  const { offset, length } = spec;
  if (spec.dtype !== dtype) throw new MeshDecodeError(`bad mesh answer: ${name} has dtype ${JSON.stringify(spec.dtype)}, expected "${dtype}"`);
  if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset % 8 !== 0 || offset + length * size > buffer.byteLength) {
    throw new MeshDecodeError(`bad mesh answer: ${name} at offset ${offset} (length ${length}) is unaligned or past the end of a ${buffer.byteLength}-byte body`);
  }
  if (length % 3 !== 0) throw new MeshDecodeError(`bad mesh answer: ${name} has ${length} values, not a multiple of 3`);
  if (dtype === "u1") return new Uint8Array(buffer, offset, length);
  if (LITTLE_ENDIAN) return dtype === "f4" ? new Float32Array(buffer, offset, length) : new Int32Array(buffer, offset, length);
  const view = new DataView(buffer, offset, length * 4);
  const out = dtype === "f4" ? new Float32Array(length) : new Int32Array(length);
  for (let i = 0; i < length; i++) out[i] = dtype === "f4" ? view.getFloat32(i * 4, true) : view.getInt32(i * 4, true);
  return out;
}

/** The binary answer of GET /api/mesh/data: a uint32 header length, the JSON header, the arrays. */
export function decodeMesh(buffer: ArrayBuffer): MeshData {
  if (buffer.byteLength < 4) throw new MeshDecodeError(`bad mesh answer: ${buffer.byteLength} bytes hold no header length`);
  const length = new DataView(buffer).getUint32(0, true);
  if (4 + length > buffer.byteLength) throw new MeshDecodeError(`bad mesh answer: header length ${length} exceeds the ${buffer.byteLength}-byte body`);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, length))) as WireMeshHeader;
  const vertices = typedArray(buffer, "vertices", header.arrays.vertices, "f4");
  if (!vertices) throw new MeshDecodeError("bad mesh answer: no vertices");
  return {
    run: header.run,
    tag: header.tag,
    step: header.step,
    wallTime: header.wall_time,
    sample: header.sample,
    samples: header.samples,
    config: header.config ?? {},
    vertices: vertices as Float32Array,
    faces: typedArray(buffer, "faces", header.arrays.faces, "i4") as Int32Array | null,
    colors: typedArray(buffer, "colors", header.arrays.colors, "u1") as Uint8Array | null,
    warnings: header.warnings ?? [],
  };
}

export async function fetchMeshTags(client: ApiClient, signal?: AbortSignal): Promise<MeshTags> {
  return convertTags(await client.getJson<WireMeshTags>("api/mesh/tags", {}, signal));
}

export async function fetchMeshSteps(client: ApiClient, run: string, tag: string, signal?: AbortSignal): Promise<MeshStepPoint[]> {
  return convertSteps(await client.getJson<WireMeshSteps>("api/mesh/steps", { run, tag }, signal));
}

export async function fetchMesh(client: ApiClient, run: string, tag: string, step: number, sample: number, signal?: AbortSignal): Promise<MeshData> {
  return decodeMesh(await client.getBytes("api/mesh/data", { run, tag, step, sample }, signal));
}
