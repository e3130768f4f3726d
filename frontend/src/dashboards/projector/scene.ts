// The Projector's point view: one three.js Points object (one draw call for every point),
// drawn on demand (after a change, or every frame while rotating), with a 2-D canvas on top
// for labels. 3-D: a perspective camera; drag rotates, right-drag pans, the wheel zooms. 2-D:
// an orthographic camera; drag pans, the wheel zooms. Picking projects the points on the CPU
// (10,000 points: well under a millisecond) and takes the nearest one under the pointer.

import * as THREE from "three";
import { OrbitControls } from "three/examples/jsm/controls/OrbitControls.js";
import { h } from "../../core/dom";
import type { Dims, PointLabel } from "./model";
import type { ProjectorScene, SceneCallbacks, SceneStats, SpriteAtlas } from "./scene_types";
import { FRAGMENT_SHADER, VERTEX_SHADER } from "./shaders";

const POINT_PX = 6; // a point's diameter at the default zoom
const SPRITE_PX = 30; // a thumbnail's side at the default zoom
const CAMERA_DISTANCE = 3.2;
const FOV = 45;
const CLICK_SLOP_PX = 4;

class ThreeScene implements ProjectorScene {
  readonly element: HTMLDivElement;
  private readonly callbacks: SceneCallbacks;
  private readonly canvas: HTMLCanvasElement;
  private readonly overlay: HTMLCanvasElement;
  private readonly renderer: THREE.WebGLRenderer;
  private readonly scene = new THREE.Scene();
  private readonly perspective = new THREE.PerspectiveCamera(FOV, 1, 0.01, 100);
  private readonly orthographic = new THREE.OrthographicCamera(-1, 1, 1, -1, -10, 10);
  private readonly geometry = new THREE.BufferGeometry();
  private readonly material: THREE.ShaderMaterial;
  private controls: OrbitControls;
  private texture: THREE.Texture | null = null;
  private positions: Float32Array = new Float32Array(0);
  private labels: readonly PointLabel[] = [];
  private dims: Dims = 2;
  private count = 0;
  private frame = 0;
  private frames = 0;
  private frameTimes: number[] = [];
  private renderMs = 0;
  private autoRotate = false;
  private width = 1;
  private height = 1;
  private down: { x: number; y: number } | null = null;
  private hoverPending: { x: number; y: number } | null = null;
  private labelColor = "#202124";
  private haloColor = "#ffffff";
  private readonly resizeObserver: ResizeObserver | null;

