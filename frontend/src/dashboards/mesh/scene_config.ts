// The scene a mesh is drawn in, from add_mesh's `config_dict` (json_config) with
// TensorBoard's mesh-viewer defaults: a PerspectiveCamera (fov 75), an ambient and a
// directional light (white, 0.75), PointsMaterial for point clouds and MeshStandardMaterial
// (roughness 1, metalness 0, #a0a0a0 unless the mesh has vertex colours) for meshes. Pure data, no three.js: viewer.ts builds
// the objects. What cannot be honoured is listed in `notes` (shown on the card).
//
//   resolveScene({ camera: { fov: 40 }, material: { size: 0.05 } }, "points")
//   // camera.fov 40, material PointsMaterial, pointSize 0.05

export type Vec3 = readonly [number, number, number];

export type LightClass = "AmbientLight" | "DirectionalLight" | "PointLight" | "SpotLight" | "HemisphereLight";

export interface LightSettings {
  readonly cls: LightClass;
  readonly color: string | number;
  readonly intensity: number;
  readonly position: Vec3 | null;
  /** HemisphereLight's ground colour. */
  readonly groundColor: string | number | null;
}

export interface CameraSettings {
  readonly fov: number;
  /** null: fitted to the object (TensorBoard fixes 0.1, which clips small objects). */
  readonly near: number | null;
  /** null: fitted to the object (as TensorBoard does). */
  readonly far: number | null;
}

export type MaterialValue = number | boolean | string;

export interface MaterialSettings {
  readonly cls: string;
  /** Properties to set on the material (those it lacks are skipped and noted). */
  readonly props: Readonly<Record<string, MaterialValue>>;
}

export interface SceneSettings {
  readonly camera: CameraSettings;
  readonly lights: readonly LightSettings[];
  readonly material: MaterialSettings;
  /**
   * PointsMaterial size in world units; null: relative to the cloud (defaultPointSize), as
   * TensorBoard's fixed 0.005 is a speck for a cloud of extent 100 and a blot at 0.01.
   */
  readonly pointSize: number | null;
  readonly notes: readonly string[];
}

export const POINT_MATERIALS: readonly string[] = ["PointsMaterial"];
export const MESH_MATERIALS: readonly string[] = [
  "MeshStandardMaterial",
  "MeshPhysicalMaterial",
  "MeshLambertMaterial",
  "MeshPhongMaterial",
  "MeshToonMaterial",
  "MeshBasicMaterial",
  "MeshNormalMaterial",
];
const LIGHTS: readonly LightClass[] = ["AmbientLight", "DirectionalLight", "PointLight", "SpotLight", "HemisphereLight"];
// Keys that are ours to decide (vertexColors) or that no config should change.
const RESERVED = new Set(["cls", "type", "vertexColors", "uuid", "id", "name", "userData", "version"]);

