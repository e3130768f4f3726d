// Draws one mesh or point cloud with three.js, for one card. Loaded lazily (card.ts imports it
// with a dynamic import), so three stays out of the main bundle.
//
// Every card shares one WebGLRenderer on an off-screen canvas: a card renders its scene with
// it and copies the picture into its own 2-D canvas. Browsers cap live WebGL contexts (about
// 16 in Chromium), so a context per card would break on a page of many meshes. Pictures are
// drawn on demand (new data, a camera move, a resize, a theme change), never in a loop.
// OrbitControls on the card's canvas: drag rotates, the wheel zooms, right-drag pans.

import * as THREE from "three";
import { OrbitControls } from "three/examples/jsm/controls/OrbitControls.js";
import type { Theme } from "../../core/theme";
import type { MeshData } from "./api";
import type { Bounds, LightSettings, SceneSettings, Vec3 } from "./scene_config";
import { defaultPointSize, finiteBounds, fitView, linearToSrgbByte, resolveScene, srgbToLinear } from "./scene_config";
import type { MeshViewDebug, MeshViewer } from "./viewer_types";

const BACKGROUND: Readonly<Record<Theme, string>> = { light: "#ffffff", dark: "#202124" };
const DEBUG_COLORS = 4; // vertex colours the debug hook reports

let shared: THREE.WebGLRenderer | null = null;

/** The renderer every card draws with (created on first use; throws without WebGL). */
function sharedRenderer(): THREE.WebGLRenderer {
  if (!shared) {
    const canvas = document.createElement("canvas");
    if (!canvas.getContext("webgl2") && !canvas.getContext("webgl")) {
      throw new Error("this browser has no WebGL, which the Mesh dashboard needs");
    }
    shared = new THREE.WebGLRenderer({ canvas, antialias: true });
    shared.setPixelRatio(1); // the card's canvas size already counts device pixels
  }
  return shared;
}

function toArray(v: THREE.Vector3): [number, number, number] {
  return [v.x, v.y, v.z];
}

// three r155+ lights are physically based; TensorBoard's (older three) intensities look the
// same multiplied by pi, and with no fall-off for point and spot lights.
function createLight(light: LightSettings): THREE.Light {
  const intensity = light.intensity * Math.PI;
  switch (light.cls) {
    case "AmbientLight":
      return new THREE.AmbientLight(light.color, intensity);
    case "DirectionalLight":
      return new THREE.DirectionalLight(light.color, intensity);
    case "PointLight":
      return new THREE.PointLight(light.color, intensity, 0, 0);
    case "SpotLight":
      return new THREE.SpotLight(light.color, intensity, 0, Math.PI / 3, 0, 0);
    case "HemisphereLight":
      return new THREE.HemisphereLight(light.color, light.groundColor ?? "#444444", intensity);
  }
}

/** Sets the config's material properties that the material has; returns notes for the rest. */
function applyProps(material: THREE.Material, props: Readonly<Record<string, number | boolean | string>>): string[] {
  const notes: string[] = [];
  const target = material as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(props)) {
    const current = target[key];
    if (current instanceof THREE.Color && (typeof value === "string" || typeof value === "number")) current.set(value);
    else if (current !== undefined && typeof current === typeof value) target[key] = value;
    else notes.push(`${material.type} has no ${typeof value} property ${JSON.stringify(key)}`);
  }
  return notes;
}

