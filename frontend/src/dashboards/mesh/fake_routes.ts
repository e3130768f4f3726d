// A fake server for the Mesh page tests, answering docs/http/mesh.md: run "a" has a mesh
// "shapes/tetra" (a batch of two tetrahedra with colours) and a point cloud "cloud"; run "b"
// has "shapes/tetra" too. `steps` holds each mesh's steps (push messages name their parts).
// encodeMesh builds the binary answer as the server does.

import { FakeClient } from "../../api/fake_client";
import type { WireMeshArrayRef as WireArraySpec, WireMeshHeader, WireMeshSteps, WireMeshTags } from "../../api/wire_types";

export interface MeshArrays {
  readonly vertices: Float32Array;
  readonly faces?: Int32Array;
  readonly colors?: Uint8Array;
}

type HeaderFields = Omit<WireMeshHeader, "arrays" | "num_vertices" | "num_faces" | "components">;

/** The binary answer of GET /api/mesh/data for `fields` and `arrays`. */
export function encodeMesh(fields: HeaderFields, arrays: MeshArrays): ArrayBuffer {
  const parts = (["vertices", "faces", "colors"] as const).flatMap((name) => {
    const array = arrays[name];
    return array ? [{ name, array, dtype: name === "vertices" ? "f4" : name === "faces" ? "i4" : "u1" }] : [];
  });
  const specs: Record<string, WireArraySpec> = {};
  let header = "";
  let base = 8;
  for (;;) {
    let position = base;
    for (const part of parts) {
      specs[part.name] = { offset: position, length: part.array.length, dtype: part.dtype, shape: [part.array.length / 3, 3] };
      position += Math.ceil(part.array.byteLength / 8) * 8;
    }
    header = JSON.stringify({
      ...fields,
      num_vertices: arrays.vertices.length / 3,
      num_faces: arrays.faces ? arrays.faces.length / 3 : 0,
      components: parts.map((p) => p.name),
      arrays: specs,
    });
    const needed = Math.ceil((4 + new TextEncoder().encode(header).length) / 8) * 8;
    if (needed <= base) break;
    base = needed;
  }
  const last = parts.at(-1);
  const end = last ? (specs[last.name] as WireArraySpec).offset + Math.ceil(last.array.byteLength / 8) * 8 : base;
  const out = new Uint8Array(end);
  const encoded = new TextEncoder().encode(header);
  new DataView(out.buffer).setUint32(0, base - 4, true);
  out.fill(0x20, 4, base);
  out.set(encoded, 4);
  for (const part of parts) {
    out.set(new Uint8Array(part.array.buffer, part.array.byteOffset, part.array.byteLength), (specs[part.name] as WireArraySpec).offset);
  }
  return out.buffer;
}

const TETRA = [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1];
const TETRA_FACES = [0, 1, 2, 0, 1, 3, 0, 2, 3, 1, 2, 3];

/** Item `sample` of the tetrahedra at `step`: shifted by the step, item 1 twice as big. */
export function tetra(step: number, sample: number): MeshArrays {
  return {
    vertices: Float32Array.from(TETRA, (v) => v * (sample + 1) + step / 10),
    faces: Int32Array.from(TETRA_FACES),
    colors: Uint8Array.from({ length: 12 }, (_, i) => (i * 20 + step + 100 * sample) % 256),
  };
}

export class MeshFakeClient extends FakeClient {
  /** run -> mesh -> steps */
  readonly steps = new Map<string, Map<string, number[]>>([
    ["a", new Map([["shapes/tetra", [0, 1, 2]], ["cloud", [0]]])],
    ["b", new Map([["shapes/tetra", [5]]])],
  ]);

  constructor() {
    super({ runs: [{ name: "a", kinds: ["mesh"], tags: {} }, { name: "b", kinds: ["mesh"], tags: {} }] });
    this.addRoute("api/mesh/tags", () => this.index());
    this.addRoute("api/mesh/steps", (q) => this.stepsOf(q));
    this.addRoute("api/mesh/data", (q) => this.data(q));
  }

  private index(): WireMeshTags {
    const runs: Record<string, Record<string, WireMeshTags["runs"][string][string]>> = {};
    for (const [run, meshes] of this.steps) {
      runs[run] = {};
      for (const [tag, steps] of meshes) {
        const cloud = tag === "cloud";
        runs[run][tag] = {
          components: cloud ? ["vertices"] : ["vertices", "faces", "colors"],
          instance_tags: cloud ? { vertices: `${tag}_VERTEX` } : { vertices: `${tag}_VERTEX`, faces: `${tag}_FACE`, colors: `${tag}_COLOR` },
          samples: cloud ? 1 : 2,
          points: steps.length,
          last_step: steps.at(-1) ?? null,
          display_name: "",
          description: "",
        };
      }
    }
    return { runs };
  }

  private stepsOf(q: URLSearchParams): WireMeshSteps {
    const run = q.get("run") ?? "";
    const tag = q.get("tag") ?? "";
    const steps = this.steps.get(run)?.get(tag) ?? [];
    return { run, tag, steps, wall_times: steps.map((s) => 1.7e9 + s), samples: steps.map(() => (tag === "cloud" ? 1 : 2)) };
  }

  private data(q: URLSearchParams): ArrayBuffer {
    const run = q.get("run") ?? "";
    const tag = q.get("tag") ?? "";
    const step = Number(q.get("step"));
    const samples = tag === "cloud" ? 1 : 2;
    const sample = Math.min(Number(q.get("sample") ?? 0), samples - 1);
    const fields = { run, tag, step, wall_time: 1.7e9 + step, sample, samples, config: { camera: { fov: 50 } }, warnings: [] };
    if (tag === "cloud") return encodeMesh(fields, { vertices: Float32Array.from({ length: 30 }, (_, i) => i / 10) });
    return encodeMesh(fields, tetra(step, sample));
  }
}
