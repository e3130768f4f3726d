// The Mesh dashboard's wire conversion: the binary answer decoded into typed arrays (checked
// against malformed bodies), the index grouped by mesh, the step listing.

import { describe, expect, it } from "vitest";
import { MeshDecodeError, convertSteps, convertTags, decodeMesh } from "./api";
import { encodeMesh, tetra } from "./fake_routes";

const FIELDS = { run: "a", tag: "m", step: 3, wall_time: 1.7e9, sample: 1, samples: 2, config: { camera: { fov: 40 } }, warnings: ["w"] };

describe("decodeMesh", () => {
  it("reads the header and each array without copying", () => {
    const body = encodeMesh(FIELDS, tetra(3, 1));
    const mesh = decodeMesh(body);
    expect([mesh.run, mesh.tag, mesh.step, mesh.sample, mesh.samples]).toEqual(["a", "m", 3, 1, 2]);
    expect(mesh.config).toEqual({ camera: { fov: 40 } });
    expect(mesh.warnings).toEqual(["w"]);
    expect(Array.from(mesh.vertices)).toEqual(Array.from(tetra(3, 1).vertices));
    expect(Array.from(mesh.faces ?? [])).toEqual([0, 1, 2, 0, 1, 3, 0, 2, 3, 1, 2, 3]);
    expect(Array.from(mesh.colors ?? [])).toEqual(Array.from(tetra(3, 1).colors ?? []));
    expect(mesh.vertices.buffer).toBe(body);
    expect(mesh.vertices.byteOffset % 8).toBe(0);
  });

  it("gives null faces and colours for a bare point cloud", () => {
    const mesh = decodeMesh(encodeMesh(FIELDS, { vertices: new Float32Array([1, 2, 3]) }));
    expect(mesh.faces).toBeNull();
    expect(mesh.colors).toBeNull();
    expect(Array.from(mesh.vertices)).toEqual([1, 2, 3]);
  });

  it("refuses bodies that do not hold what the header says", () => {
    const body = encodeMesh(FIELDS, tetra(0, 0));
    expect(() => decodeMesh(body.slice(0, 2))).toThrow(MeshDecodeError);
    expect(() => decodeMesh(body.slice(0, body.byteLength - 8))).toThrow(/past the end/);
    const bytes = new Uint8Array(body.slice(0));
    new DataView(bytes.buffer).setUint32(0, 1 << 20, true);
    expect(() => decodeMesh(bytes.buffer)).toThrow(/header length/);
    const text = new TextDecoder().decode(new Uint8Array(body, 4, new DataView(body).getUint32(0, true)));
    const wrongType = new TextEncoder().encode(text.replace('"dtype":"i4"', '"dtype":"f4"'));
    const patched = new Uint8Array(body.slice(0));
    patched.set(wrongType, 4);
    expect(() => decodeMesh(patched.buffer)).toThrow(/faces has dtype "f4"/);
  });
});

describe("conversion", () => {
  it("lists each mesh with the tags of its parts", () => {
    const tags = convertTags({
      runs: {
        a: { m: { components: ["vertices", "colors"], instance_tags: { vertices: "m_VERTEX", colors: "m_COLOR" }, samples: 2, points: 1, last_step: 0, display_name: "", description: "" } },
        b: {},
      },
    });
    expect(tags.get("a")?.get("m")).toEqual({ components: ["vertices", "colors"], instanceTags: ["m_VERTEX", "m_COLOR"], samples: 2 });
    expect(tags.get("b")?.size).toBe(0);
  });

  it("pairs each step with its wall time and batch size", () => {
    expect(convertSteps({ run: "a", tag: "m", steps: [0, 4], wall_times: [10, 11], samples: [1, 3] })).toEqual([
      { step: 0, wallTime: 10, samples: 1 },
      { step: 4, wallTime: 11, samples: 3 },
    ]);
  });
});
