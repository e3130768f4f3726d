// What a card needs of its 3-D viewer, without three.js: viewer.ts implements it (loaded
// lazily), unit tests pass a stand-in (happy-dom has no WebGL).

import type { Theme } from "../../core/theme";
import type { MeshData } from "./api";

/** What the debug hook reports of a drawn scene (window.__trainboard.view("mesh")). */
export interface MeshViewDebug {
  /** "mesh" with faces, "points" without; null before the first mesh. */
  readonly object: "points" | "mesh" | null;
  /** Vertices in the drawn geometry. */
  readonly vertices: number;
  /** Triangles in the drawn geometry. */
  readonly faces: number;
  /** Whether per-vertex colours are drawn (a colour attribute and vertexColors on). */
  readonly colors: boolean;
  /** The first few vertex colours as drawn, back in 0-255 sRGB (what was written). */
  readonly firstColors: readonly (readonly number[])[];
  readonly material: string | null;
  /** PointsMaterial size (world units), null for meshes. */
  readonly pointSize: number | null;
  readonly lights: readonly string[];
  readonly camera: {
    readonly position: readonly number[];
    readonly target: readonly number[];
    readonly fov: number;
    readonly near: number;
    readonly far: number;
  };
  readonly background: string;
  /** Pictures drawn so far. */
  readonly frames: number;
  /** The canvas size in device pixels. */
  readonly canvas: readonly number[];
  /** Parts of the scene config that could not be honoured. */
  readonly notes: readonly string[];
}

export interface MeshViewer {
  /** Shows `data` (uncoloured point clouds in `runColor`); the camera stays where it is after the first. */
  setMesh(data: MeshData, runColor: string): void;
  /** Fits the camera to the mesh again, as on the first draw. */
  resetCamera(): void;
  setTheme(theme: Theme): void;
  resize(): void;
  debug(): MeshViewDebug;
  destroy(): void;
}

export type MeshViewerFactory = (canvas: HTMLCanvasElement, theme: Theme) => MeshViewer;

/** The three.js viewer, loaded on first use (its own chunk, with three). */
export async function loadMeshViewer(): Promise<MeshViewerFactory> {
  return (await import("./viewer")).createMeshViewer;
}
