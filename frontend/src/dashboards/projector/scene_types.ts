// The Projector's point view as the dashboard sees it. The real one (scene.ts) draws with
// three.js and is loaded on first use, so three stays out of every other chunk; tests pass a
// stand-in through ProjectorOptions.scene.

import type { Dims, PointLabel } from "./model";

export interface SpriteAtlas {
  readonly image: TexImageSource & { readonly width: number; readonly height: number };
  /** One thumbnail's size in pixels. */
  readonly cellWidth: number;
  readonly cellHeight: number;
}

export interface SceneStats {
  /** Frames drawn since the scene was created. */
  readonly frames: number;
  /** Frames per second over the last second of continuous drawing, or null. */
  readonly fps: number | null;
  /** CPU time of the last frame (three.js render + labels), milliseconds. */
  readonly renderMs: number;
  readonly points: number;
  readonly dims: Dims;
  readonly sprites: boolean;
  readonly autoRotate: boolean;
  /** The WebGL renderer string (e.g. SwiftShader in headless Chromium). */
  readonly renderer: string;
}

export interface SceneCallbacks {
  /** The pointer rests over a point (or none); x, y relative to the scene element. */
  hover(index: number | null, x: number, y: number): void;
  /** A click (not a drag) on a point, or on empty space (null). */
  select(index: number | null): void;
}

export interface ProjectorScene {
  readonly element: HTMLElement;
  /** [x, y, z] per point in [-1, 1]; `resetCamera` frames them anew. */
  setPoints(positions: Float32Array, dims: Dims, resetCamera: boolean): void;
  /** Per point: RGB bytes (3 each), alpha bytes, size factors. */
  setStyle(colors: Uint8Array, alphas: Uint8Array, sizes: Float32Array): void;
  setSprites(atlas: SpriteAtlas | null): void;
  setLabels(labels: readonly PointLabel[]): void;
  setAutoRotate(on: boolean): void;
  resetCamera(): void;
  /** The page's colours changed (theme). */
  themeChanged(): void;
  /** The element was attached, shown or resized. */
  resize(): void;
  stats(): SceneStats;
  /** A point's position in CSS pixels relative to the element, or null when not in view. */
  screenPosition(index: number): { x: number; y: number } | null;
  destroy(): void;
}

export type SceneFactory = (callbacks: SceneCallbacks) => Promise<ProjectorScene>;

/** The three.js scene, loaded on first use. */
export const loadThreeScene: SceneFactory = async (callbacks) => (await import("./scene")).createThreeScene(callbacks);