function createMaterial(settings: SceneSettings, data: MeshData, runColor: string, bounds: Bounds | null): { material: THREE.Material; notes: string[] } {
  const { cls, props } = settings.material;
  const kind = data.faces && data.faces.length > 0 ? "mesh" : "points";
  const hasColors = data.colors !== null;
  const count = data.vertices.length / 3;
  let material: THREE.Material;
  if (kind === "points") {
    material = new THREE.PointsMaterial({ size: settings.pointSize ?? defaultPointSize(bounds, count), sizeAttenuation: true });
  } else {
    const classes: Record<string, new () => THREE.Material> = {
      MeshStandardMaterial: THREE.MeshStandardMaterial,
      MeshPhysicalMaterial: THREE.MeshPhysicalMaterial,
      MeshLambertMaterial: THREE.MeshLambertMaterial,
      MeshPhongMaterial: THREE.MeshPhongMaterial,
      MeshToonMaterial: THREE.MeshToonMaterial,
      MeshBasicMaterial: THREE.MeshBasicMaterial,
      MeshNormalMaterial: THREE.MeshNormalMaterial,
    };
    material = new (classes[cls] ?? THREE.MeshStandardMaterial)();
    material.side = THREE.DoubleSide; // written meshes often mix windings
  }
  const withColor = material as THREE.Material & { color?: THREE.Color };
  if (kind === "points" && !hasColors) withColor.color?.set(runColor);
  const notes = applyProps(material, props);
  if (hasColors) {
    material.vertexColors = true;
    if (!("color" in props)) withColor.color?.set("#ffffff"); // vertex colours as written
  }
  return { material, notes };
}

function createGeometry(data: MeshData, bounds: Bounds | null): THREE.BufferGeometry {
  const geometry = new THREE.BufferGeometry();
  geometry.setAttribute("position", new THREE.BufferAttribute(data.vertices, 3));
  if (data.colors) {
    const linear = new Float32Array(data.colors.length);
    const table = Array.from({ length: 256 }, (_, i) => srgbToLinear(i));
    for (let i = 0; i < linear.length; i++) linear[i] = table[data.colors[i] as number] as number;
    geometry.setAttribute("color", new THREE.BufferAttribute(linear, 3));
  }
  if (data.faces && data.faces.length > 0) {
    // The server sends only indices in [0, N): the same bytes read as unsigned, which WebGL needs.
    geometry.setIndex(new THREE.BufferAttribute(new Uint32Array(data.faces.buffer, data.faces.byteOffset, data.faces.length), 1));
    geometry.computeVertexNormals();
  }
  // Set from the finite vertices: three's own would be NaN with one NaN vertex.
  const box = bounds ? new THREE.Box3(new THREE.Vector3(...bounds.min), new THREE.Vector3(...bounds.max)) : new THREE.Box3();
  geometry.boundingBox = box;
  geometry.boundingSphere = bounds ? box.getBoundingSphere(new THREE.Sphere()) : new THREE.Sphere();
  return geometry;
}

class ThreeMeshViewer implements MeshViewer {
  private readonly canvas: HTMLCanvasElement;
  private readonly scene = new THREE.Scene();
  private readonly camera = new THREE.PerspectiveCamera(75, 1, 0.1, 1000);
  private readonly controls: OrbitControls;
  private readonly resizeObserver: ResizeObserver | null;
  private object: THREE.Points | THREE.Mesh | null = null;
  private settings: SceneSettings | null = null;
  private bounds: Bounds | null = null;
  private notes: string[] = [];
  private theme: Theme;
  private fitted = false;
  private frames = 0;
  private frame: number | null = null;

  constructor(canvas: HTMLCanvasElement, theme: Theme) {
    this.canvas = canvas;
    this.theme = theme;
    sharedRenderer();
    this.controls = new OrbitControls(this.camera, canvas);
    this.controls.addEventListener("change", () => this.requestRender());
    this.resizeObserver = typeof ResizeObserver === "function" ? new ResizeObserver(() => this.requestRender()) : null;
    this.resizeObserver?.observe(canvas);
  }

  setMesh(data: MeshData, runColor: string): void {
    const kind = data.faces && data.faces.length > 0 ? "mesh" : "points";
    const settings = resolveScene(data.config, kind, data.colors !== null);
    const bounds = finiteBounds(data.vertices);
    const geometry = createGeometry(data, bounds);
    const { material, notes } = createMaterial(settings, data, runColor, bounds);
    this.clear();
    const object = kind === "mesh" ? new THREE.Mesh(geometry, material) : new THREE.Points(geometry, material);
    this.scene.add(object);
    for (const light of settings.lights) this.addLight(light);
    this.object = object;
    this.settings = settings;
    this.bounds = bounds;
    this.notes = [...settings.notes, ...notes];
    this.camera.fov = settings.camera.fov;
    if (!this.fitted) this.resetCamera();
    else this.render();
  }