  constructor(callbacks: SceneCallbacks) {
    this.callbacks = callbacks;
    this.canvas = h("canvas", { class: "tbp-gl", "data-testid": "projector-canvas" });
    this.overlay = h("canvas", { class: "tbp-labels", "aria-hidden": "true" });
    this.element = h("div", { class: "tbp-scene" }, this.canvas, this.overlay);
    this.renderer = new THREE.WebGLRenderer({ canvas: this.canvas, antialias: false, powerPreference: "high-performance" });
    this.renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));
    this.material = new THREE.ShaderMaterial({
      vertexShader: VERTEX_SHADER,
      fragmentShader: FRAGMENT_SHADER,
      transparent: true,
      depthWrite: false,
      uniforms: {
        u_pointPx: { value: POINT_PX },
        u_refDist: { value: CAMERA_DISTANCE },
        u_perspective: { value: 0 },
        u_zoom: { value: 1 },
        u_atlas: { value: null },
        u_useSprite: { value: 0 },
        u_cellUv: { value: new THREE.Vector2(1, 1) },
        u_cols: { value: 1 },
      },
    });
    const points = new THREE.Points(this.geometry, this.material);
    points.frustumCulled = false;
    this.scene.add(points);
    this.controls = this.makeControls();
    this.canvas.addEventListener("pointerdown", (e) => (this.down = { x: e.clientX, y: e.clientY }));
    this.canvas.addEventListener("pointerup", (e) => this.onPointerUp(e));
    this.canvas.addEventListener("pointermove", (e) => this.onPointerMove(e));
    this.canvas.addEventListener("pointerleave", () => this.callbacks.hover(null, 0, 0));
    this.resizeObserver = typeof ResizeObserver === "undefined" ? null : new ResizeObserver(() => this.resize());
    this.resizeObserver?.observe(this.element);
    this.themeChanged();
  }

  // ------------------------------------------------------------ data

  setPoints(positions: Float32Array, dims: Dims, resetCamera: boolean): void {
    const changedDims = dims !== this.dims;
    this.positions = positions;
    this.count = positions.length / 3;
    this.dims = dims;
    this.geometry.setAttribute("position", new THREE.BufferAttribute(positions, 3));
    const sprite = new Float32Array(this.count);
    for (let i = 0; i < this.count; i++) sprite[i] = i;
    this.geometry.setAttribute("a_sprite", new THREE.BufferAttribute(sprite, 1));
    if (changedDims) {
      this.controls.dispose();
      this.controls = this.makeControls();
    }
    if (resetCamera || changedDims) this.resetCamera();
    this.requestRender();
  }

  setStyle(colors: Uint8Array, alphas: Uint8Array, sizes: Float32Array): void {
    const rgba = new Uint8Array(this.count * 4);
    for (let i = 0; i < this.count; i++) {
      rgba[4 * i] = colors[3 * i] ?? 0;
      rgba[4 * i + 1] = colors[3 * i + 1] ?? 0;
      rgba[4 * i + 2] = colors[3 * i + 2] ?? 0;
      rgba[4 * i + 3] = alphas[i] ?? 255;
    }
    this.geometry.setAttribute("a_color", new THREE.BufferAttribute(rgba, 4, true));
    this.geometry.setAttribute("a_size", new THREE.BufferAttribute(sizes.slice(0, this.count), 1));
    this.requestRender();
  }

  setSprites(atlas: SpriteAtlas | null): void {
    this.texture?.dispose();
    this.texture = null;
    const u = this.material.uniforms;
    if (atlas && atlas.cellWidth > 0 && atlas.cellHeight > 0) {
      const texture = new THREE.Texture(atlas.image as THREE.Texture["image"]);
      texture.flipY = false; // row 0 of the image is the top row of thumbnails
      texture.minFilter = THREE.LinearFilter;
      texture.magFilter = THREE.LinearFilter;
      texture.generateMipmaps = false;
      texture.needsUpdate = true;
      this.texture = texture;
      (u.u_atlas as THREE.IUniform).value = texture;
      (u.u_cellUv as THREE.IUniform).value = new THREE.Vector2(atlas.cellWidth / atlas.image.width, atlas.cellHeight / atlas.image.height);
      (u.u_cols as THREE.IUniform).value = Math.max(1, Math.floor(atlas.image.width / atlas.cellWidth));
    }
    (u.u_useSprite as THREE.IUniform).value = this.texture ? 1 : 0;
    (u.u_pointPx as THREE.IUniform).value = this.texture ? SPRITE_PX : POINT_PX;
    this.requestRender();
  }

  setLabels(labels: readonly PointLabel[]): void {
    this.labels = labels;
    this.requestRender();
  }

  setAutoRotate(on: boolean): void {
    this.autoRotate = on && this.dims === 3;
    this.controls.autoRotate = this.autoRotate;
    if (this.autoRotate) this.frameTimes = []; // fps then measures this rotation only
    this.requestRender();
  }

  // ------------------------------------------------------------ camera

  private makeControls(): OrbitControls {
    const controls = new OrbitControls(this.camera(), this.canvas);
    controls.enableDamping = false;
    controls.autoRotateSpeed = 4;
    controls.zoomToCursor = true;
    if (this.dims === 2) {
      controls.enableRotate = false;
      controls.screenSpacePanning = true;
      controls.mouseButtons = { LEFT: THREE.MOUSE.PAN, MIDDLE: THREE.MOUSE.DOLLY, RIGHT: THREE.MOUSE.PAN };
      controls.touches = { ONE: THREE.TOUCH.PAN, TWO: THREE.TOUCH.DOLLY_PAN };
    }
    controls.autoRotate = this.autoRotate;
    controls.addEventListener("change", () => this.requestRender());
    return controls;
  }

  private camera(): THREE.PerspectiveCamera | THREE.OrthographicCamera {
    return this.dims === 3 ? this.perspective : this.orthographic;
  }

  resetCamera(): void {
    // Far enough back that the [-1, 1] cube fits the narrower side of the view.
    const distance = CAMERA_DISTANCE / Math.min(1, this.width / this.height);
    this.perspective.position.set(distance * 0.45, distance * 0.3, distance * 0.84);
    this.perspective.up.set(0, 1, 0);
    this.orthographic.position.set(0, 0, 5);
    this.orthographic.zoom = 1;
    this.orthographic.up.set(0, 1, 0);
    this.controls.target.set(0, 0, 0);
    this.updateProjection();
    this.controls.update();
    this.requestRender();
  }

  private updateProjection(): void {
    const aspect = this.width / this.height;
    this.perspective.aspect = aspect;
    this.perspective.updateProjectionMatrix();
    const half = 1.15; // the [-1, 1] square with a margin fits the shorter side
    const o = this.orthographic;
    [o.left, o.right, o.top, o.bottom] = aspect >= 1 ? [-half * aspect, half * aspect, half, -half] : [-half, half, half / aspect, -half / aspect];
    o.updateProjectionMatrix();
  }

  resize(): void {
    const rect = this.element.getBoundingClientRect();
    const width = Math.max(1, Math.round(rect.width));
    const height = Math.max(1, Math.round(rect.height));
    if (width === this.width && height === this.height) return this.requestRender();
    this.width = width;
    this.height = height;
    this.renderer.setSize(width, height, false);
    const ratio = this.renderer.getPixelRatio();
    this.overlay.width = Math.round(width * ratio);
    this.overlay.height = Math.round(height * ratio);
    this.updateProjection();
    this.requestRender();
  }

  themeChanged(): void {
    const style = getComputedStyle(document.documentElement);
    const bg = style.getPropertyValue("--bg").trim() || "#ffffff";
    this.labelColor = style.getPropertyValue("--fg").trim() || "#202124";
    this.haloColor = bg;
    this.renderer.setClearColor(new THREE.Color(bg));
    this.requestRender();
  }

  // ------------------------------------------------------------ drawing

  private requestRender(): void {
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame((now) => {
      this.frame = 0;
      this.render(now);
      if (this.autoRotate && this.element.isConnected) this.requestRender();
    });
  }

  private render(now: number): void {
    const started = performance.now();
    if (this.autoRotate) this.controls.update();
    const camera = this.camera();
    (this.material.uniforms.u_perspective as THREE.IUniform).value = this.dims === 3 ? 1 : 0;
    (this.material.uniforms.u_zoom as THREE.IUniform).value = this.orthographic.zoom;
    this.renderer.render(this.scene, camera);
    this.drawLabels();
    this.renderMs = performance.now() - started;
    this.frames++;
    this.frameTimes.push(now);
    while (this.frameTimes.length > 2 && now - (this.frameTimes[0] as number) > 1000) this.frameTimes.shift();
  }

  private drawLabels(): void {
    const ctx = this.overlay.getContext("2d");
    if (!ctx) return;
    const ratio = this.renderer.getPixelRatio();
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, this.width, this.height);
    ctx.font = "12px system-ui, sans-serif";
    ctx.lineJoin = "round";
    ctx.textBaseline = "middle";
    for (const label of this.labels) {
      const at = this.screenPosition(label.index);
      if (!at) continue;
      if (label.kind === "selected") {
        ctx.strokeStyle = this.labelColor;
        ctx.lineWidth = 2;
        ctx.beginPath();
        ctx.arc(at.x, at.y, 11, 0, 2 * Math.PI);
        ctx.stroke();
      }
      ctx.font = label.kind === "selected" || label.kind === "hovered" ? "bold 13px system-ui, sans-serif" : "12px system-ui, sans-serif";
      ctx.lineWidth = 3;
      ctx.strokeStyle = this.haloColor;
      ctx.strokeText(label.text, at.x + 9, at.y);
      ctx.fillStyle = this.labelColor;
      ctx.fillText(label.text, at.x + 9, at.y);
    }
  }

  // ------------------------------------------------------------ picking

  screenPosition(index: number): { x: number; y: number } | null {
    if (index < 0 || index >= this.count) return null;
    const camera = this.camera();
    camera.updateMatrixWorld();
    const v = new THREE.Vector3(this.positions[3 * index], this.positions[3 * index + 1], this.positions[3 * index + 2]).project(camera);
    if (v.z < -1 || v.z > 1 || Math.abs(v.x) > 1 || Math.abs(v.y) > 1) return null;
    return { x: ((v.x + 1) / 2) * this.width, y: ((1 - v.y) / 2) * this.height };
  }

  /** The point nearest to (x, y) within its drawn radius (plus a little), front-most first. */
  private pick(x: number, y: number): number | null {
    const camera = this.camera();
    camera.updateMatrixWorld();
    const m = new THREE.Matrix4().multiplyMatrices(camera.projectionMatrix, camera.matrixWorldInverse).elements;
    const p = this.positions;
    const base = (this.material.uniforms.u_pointPx as THREE.IUniform).value as number;
    const reach = Math.max(6, base / 2 + 3);
    let best: number | null = null;
    let bestScore = Infinity;
    for (let i = 0; i < this.count; i++) {
      const px = p[3 * i] as number;
      const py = p[3 * i + 1] as number;
      const pz = p[3 * i + 2] as number;
      const w = (m[3] as number) * px + (m[7] as number) * py + (m[11] as number) * pz + (m[15] as number);
      if (w <= 0) continue;
      const sx = ((((m[0] as number) * px + (m[4] as number) * py + (m[8] as number) * pz + (m[12] as number)) / w + 1) / 2) * this.width;
      const sy = ((1 - ((m[1] as number) * px + (m[5] as number) * py + (m[9] as number) * pz + (m[13] as number)) / w) / 2) * this.height;
      const d = Math.hypot(sx - x, sy - y);
      if (d > reach) continue;
      const depth = ((m[2] as number) * px + (m[6] as number) * py + (m[10] as number) * pz + (m[14] as number)) / w;
      const score = d + depth * 0.5; // nearer to the pointer, then nearer to the eye
      if (score < bestScore) {
        bestScore = score;
        best = i;
      }
    }
    return best;
  }

  private local(event: PointerEvent): { x: number; y: number } {
    const rect = this.canvas.getBoundingClientRect();
    return { x: event.clientX - rect.left, y: event.clientY - rect.top };
  }

  private onPointerUp(event: PointerEvent): void {
    const down = this.down;
    this.down = null;
    if (!down || Math.hypot(event.clientX - down.x, event.clientY - down.y) > CLICK_SLOP_PX) return;
    const at = this.local(event);
    this.callbacks.select(this.pick(at.x, at.y));
  }

  private onPointerMove(event: PointerEvent): void {
    if (event.buttons !== 0) return;
    const first = this.hoverPending === null;
    this.hoverPending = this.local(event);
    if (!first) return;
    requestAnimationFrame(() => {
      const at = this.hoverPending;
      this.hoverPending = null;
      if (at) this.callbacks.hover(this.pick(at.x, at.y), at.x, at.y);
    });
  }

  stats(): SceneStats {
    const t = this.frameTimes;
    const span = t.length > 1 ? (t[t.length - 1] as number) - (t[0] as number) : 0;
    const gl = this.renderer.getContext();
    const info = gl.getExtension("WEBGL_debug_renderer_info");
    return {
      frames: this.frames,
      fps: span > 0 ? ((t.length - 1) * 1000) / span : null,
      renderMs: this.renderMs,
      points: this.count,
      dims: this.dims,
      sprites: this.texture !== null,
      autoRotate: this.autoRotate,
      renderer: String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER)),
    };
  }

  destroy(): void {
    if (this.frame !== 0) cancelAnimationFrame(this.frame);
    this.resizeObserver?.disconnect();
    this.controls.dispose();
    this.texture?.dispose();
    this.geometry.dispose();
    this.material.dispose();
    this.renderer.dispose();
  }
}

export function createThreeScene(callbacks: SceneCallbacks): ThreeScene {
  return new ThreeScene(callbacks);
}