export const DEFAULT_LIGHTS: readonly LightSettings[] = [
  { cls: "AmbientLight", color: "#ffffff", intensity: 0.75, position: null, groundColor: null },
  { cls: "DirectionalLight", color: "#ffffff", intensity: 0.75, position: [0, -1, 2], groundColor: null },
];
const DEFAULT_MESH_PROPS: Readonly<Record<string, MaterialValue>> = { color: "#a0a0a0", roughness: 1, metalness: 0 };

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function finite(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function vec3(value: unknown): Vec3 | null {
  if (!Array.isArray(value) || value.length !== 3) return null;
  const [x, y, z] = value.map(finite);
  return x !== null && y !== null && z !== null && x !== undefined && y !== undefined && z !== undefined ? [x, y, z] : null;
}

function colorOf(value: unknown, fallback: string | number): string | number {
  return typeof value === "string" || (typeof value === "number" && Number.isFinite(value)) ? value : fallback;
}

function resolveCamera(config: unknown, notes: string[]): CameraSettings {
  const camera = isObject(config) ? config : {};
  if (camera.cls !== undefined && camera.cls !== "PerspectiveCamera") {
    notes.push(`camera ${JSON.stringify(camera.cls)} is not supported; a PerspectiveCamera is used`);
  }
  const fov = finite(camera.fov);
  const near = finite(camera.near);
  const far = finite(camera.far);
  return {
    fov: fov !== null && fov > 0 && fov < 180 ? fov : 75,
    near: near !== null && near > 0 ? near : null,
    far: far !== null && far > 0 && (near === null || far > near) ? far : null,
  };
}

function resolveLight(config: unknown, notes: string[]): LightSettings | null {
  if (!isObject(config) || !LIGHTS.includes(config.cls as LightClass)) {
    const cls = isObject(config) ? JSON.stringify(config.cls) : JSON.stringify(config);
    notes.push(`light ${cls} is not supported (one of ${LIGHTS.join(", ")})`);
    return null;
  }
  return {
    cls: config.cls as LightClass,
    color: colorOf(config.color, "#ffffff"),
    intensity: finite(config.intensity) ?? 1,
    position: vec3(config.position),
    groundColor: config.groundColor === undefined ? null : colorOf(config.groundColor, "#444444"),
  };
}

function resolveMaterial(config: unknown, kind: "points" | "mesh", hasColors: boolean, notes: string[]): { material: MaterialSettings; pointSize: number | null } {
  const given = isObject(config) ? config : {};
  const allowed = kind === "points" ? POINT_MATERIALS : MESH_MATERIALS;
  const fallback = allowed[0] as string;
  let cls = fallback;
  if (typeof given.cls === "string" && allowed.includes(given.cls)) cls = given.cls;
  else if (given.cls !== undefined) notes.push(`material ${JSON.stringify(given.cls)} cannot draw ${kind === "points" ? "a point cloud" : "a mesh"}; ${fallback} is used`);
  const props: Record<string, MaterialValue> = kind === "mesh" && cls === fallback ? { ...DEFAULT_MESH_PROPS } : {};
  // TensorBoard multiplies vertex colours by the grey default; here they show as written.
  if (hasColors) delete props.color;
  let pointSize: number | null = null;
  for (const [key, value] of Object.entries(given)) {
    if (RESERVED.has(key)) continue;
    if (key === "size" && kind === "points") {
      const size = finite(value);
      if (size !== null && size > 0) pointSize = size;
      else notes.push(`material size ${JSON.stringify(value)} is not a positive number`);
    } else if (typeof value === "number" || typeof value === "boolean" || typeof value === "string") {
      props[key] = value;
    } else {
      notes.push(`material ${key}=${JSON.stringify(value)} is not a number, boolean or string; left out`);
    }
  }
  return { material: { cls, props }, pointSize };
}

/**
 * The scene for a mesh (`kind` "mesh": it has faces) or point cloud, from its json_config;
 * `hasColors`: it has vertex colours.
 */
export function resolveScene(config: unknown, kind: "points" | "mesh", hasColors = false): SceneSettings {
  const notes: string[] = [];
  const root = isObject(config) ? config : {};
  const camera = resolveCamera(root.camera, notes);
  let lights = DEFAULT_LIGHTS;
  if (Array.isArray(root.lights)) {
    lights = root.lights.map((light) => resolveLight(light, notes)).filter((light): light is LightSettings => light !== null);
  } else if (root.lights !== undefined) {
    notes.push("lights must be a list; the default lights are used");
  }
  const { material, pointSize } = resolveMaterial(root.material, kind, hasColors, notes);
  return { camera, lights, material, pointSize, notes };
}

/** A vertex colour byte (sRGB, as written) as the linear value three.js expects in attributes. */
export function srgbToLinear(byte: number): number {
  const c = byte / 255;
  return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
}

/** The inverse of srgbToLinear, rounded to a byte (what the debug hook reports). */
export function linearToSrgbByte(value: number): number {
  const c = value <= 0.0031308 ? value * 12.92 : 1.055 * Math.pow(value, 1 / 2.4) - 0.055;
  return Math.round(Math.min(1, Math.max(0, c)) * 255);
}

export interface Bounds {
  readonly min: Vec3;
  readonly max: Vec3;
}

/** The bounding box of the finite vertices (x, y, z triples), or null when none is finite. */
export function finiteBounds(vertices: ArrayLike<number>): Bounds | null {
  const min = [Infinity, Infinity, Infinity];
  const max = [-Infinity, -Infinity, -Infinity];
  let any = false;
  for (let i = 0; i + 2 < vertices.length; i += 3) {
    const x = vertices[i] as number;
    const y = vertices[i + 1] as number;
    const z = vertices[i + 2] as number;
    if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) continue;
    any = true;
    const p = [x, y, z];
    for (let k = 0; k < 3; k++) {
      min[k] = Math.min(min[k] as number, p[k] as number);
      max[k] = Math.max(max[k] as number, p[k] as number);
    }
  }
  return any ? { min: min as unknown as Vec3, max: max as unknown as Vec3 } : null;
}

export interface CameraView {
  readonly position: Vec3;
  readonly target: Vec3;
  readonly near: number;
  readonly far: number;
}

/**
 * Where the camera looks from so the whole object fits (TensorBoard's rule: on the +z side of
 * the box's centre, 1.25 times the distance at which the largest side fills the field of
 * view), with near and far planes around it unless the config fixed them.
 */
export function fitView(bounds: Bounds | null, camera: CameraSettings): CameraView {
  const min = bounds?.min ?? [-1, -1, -1];
  const max = bounds?.max ?? [1, 1, 1];
  const center: Vec3 = [(min[0] + max[0]) / 2, (min[1] + max[1]) / 2, (min[2] + max[2]) / 2];
  const size = [max[0] - min[0], max[1] - min[1], max[2] - min[2]];
  const largest = Math.max(...size) || 1;
  const diagonal = Math.hypot(...size) || largest;
  const distance = (largest / (2 * Math.tan((camera.fov * Math.PI) / 360))) * 1.25 + (size[2] as number) / 2;
  return {
    position: [center[0], center[1], center[2] + distance],
    target: center,
    near: camera.near ?? distance / 100,
    far: camera.far ?? (distance + diagonal) * 10,
  };
}

/**
 * The default point size: about a quarter of the typical spacing of `count` points spread
 * through the bounding box (diagonal / cube root of the count), kept between 1/200 and 1/25
 * of the diagonal (of 1 for a box with no extent).
 */
export function defaultPointSize(bounds: Bounds | null, count: number): number {
  const diagonal = bounds ? Math.hypot(bounds.max[0] - bounds.min[0], bounds.max[1] - bounds.min[1], bounds.max[2] - bounds.min[2]) || 1 : 1;
  const fraction = 0.25 / Math.cbrt(Math.max(1, count));
  return diagonal * Math.min(1 / 25, Math.max(1 / 200, fraction));
}