  resetCamera(): void {
    if (!this.settings) return;
    const view = fitView(this.bounds, this.settings.camera);
    this.camera.position.set(...view.position);
    this.camera.near = view.near;
    this.camera.far = view.far;
    this.controls.target.set(...view.target);
    this.controls.maxDistance = view.far / 2;
    this.controls.update();
    this.fitted = true;
    this.render();
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    this.render();
  }

  resize(): void {
    this.render();
  }

  debug(): MeshViewDebug {
    const geometry = this.object?.geometry ?? null;
    const colors = geometry?.getAttribute("color") ?? null;
    const firstColors: number[][] = [];
    for (let i = 0; colors && i < Math.min(DEBUG_COLORS, colors.count); i++) {
      firstColors.push([colors.getX(i), colors.getY(i), colors.getZ(i)].map(linearToSrgbByte));
    }
    const material = (this.object?.material ?? null) as (THREE.Material & { size?: number }) | null;
    return {
      object: this.object instanceof THREE.Mesh ? "mesh" : this.object ? "points" : null,
      vertices: geometry?.getAttribute("position")?.count ?? 0,
      faces: geometry?.index ? geometry.index.count / 3 : 0,
      colors: Boolean(material?.vertexColors && colors),
      firstColors,
      material: material?.type ?? null,
      pointSize: material?.size ?? null,
      lights: this.scene.children.filter((c): c is THREE.Light => c instanceof THREE.Light).map((l) => l.type),
      camera: {
        position: toArray(this.camera.position),
        target: toArray(this.controls.target),
        fov: this.camera.fov,
        near: this.camera.near,
        far: this.camera.far,
      },
      background: BACKGROUND[this.theme],
      frames: this.frames,
      canvas: [this.canvas.width, this.canvas.height],
      notes: [...this.notes],
    };
  }

  destroy(): void {
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.resizeObserver?.disconnect();
    this.controls.dispose();
    this.clear();
  }

  private addLight(settings: LightSettings): void {
    const light = createLight(settings);
    if (settings.position) light.position.set(...(settings.position as Vec3));
    this.scene.add(light);
  }

  private clear(): void {
    for (const child of [...this.scene.children]) {
      this.scene.remove(child);
      if (child instanceof THREE.Mesh || child instanceof THREE.Points) {
        child.geometry.dispose();
        (child.material as THREE.Material).dispose();
      }
    }
    this.object = null;
  }

  private requestRender(): void {
    if (this.frame !== null) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = null;
      this.render();
    });
  }

  /** Renders into the card's canvas at its size in device pixels (nothing while detached). */
  private render(): void {
    const width = this.canvas.clientWidth;
    const height = this.canvas.clientHeight;
    if (width === 0 || height === 0 || !this.object) return;
    const ratio = window.devicePixelRatio || 1;
    const pixelWidth = Math.max(1, Math.round(width * ratio));
    const pixelHeight = Math.max(1, Math.round(height * ratio));
    if (this.canvas.width !== pixelWidth || this.canvas.height !== pixelHeight) {
      this.canvas.width = pixelWidth;
      this.canvas.height = pixelHeight;
    }
    const renderer = sharedRenderer();
    renderer.setSize(pixelWidth, pixelHeight, false);
    renderer.setClearColor(BACKGROUND[this.theme], 1);
    this.camera.aspect = width / height;
    this.camera.updateProjectionMatrix();
    renderer.render(this.scene, this.camera);
    const context = this.canvas.getContext("2d");
    if (!context) return;
    context.clearRect(0, 0, pixelWidth, pixelHeight);
    context.drawImage(renderer.domElement, 0, 0);
    this.frames++;
  }
}

/** A viewer drawing into `canvas` (a 2-D canvas the card shows). */
export function createMeshViewer(canvas: HTMLCanvasElement, theme: Theme): MeshViewer {
  return new ThreeMeshViewer(canvas, theme);
}
