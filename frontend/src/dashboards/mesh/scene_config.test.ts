// The scene a mesh is drawn in: TensorBoard's defaults, the json_config honoured where it
// maps onto three.js (and notes for the rest), the camera fitted to the object, sRGB bytes.

import { describe, expect, it } from "vitest";
import { DEFAULT_LIGHTS, defaultPointSize, finiteBounds, fitView, linearToSrgbByte, resolveScene, srgbToLinear } from "./scene_config";

describe("resolveScene", () => {
  it("uses TensorBoard's defaults without a config", () => {
    const points = resolveScene({}, "points");
    expect(points.camera).toEqual({ fov: 75, near: null, far: null });
    expect(points.lights).toEqual(DEFAULT_LIGHTS);
    expect(points.material).toEqual({ cls: "PointsMaterial", props: {} });
    expect(points.pointSize).toBeNull();
    expect(points.notes).toEqual([]);
    const mesh = resolveScene(null, "mesh");
    expect(mesh.material).toEqual({ cls: "MeshStandardMaterial", props: { color: "#a0a0a0", roughness: 1, metalness: 0 } });
  });

  it("shows vertex colours as written: no grey default colour", () => {
    expect(resolveScene({}, "mesh", true).material.props).toEqual({ roughness: 1, metalness: 0 });
  });

  it("honours the camera, lights, material and point size", () => {
    const scene = resolveScene(
      {
        camera: { cls: "PerspectiveCamera", fov: 40, near: 0.5, far: 90 },
        lights: [{ cls: "PointLight", color: "#ff0000", intensity: 2, position: [1, 2, 3] }, { cls: "HemisphereLight", groundColor: 255 }],
        material: { cls: "PointsMaterial", size: 0.05, opacity: 0.5, transparent: true },
      },
      "points",
    );
    expect(scene.camera).toEqual({ fov: 40, near: 0.5, far: 90 });
    expect(scene.lights).toEqual([
      { cls: "PointLight", color: "#ff0000", intensity: 2, position: [1, 2, 3], groundColor: null },
      { cls: "HemisphereLight", color: "#ffffff", intensity: 1, position: null, groundColor: 255 },
    ]);
    expect(scene.material).toEqual({ cls: "PointsMaterial", props: { opacity: 0.5, transparent: true } });
    expect(scene.pointSize).toBe(0.05);
    expect(scene.notes).toEqual([]);
    const mesh = resolveScene({ material: { cls: "MeshPhongMaterial", shininess: 80, color: "#00ff00" } }, "mesh", true);
    expect(mesh.material).toEqual({ cls: "MeshPhongMaterial", props: { shininess: 80, color: "#00ff00" } });
  });

  it("notes what it cannot honour and falls back", () => {
    const scene = resolveScene(
      {
        camera: { cls: "OrthographicCamera", fov: 500, near: -1, far: 0.01 },
        lights: [{ cls: "RectAreaLight" }, "x"],
        material: { cls: "MeshStandardMaterial", size: -2, map: { image: 1 }, vertexColors: false },
      },
      "points",
    );
    expect(scene.camera).toEqual({ fov: 75, near: null, far: 0.01 });
    expect(scene.lights).toEqual([]);
    expect(scene.material).toEqual({ cls: "PointsMaterial", props: {} });
    expect(scene.pointSize).toBeNull();
    expect(scene.notes).toEqual([
      'camera "OrthographicCamera" is not supported; a PerspectiveCamera is used',
      'light "RectAreaLight" is not supported (one of AmbientLight, DirectionalLight, PointLight, SpotLight, HemisphereLight)',
      'light "x" is not supported (one of AmbientLight, DirectionalLight, PointLight, SpotLight, HemisphereLight)',
      'material "MeshStandardMaterial" cannot draw a point cloud; PointsMaterial is used',
      "material size -2 is not a positive number",
      'material map={"image":1} is not a number, boolean or string; left out',
    ]);
    expect(resolveScene({ lights: {} }, "mesh").notes).toEqual(["lights must be a list; the default lights are used"]);
    expect(resolveScene({ material: { cls: "PointsMaterial" } }, "mesh").notes).toEqual([
      'material "PointsMaterial" cannot draw a mesh; MeshStandardMaterial is used',
    ]);
  });
});

describe("the camera and sizes", () => {
  it("bounds only the finite vertices", () => {
    expect(finiteBounds(new Float32Array([0, 0, 0, NaN, 5, 5, 2, -1, 4, Infinity, 0, 0]))).toEqual({ min: [0, -1, 0], max: [2, 0, 4] });
    expect(finiteBounds(new Float32Array([NaN, 0, 0]))).toBeNull();
  });

  it("fits the object in view on the +z side, with near and far around it", () => {
    const view = fitView({ min: [-1, -1, -1], max: [1, 1, 1] }, { fov: 90, near: null, far: null });
    // Largest side 2 fills a 90-degree view at distance 1; 1.25 times that, plus half the depth.
    expect(view.target).toEqual([0, 0, 0]);
    expect(view.position[2]).toBeCloseTo(2.25);
    expect(view.near).toBeCloseTo(0.0225);
    expect(view.far).toBeCloseTo((2.25 + Math.sqrt(12)) * 10);
    const fixed = fitView({ min: [1, 1, 1], max: [1, 1, 1] }, { fov: 60, near: 0.5, far: 7 });
    expect(fixed.target).toEqual([1, 1, 1]);
    expect([fixed.near, fixed.far]).toEqual([0.5, 7]);
    expect(fitView(null, { fov: 75, near: null, far: null }).target).toEqual([0, 0, 0]);
  });

  it("sizes points to the cloud", () => {
    const box = { min: [0, 0, 0], max: [0, 30, 40] } as const; // diagonal 50
    expect(defaultPointSize(box, 1000)).toBeCloseTo(50 * 0.025);
    expect(defaultPointSize(box, 4)).toBeCloseTo(50 / 25);
    expect(defaultPointSize(box, 1e7)).toBeCloseTo(50 / 200);
    expect(defaultPointSize({ min: [2, 2, 2], max: [2, 2, 2] }, 1)).toBeCloseTo(1 / 25);
    expect(defaultPointSize(null, 0)).toBeCloseTo(1 / 25);
  });

  it("converts colour bytes to linear values and back", () => {
    expect(srgbToLinear(0)).toBe(0);
    expect(srgbToLinear(255)).toBeCloseTo(1);
    expect(srgbToLinear(128)).toBeCloseTo(0.21586, 5);
    for (let byte = 0; byte < 256; byte++) expect(linearToSrgbByte(srgbToLinear(byte))).toBe(byte);
  });
});
